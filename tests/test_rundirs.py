"""Run directories a killed CLI left in the temp dir are swept by the next run, and
nothing else is: not a live CLI's, not a live process's, not one without our marker."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from concdemo.core import rundirs

from conftest import _CLEARED, FIXTURE_SCENARIOS, cli
from proctree import RunProcesses, read, watching

_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


def _hanging_cli(procs: RunProcesses, temp: Path) -> subprocess.Popen[str]:
    """A CLI in the middle of a run (a hang with a long timeout), its temp dir ``temp``."""
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env.update(procs.env, TMPDIR=str(temp), CONCDEMO_SCENARIO_PATH=str(FIXTURE_SCENARIOS))
    proc = subprocess.Popen(
        [sys.executable, "-m", "concdemo", "run", "fixture", "--variant", "hang",
         "--timeout", "60", "--start-method", "fork", "--plain"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
        env=env, text=True,
    )
    procs.cli_pids.add(proc.pid)
    assert proc.stdout is not None
    # The plain view prints events as they arrive: once one is out, the run is on.
    while "process-start" not in proc.stdout.readline():
        assert proc.poll() is None, "the CLI ended before its run started"
    return proc


def _run_dirs(temp: Path) -> set[Path]:
    return set(temp.glob(f"{rundirs.PREFIX}*"))


def _marked(temp: Path, name: str, owner: Any) -> Path:
    folder = temp / name
    folder.mkdir()
    (folder / rundirs.MARKER).write_text(json.dumps(owner))
    return folder


def _owner(pid: int) -> dict[str, Any]:
    """What identifies process ``pid``, read here independently of rundirs."""
    proc = read(pid)
    assert proc is not None
    pid_ns = os.stat(f"/proc/{pid}/ns/pid").st_ino
    return {"pid": pid, "start": proc.start, "boot": _BOOT_ID.read_text().strip(),
            "pid_ns": pid_ns}


def test_a_killed_clis_run_directory_is_swept_by_the_next_run_and_nothing_else(
    run_procs: RunProcesses, tmp_path: Path
) -> None:
    with watching(run_procs):
        killed = _hanging_cli(run_procs, tmp_path)
        (left,) = _run_dirs(tmp_path)
        killed.send_signal(signal.SIGKILL)
        killed.wait()
        assert (left / "events").exists(), "the killed CLI had no chance to clean up"
        # Its scenario's processes may outlive it for a while; the directory is still stale.
        alive = _hanging_cli(run_procs, tmp_path)
        try:
            (alive_dir,) = _run_dirs(tmp_path) - {left}
            me = _owner(os.getpid())
            live_process = _marked(tmp_path, "concdemo-live", me)
            reused = _marked(tmp_path, "concdemo-reused", {**me, "start": me["start"] - 1})
            rebooted = _marked(tmp_path, "concdemo-rebooted", {**me, "boot": "an earlier boot"})
            unmarked = tmp_path / "concdemo-unmarked"
            unmarked.mkdir()
            not_ours = _marked(tmp_path, "concdemo-not-ours", {"owner": "someone else"})
            group = _marked(tmp_path, "concdemo-group", {"pid": 0})  # os.kill(0) is a group
            other_name = _marked(tmp_path, "other-stale", {**me, "start": me["start"] - 1})
            # Its pid is a number in another pid namespace (a container sharing the dir).
            other_ns = _marked(tmp_path, "concdemo-other-ns",
                               {**me, "start": me["start"] - 1, "pid_ns": 1})
            result = cli("run", "fixture", "--variant", "ok", "--start-method", "fork",
                         "--plain", fixtures=True, env={"TMPDIR": str(tmp_path)})
            assert result.returncode == 0, result.stderr
            gone = [p.name for p in (left, reused, rebooted) if p.exists()]
            assert gone == [], "stale run directories were not swept"
            kept = [alive_dir, live_process, unmarked, not_ours, group, other_name, other_ns]
            assert [p.name for p in kept if not p.is_dir()] == []
            assert alive.poll() is None, "the live CLI's run was disturbed"
        finally:
            alive.send_signal(signal.SIGINT)  # Ctrl-C: it stops its run and cleans up
            alive.communicate(timeout=30)
    assert not alive_dir.exists()


def test_without_proc_a_live_pid_keeps_its_directory_and_a_dead_one_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where there is no /proc (macOS) the marker holds only the pid: a reused pid
    # keeps a stale directory, which is the safe way to be wrong.
    monkeypatch.setattr(rundirs, "_PROC", tmp_path / "no-proc")
    monkeypatch.setattr(rundirs, "_stat", lambda pid: None)
    monkeypatch.setattr(rundirs, "_boot_id", lambda: None)
    monkeypatch.setattr(rundirs, "_pid_ns", lambda: None)
    done = subprocess.Popen(["true"])
    done.wait()  # reaped: its pid names no process now (until the kernel reuses it)
    live = _marked(tmp_path, "concdemo-live", {"pid": os.getpid()})
    dead = _marked(tmp_path, "concdemo-dead", {"pid": done.pid})
    assert rundirs.sweep(str(tmp_path)) == [dead]
    assert live.is_dir()


def test_an_owner_that_died_unreaped_is_gone(tmp_path: Path) -> None:
    # A SIGKILLed CLI whose parent has not reaped it yet is a zombie: still in
    # /proc with its start time, but it will never clean up.
    zombie = subprocess.Popen(["true"])
    try:
        deadline = time.monotonic() + 10
        while True:
            proc = read(zombie.pid)
            assert proc is not None, "vanished before it was reaped"
            if proc.zombie:
                break
            assert time.monotonic() < deadline, "`true` did not end in 10 s"
            time.sleep(0.01)
        stale = _marked(tmp_path, "concdemo-zombie", _owner(zombie.pid))
        assert rundirs.sweep(str(tmp_path)) == [stale]
    finally:
        zombie.wait()

