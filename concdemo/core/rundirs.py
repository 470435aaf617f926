"""Run directories in the temp dir, each marked with the CLI that owns it.

A run's directory (its FIFO, stack dumps, captured output) is removed by the
runner on every path it controls; a CLI killed with SIGKILL cannot do that. So
each directory names its owner, and the first run of the next CLI removes the
ones whose owner is gone. It removes only a directory of this user that holds
our marker, and never one whose owner still runs: a pid alone could have been
reused, so the marker also holds the owner's start time (clock ticks after boot,
from /proc) and the boot it started in. Where that cannot be judged (no /proc,
or the owner ran in another pid namespace sharing this temp dir) a live pid, or
any pid, keeps its directory: a leftover is better than a live run's directory gone.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

PREFIX = "concdemo-"
MARKER = "concdemo-owner.json"
_PROC = Path("/proc")
_BOOT_ID = _PROC / "sys" / "kernel" / "random" / "boot_id"
_PID_NS = _PROC / "self" / "ns" / "pid"

_swept = False


def make() -> Path:
    """A new run directory with this process's mark on it (stale ones swept first,
    once per process)."""
    global _swept
    if not _swept:
        _swept = True
        sweep()
    path = Path(tempfile.mkdtemp(prefix=PREFIX))
    (path / MARKER).write_text(json.dumps(_owner_record(os.getpid())), encoding="utf-8")
    return path


def sweep(folder: str | None = None) -> list[Path]:
    """Remove the marked run directories in ``folder`` (the temp dir) whose owner
    is gone; returns them."""
    removed = []
    uid = os.getuid()
    boot, pid_ns = _boot_id(), _pid_ns()
    try:
        entries = os.scandir(folder or tempfile.gettempdir())
    except OSError:
        return []
    with entries:
        for entry in entries:
            if not entry.name.startswith(PREFIX):
                continue
            try:
                if not entry.is_dir(follow_symlinks=False):
                    continue
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
            except OSError:
                continue
            owner = _read_marker(Path(entry.path))
            if owner is not None and not _alive(owner, boot, pid_ns):
                _remove(entry.path)
                removed.append(Path(entry.path))
    return removed


def _remove(path: str) -> None:
    # The marker goes last: a sweep cut short (killed too) leaves a directory
    # the next sweep still knows as a stale one of ours.
    for child in os.scandir(path):
        if child.name == MARKER:
            continue
        if child.is_dir(follow_symlinks=False):
            shutil.rmtree(child.path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(child.path)
    with contextlib.suppress(OSError):
        os.unlink(os.path.join(path, MARKER))
        os.rmdir(path)


def _owner_record(pid: int) -> dict[str, Any]:
    record: dict[str, Any] = {"pid": pid}
    start = _start_time(pid)
    if start is not None:
        record["start"] = start
    boot, pid_ns = _boot_id(), _pid_ns()
    if boot is not None:
        record["boot"] = boot
    if pid_ns is not None:
        record["pid_ns"] = pid_ns
    return record


def _read_marker(path: Path) -> dict[str, Any] | None:
    """The owner a directory's marker names; None when it has no marker of ours
    (or one still being written)."""
    try:
        record = json.loads((path / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict):
        return None
    pid = record.get("pid")
    if type(pid) is not int or pid <= 0:
        return None  # never hand os.kill a pid of 0 or below: that names a group
    types = {"start": int, "boot": str, "pid_ns": int}
    if any(type(record.get(key, kind())) is not kind for key, kind in types.items()):
        return None
    return record


def _alive(owner: dict[str, Any], boot: str | None, pid_ns: int | None) -> bool:
    """Whether the process that made the directory still runs (True when unsure)."""
    if boot is not None and owner.get("boot") not in (None, boot):
        return False  # made before the machine last started
    if owner.get("pid_ns") != pid_ns:
        return True  # its pid means another process here: cannot tell
    pid = owner["pid"]
    if "start" in owner and _PROC.is_dir():
        stat = _stat(pid)
        # Gone, a later process given the same pid, or dead but not yet reaped.
        return stat is not None and stat[1] == owner["start"] and stat[0] not in ("Z", "X")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, as another user's process
        return True
    return True


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, start time in clock ticks after boot) from /proc/PID/stat, or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            text = stat.read()
    except OSError:
        return None
    # The command name may hold spaces and parentheses: the fields after it
    # start after the last ')'. State is field 3, the start time field 22.
    fields = text[text.rfind(b")") + 2 :].split()
    try:
        return fields[0].decode(), int(fields[19])
    except (IndexError, ValueError):
        return None


def _start_time(pid: int) -> int | None:
    stat = _stat(pid)
    return None if stat is None else stat[1]


@functools.cache
def _pid_ns() -> int | None:
    """This process's pid namespace (Linux): the one its pids are numbers in."""
    try:
        return os.stat(_PID_NS).st_ino
    except OSError:
        return None


@functools.cache
def _boot_id() -> str | None:
    """This boot's random id (Linux): start times count from the boot."""
    try:
        return _BOOT_ID.read_text().strip() or None
    except OSError:
        return None
