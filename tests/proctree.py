"""Find every process of one CLI invocation in /proc, and make sure none is left behind.

The test gives the CLI a unique ``CONCDEMO_TEST_TAG`` in its environment. The
runner copies the CLI's environment into every scenario process, and every
process a scenario starts (fork, spawn and forkserver children, the forkserver,
the resource tracker) inherits it: a live process of the run is one whose
/proc/PID/environ holds the tag. A zombie's environ can no longer be read, so a
zombie counts as the run's when it sits in the session of one of the run's main
processes (each run starts in a session of its own, led by its main process).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

TAG_VAR = "CONCDEMO_TEST_TAG"
_PROC = Path("/proc")

if not sys.platform.startswith("linux") or not _PROC.is_dir():  # pragma: no cover
    pytest.skip("process hygiene is checked through Linux's /proc", allow_module_level=True)


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    pgid: int
    sid: int
    state: str
    start: int  # clock ticks after boot: tells a process from a later one with the same pid
    cmd: str

    @property
    def zombie(self) -> bool:
        return self.state in ("Z", "X")

    def __str__(self) -> str:
        return (
            f"pid={self.pid} ppid={self.ppid} pgid={self.pgid} sid={self.sid} "
            f"state={self.state} cmd={self.cmd!r}"
        )


def read(pid: int) -> Proc | None:
    try:
        stat = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name may hold spaces and parentheses: split at the last ')'.
    head, _, rest = stat.rpartition(")")
    fields = rest.split()
    cmd = head.split("(", 1)[1]
    with contextlib.suppress(OSError):
        cmdline = (_PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").strip()
        if cmdline:
            cmd = cmdline.decode(errors="replace")[:200]
    return Proc(
        pid=pid,
        ppid=int(fields[1]),
        pgid=int(fields[2]),
        sid=int(fields[3]),
        state=fields[0],
        start=int(fields[19]),
        cmd=cmd,
    )


def all_processes() -> list[Proc]:
    found = []
    for entry in _PROC.iterdir():
        if entry.name.isdigit():
            proc = read(int(entry.name))
            if proc is not None:
                found.append(proc)
    return found


def environ_has(pid: int, entry: str) -> bool:
    try:
        data = (_PROC / str(pid) / "environ").read_bytes()
    except OSError:  # gone, or not ours to read
        return False
    return entry.encode() in data.split(b"\0")


def tagged_pids(text: str) -> list[int]:
    """Pids of processes whose environment holds ``text`` (a test's unique tag).

    Zombies have no environment left, so only live processes are found.
    """
    found = []
    for entry in _PROC.iterdir():
        if entry.name.isdigit():
            try:
                if text.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def interrupt_mid_run(
    args: list[str], at_least: int, wait_s: float = 20
) -> tuple[int, str, str, int, list[int]]:
    """Start the CLI with a unique tag, wait until ``at_least`` tagged processes run,
    press Ctrl-C (SIGINT); returns (exit code, stdout, stderr, processes seen, left).

    ``left`` is what still carries the tag five seconds after the CLI ended.
    """
    tag = f"CONCDEMO_TEST_TAG=interrupt-{uuid.uuid4().hex}"
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR")}
    name, value = tag.split("=", 1)
    env[name] = value
    proc = subprocess.Popen(
        [sys.executable, "-m", "concdemo", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    try:
        deadline = time.monotonic() + wait_s
        while len(tagged_pids(tag)) < at_least and time.monotonic() < deadline:
            time.sleep(0.02)
        seen = len(tagged_pids(tag))
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    deadline = time.monotonic() + 5
    while tagged_pids(tag) and time.monotonic() < deadline:
        time.sleep(0.1)
    return proc.returncode, out, err, seen, tagged_pids(tag)


def gone(proc: Proc) -> bool:
    """No longer running: vanished, replaced by a newer process, or dead (a zombie)."""
    now = read(proc.pid)
    return now is None or now.start != proc.start or now.zombie


@dataclass
class RunProcesses:
    """The processes of one CLI invocation, found through its tag and its runs' sessions."""

    tag: str = field(default_factory=lambda: uuid.uuid4().hex)
    sessions: set[int] = field(default_factory=set)
    seen: dict[int, Proc] = field(default_factory=dict)
    cli_pids: set[int] = field(default_factory=set)

    @property
    def env(self) -> dict[str, str]:
        return {TAG_VAR: self.tag}

    @property
    def assignment(self) -> str:
        return f"{TAG_VAR}={self.tag}"

    def tagged(self, proc: Proc) -> bool:
        return not proc.zombie and environ_has(proc.pid, self.assignment)

    def observe(self) -> list[Proc]:
        """The run's live processes right now (the CLI itself excluded); remembered."""
        found = [
            p for p in all_processes() if p.pid not in self.cli_pids and self.tagged(p)
        ]
        for proc in found:
            self.seen[proc.pid] = proc
            if proc.pid == proc.sid:  # a run's main process leads its own session
                self.sessions.add(proc.sid)
        return found

    def add_sessions(self, pids: Iterable[int]) -> None:
        self.sessions.update(pids)

    def leftovers(self) -> list[Proc]:
        """Every process of the run that still exists: live (tagged or in a run's
        session) or a zombie in a run's session. The CLI itself counts once it
        should have ended (it is tagged too), so call this after it exited."""
        return [
            p
            for p in all_processes()
            if p.sid in self.sessions or self.tagged(p) or self._seen_alive(p)
        ]

    def _seen_alive(self, proc: Proc) -> bool:
        before = self.seen.get(proc.pid)
        return before is not None and before.start == proc.start

    def wait_until_gone(self, seconds: float = 3.0, zombies_ok: bool = False) -> list[Proc]:
        """Poll up to ``seconds``; return what is still there (empty when all is clean)."""
        deadline = time.monotonic() + seconds
        while True:
            left = [p for p in self.leftovers() if not (zombies_ok and p.zombie)]
            if not left or time.monotonic() >= deadline:
                return left
            time.sleep(0.05)

    def kill_and_reap(self) -> None:
        """Test teardown: SIGKILL whatever of the run still lives, reap what we adopted."""
        for _ in range(3):
            live = [p for p in self.leftovers() if not p.zombie and self._ours(p)]
            for proc in live:
                with contextlib.suppress(OSError):
                    os.kill(proc.pid, signal.SIGKILL)
            self._reap_adopted()
            if not live:
                break
            time.sleep(0.2)
        self._reap_adopted()

    def _ours(self, proc: Proc) -> bool:
        return self.tagged(proc) or self._seen_alive(proc)

    def _reap_adopted(self) -> None:
        me = os.getpid()
        for proc in self.leftovers():
            if proc.ppid == me and proc.pid not in self.cli_pids:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(proc.pid, os.WNOHANG)


@contextlib.contextmanager
def watching(procs: RunProcesses, every_s: float = 0.1) -> Iterator[None]:
    """Observe the run's processes on a thread while the block runs (to name them later)."""
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(every_s):
            procs.observe()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def describe(procs: Iterable[Proc]) -> str:
    return "\n".join(f"  {p}" for p in procs)


_PR_SET_CHILD_SUBREAPER = 36
_PR_GET_CHILD_SUBREAPER = 37


@contextlib.contextmanager
def subreaper() -> Iterator[None]:
    """Make this (test) process the child subreaper of what it starts.

    Orphans of the CLI then come to us, not to PID 1: a run process that the CLI
    left behind as an unreaped zombie shows up as a zombie child of the test
    (whatever PID 1 does with zombies), and the test can reap it afterwards.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    before = ctypes.c_int(0)
    libc.prctl(_PR_GET_CHILD_SUBREAPER, ctypes.byref(before), 0, 0, 0)
    libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    try:
        yield
    finally:
        libc.prctl(_PR_SET_CHILD_SUBREAPER, before.value, 0, 0, 0)
