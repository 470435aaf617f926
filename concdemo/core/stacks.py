"""Where each process of a hung run was blocked, from faulthandler's dumps."""

from __future__ import annotations

import contextlib
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from concdemo.wire.process import stack_signal

_FRAME = re.compile(r'^\s+File "(?P<file>.+)", line (?P<line>\d+) in (?P<function>.+?)\s*$')
_DUMP_WAIT_S = 0.25


@dataclass(frozen=True)
class Frame:
    file: str
    line: int
    function: str

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "function": self.function}


@dataclass(frozen=True)
class Stack:
    pid: int
    thread: str
    frames: tuple[Frame, ...]  # innermost first, as faulthandler prints them

    def blocked_in(self, scenario_dir: Path | None = None) -> Frame | None:
        """The innermost frame, or the innermost one in the scenario's own code."""
        if scenario_dir is not None:
            for frame in self.frames:
                if Path(frame.file).parent == scenario_dir:
                    return frame
        return self.frames[0] if self.frames else None


def parse(pid: int, text: str) -> list[Stack]:
    """faulthandler's text -> one Stack per thread, the current thread first."""
    stacks: list[Stack] = []
    thread = ""
    frames: list[Frame] = []
    for line in text.splitlines():
        match = _FRAME.match(line)
        if match:
            frames.append(Frame(match["file"], int(match["line"]), match["function"]))
        elif line.strip():
            if frames:
                stacks.append(Stack(pid, thread, tuple(frames)))
            thread, frames = line.strip().rstrip(":"), []
    if frames:
        stacks.append(Stack(pid, thread, tuple(frames)))
    stacks.sort(key=lambda s: not s.thread.startswith("Current thread"))
    return stacks


def helper_name(pid: int) -> str:
    """A name for multiprocessing's own helper processes, which report no events."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "?"
    if "multiprocessing.forkserver" in command:
        return "ForkServer"
    if "multiprocessing.resource_tracker" in command:
        return "ResourceTracker"
    return "?"


def collect(run_dir: Path, alive: set[int]) -> dict[int, list[Stack]]:
    """Ask every live process that can answer for its stacks, and read them."""
    folder = run_dir / "stacks"
    asked = []
    for path in folder.glob("*.txt"):
        pid = int(path.stem)
        if pid in alive:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, stack_signal())
                asked.append(pid)
    if not asked:
        return {}
    # faulthandler writes from its C signal handler: this is plenty.
    time.sleep(_DUMP_WAIT_S)
    found = {}
    for pid in asked:
        with contextlib.suppress(OSError):
            stacks = parse(pid, (folder / f"{pid}.txt").read_text(errors="replace"))
            if stacks:
                found[pid] = stacks
    return found


def unresponsive_docs(pids: set[int], names: dict[int, str]) -> list[dict[str, Any]]:
    """The processes of a hung run that were stopped (SIGSTOP) and so could not be asked."""
    return [
        {
            "pid": pid,
            "process": names.get(pid, "?"),
            "state": "stopped",
            "message": "stopped by a signal (SIGSTOP): it cannot report where it was",
        }
        for pid in sorted(pids)
    ]
