"""Stopping and reaping a run's whole process tree.

Every run is started in a session of its own, so its process group holds the
scenario's main process and everything it starts (children, pool workers, the
forkserver, the resource tracker). Stopping escalates SIGINT, SIGTERM, SIGKILL
over the group, and the CLI waits until no member is left.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

INT_GRACE_S = 1.0
TERM_GRACE_S = 0.5
KILL_GRACE_S = 2.0


def become_subreaper() -> None:
    """Orphans of our runs get re-parented to us, so we can reap them ourselves."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        pr_set_child_subreaper = 36
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_child_subreaper, 1, 0, 0, 0)


def _group(pgid: int) -> list[tuple[int, str, int]]:
    """(pid, state, parent pid) of every process in the group, read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: split after the last ')'.
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 2 and int(fields[2]) == pgid:
            found.append((int(entry.name), fields[0], int(fields[1])))
    return found


def members(pgid: int) -> list[int]:
    """Live (non-zombie) processes in the group."""
    if not Path("/proc").is_dir():
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return []
        return [pgid]
    return [pid for pid, state, _ in _group(pgid) if state != "Z"]


def stopped(pgid: int) -> set[int]:
    """Members halted by SIGSTOP/SIGTSTP (state T): they cannot run a signal handler,
    so they can neither dump their stack nor unwind until they get SIGCONT."""
    if not Path("/proc").is_dir():
        return set()
    return {pid for pid, state, _ in _group(pgid) if state in ("T", "t")}


def _continue_stopped(pgid: int) -> None:
    # SIGINT and SIGTERM stay pending on a stopped process; only SIGCONT lets it
    # act on them (SIGKILL needs no help). Sent only when someone is stopped.
    if stopped(pgid):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGCONT)


def reap(pgid: int) -> list[int]:
    """Collect our zombie children in the group (orphans come to us, the subreaper);
    returns the live members seen in the same scan.

    The group leader is left to its Popen object, which must see its exit status.
    Scanning once and reaping from that scan means no process can exit unseen
    between the two steps.
    """
    if not Path("/proc").is_dir():
        return members(pgid)
    me = os.getpid()
    live = []
    for pid, state, parent in _group(pgid):
        if state != "Z":
            live.append(pid)
        elif parent == me and pid != pgid:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
    return live


def _wait_empty(pgid: int, seconds: float, poll: Callable[[], object]) -> bool:
    deadline = time.monotonic() + seconds
    while True:
        poll()
        if not reap(pgid):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)


def stop_group(pgid: int, poll: Callable[[], object], graceful: bool = True) -> list[str]:
    """Stop every process in the group; returns the signals that were needed.

    ``poll`` reaps the group leader through its Popen object, so its exit
    status stays available to the caller.
    """
    steps = [(signal.SIGINT, INT_GRACE_S), (signal.SIGTERM, TERM_GRACE_S)] if graceful else []
    steps.append((signal.SIGKILL, KILL_GRACE_S))
    sent: list[str] = []
    for sig, grace in steps:
        if _wait_empty(pgid, 0.0, poll):
            return sent
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, sig)
            sent.append(sig.name)
        if sig != signal.SIGKILL:
            _continue_stopped(pgid)
        if _wait_empty(pgid, grace, poll):
            return sent
    return sent


def wait_empty(pgid: int, seconds: float, poll: Callable[[], object]) -> bool:
    """After a normal end: give stragglers (the resource tracker) a moment."""
    return _wait_empty(pgid, seconds, poll)
