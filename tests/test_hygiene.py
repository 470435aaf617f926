"""Every process the CLI starts is stopped and reaped on every path, and nothing leaks.

Each test gives its CLI a unique tag in the environment and looks for the run's
processes in /proc (see proctree.py): after the CLI exits, no live process and no
zombie of the run may remain. The test process is made a child subreaper for the
test, so a run process the CLI left behind comes to the test, whatever PID 1
does, and is killed and reaped in teardown.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

import pytest

from conftest import _CLEARED, FIXTURE_SCENARIOS, cli_json, start_methods
from proctree import Proc, RunProcesses, describe, gone, watching

METHODS = start_methods()
TRACKED_METHODS = [m for m in ("spawn", "forkserver") if m in METHODS]
GRACE_S = 3.0

# How each fixture variant ends, and so which path of the runner it takes.
FIXTURE_ENDINGS = {
    "ok": "ok",
    "child-error": "error",
    "crash": "crash",
    "exit-status": "error",
    "hang": "hang",
    "stubborn": "hang",
    "queue-hang": "hang",
}


def _main_pids(doc: dict[str, Any]) -> dict[int, str]:
    """Each run's main process (the leader of the run's session) -> which run it was."""
    found = {}
    for run in doc["runs"]:
        for event in run["events"]:
            if event["process"] == "MainProcess":
                found[event["pid"]] = f"{run['variant']} · {run['start_method']}"
                break
    return found


def _explain(left: list[Proc], procs: RunProcesses, runs: dict[int, str]) -> str:
    lines = []
    for proc in left:
        run = runs.get(proc.sid, "?")
        line = f"  [{run}] {proc}"
        if proc.ppid == os.getpid():
            line += " adopted by the test: the CLI exited without reaping it"
        before = procs.seen.get(proc.pid)
        if proc.zombie and before is not None and before.start == proc.start:
            line += f"\n      while it ran: {before.cmd}"
        lines.append(line)
    return "\n".join(lines)


def _run_json_and_check(procs: RunProcesses, *args: str, fixtures: bool) -> dict[str, Any]:
    with watching(procs):
        doc = cli_json(*args, fixtures=fixtures, env=procs.env, timeout=120)
    runs = _main_pids(doc)
    assert len(runs) == len(doc["runs"]), "every run reports its main process"
    procs.add_sessions(runs)
    left = procs.wait_until_gone(GRACE_S)
    assert not left, (
        f"processes of the run are left {GRACE_S:g} s after the CLI exited:\n"
        + _explain(left, procs, runs)
    )
    return doc


@pytest.mark.parametrize("method", METHODS)
def test_fixture_runs_leave_no_process(method: str, run_procs: RunProcesses) -> None:
    variants = [arg for name in FIXTURE_ENDINGS for arg in ("--variant", name)]
    doc = _run_json_and_check(
        run_procs, "run", "fixture", *variants, "--start-method", method, fixtures=True
    )
    outcomes = {run["variant"]: run["outcome"] for run in doc["runs"]}
    assert outcomes == FIXTURE_ENDINGS, "each variant took the path it is meant to exercise"
    stubborn = next(run for run in doc["runs"] if run["variant"] == "stubborn")
    assert any(e["kind"] == "ignoring signals" for e in stubborn["events"]), (
        "the stubborn child was stopped before it could ignore SIGINT/SIGTERM"
    )
    # Not only the main processes: the children reported too, and are gone as well.
    for run in doc["runs"]:
        if run["variant"] not in ("crash", "exit-status"):
            assert len({e["pid"] for e in run["events"]}) >= 2, run["variant"]


@pytest.mark.parametrize("method", METHODS)
def test_pipe_forgot_close_leaves_no_process(method: str, run_procs: RunProcesses) -> None:
    doc = _run_json_and_check(
        run_procs, "run", "pipe", "--variant", "forgot-close", "--start-method", method,
        fixtures=False,
    )
    (run,) = doc["runs"]
    assert run["outcome"] == "hang"
    assert {e["process"] for e in run["events"]} >= {"MainProcess", "Process-1"}


# --- semaphores -----------------------------------------------------------------

_SHM = Path("/dev/shm")


def _sem_files() -> set[str]:
    try:
        return {p.name for p in _SHM.iterdir() if p.name.startswith("sem.mp-")}
    except OSError:
        return set()


def _mapped_sem_inodes(pid: int) -> set[int]:
    """Inodes of the POSIX semaphores a process has mapped (sem_open maps the file).

    glibc creates a semaphore under a temporary name and links it to the real one,
    so the maps show the temporary name: the inode tells which file it is.
    """
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return set()
    found = set()
    for line in maps.splitlines():
        fields = line.split(maxsplit=5)
        if len(fields) == 6 and fields[5].startswith("/dev/shm/sem."):
            found.add(int(fields[4]))
    return found


def _sem_names(inodes: set[int]) -> set[str]:
    names = set()
    for name in _sem_files():
        try:
            if (_SHM / name).stat().st_ino in inodes:
                names.add(name)
        except OSError:
            continue
    return names


def _unused(names: set[str]) -> set[str]:
    """The semaphore files that no live process has mapped."""
    if not names:
        return names
    used: set[int] = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            used |= _mapped_sem_inodes(int(entry.name))
    unused = set()
    for name in names:
        try:
            if (_SHM / name).stat().st_ino not in used:
                unused.add(name)
        except OSError:
            continue  # vanished meanwhile
    return unused


@pytest.mark.skipif(not TRACKED_METHODS, reason="needs the spawn or forkserver start method")
@pytest.mark.parametrize("method", TRACKED_METHODS)
def test_stopped_queue_leaks_no_semaphore(
    method: str, run_procs: RunProcesses, tmp_path: Path
) -> None:
    before = _sem_files()
    out = tmp_path / "out.json"
    args = ["run", "fixture", "--variant", "queue-hang", "--start-method", method, "--json"]
    with out.open("w") as stdout:
        cli = _popen(args, run_procs, stdout=stdout, stderr=subprocess.DEVNULL)
    ours: set[str] = set()
    try:
        deadline = time.monotonic() + 60
        while cli.poll() is None and time.monotonic() < deadline:
            inodes = [_mapped_sem_inodes(p.pid) for p in run_procs.observe()]
            ours |= _sem_names(set().union(*inodes))
            time.sleep(0.05)
        assert cli.wait(timeout=10) == 0
    finally:
        _stop(cli)
    (run,) = json.loads(out.read_text())["runs"]
    assert run["outcome"] == "hang"
    assert ours, "the run's Queue semaphores were seen in its processes' memory maps"
    assert "leaked" not in run["stderr"], run["stderr"]
    assert "resource_tracker" not in run["stderr"], run["stderr"]
    # Other tests may create semaphores meanwhile: a new file that a live process
    # still maps is in use; one that nobody maps 2 s after the run has leaked.
    deadline = time.monotonic() + 2.0
    while True:
        remaining = _sem_files() & ours
        leaked = _unused(_sem_files() - before)
        if (not remaining and not leaked) or time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    assert not remaining, f"the run's semaphores are still in /dev/shm: {sorted(remaining)}"
    assert not leaked, f"new semaphores nobody uses left in /dev/shm: {sorted(leaked)}"
    run_procs.add_sessions(_main_pids({"runs": [run]}))
    left = run_procs.wait_until_gone(GRACE_S)
    assert not left, f"processes of the run are left:\n{describe(left)}"


# --- signals to the CLI ---------------------------------------------------------


def _cli_env(procs: RunProcesses) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env.update({"COLUMNS": "100", "CONCDEMO_SCENARIO_PATH": str(FIXTURE_SCENARIOS), **procs.env})
    return env


def _default_signals() -> None:
    # A test session started in the background (`pytest &` from a script) ignores
    # SIGINT, and ignored signals are inherited: the CLI must see them as a user does.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)


def _popen(args: list[str], procs: RunProcesses, **kwargs: Any) -> subprocess.Popen[str]:
    cli = subprocess.Popen(
        [sys.executable, "-m", "concdemo", *args],
        env=_cli_env(procs),
        stdin=subprocess.DEVNULL,
        text=True,
        preexec_fn=_default_signals,
        **kwargs,
    )
    procs.cli_pids.add(cli.pid)
    return cli


def _stop(cli: subprocess.Popen[str]) -> None:
    if cli.poll() is None:
        cli.kill()
    cli.wait(timeout=10)
    if cli.stderr is not None:
        cli.stderr.close()


class Lines:
    """Read a pipe line by line on a thread, so the test can wait for one line."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str]) -> None:
        with stream:
            for line in stream:
                with self._changed:
                    self.lines.append(line)
                    self._changed.notify_all()

    def wait_for(self, pattern: str, seconds: float) -> re.Match[str]:
        deadline = time.monotonic() + seconds
        with self._changed:
            while True:
                for line in self.lines:
                    match = re.search(pattern, line)
                    if match:
                        return match
                left = deadline - time.monotonic()
                if left <= 0:
                    pytest.fail(f"no line matching {pattern!r} in {seconds:g} s:\n{self.text}")
                self._changed.wait(left)

    def join(self, seconds: float) -> None:
        self._thread.join(seconds)

    @property
    def text(self) -> str:
        return "".join(self.lines)


_PLAIN_PID = r"(?P<process>[\w-]+)\[(?P<pid>\d+)\]"


# The event each hanging fixture's child reports once it is where it hangs.
HUNG_AT = {"hang": "waiting", "stubborn": "ignoring signals"}


def _start_hung_run(
    procs: RunProcesses, method: str, timeout_s: float, variant: str = "hang"
) -> tuple[subprocess.Popen[str], Lines, list[Proc]]:
    """A hanging fixture under the CLI with --plain; returns once its child hangs."""
    cli = _popen(
        ["run", "fixture", "--variant", variant, "--plain", "--start-method", method,
         "--timeout", str(timeout_s)],
        procs,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert cli.stdout is not None
    lines = Lines(cli.stdout)
    try:
        waiting = lines.wait_for(_PLAIN_PID + rf"\s+\S+\s+{HUNG_AT[variant]}\b", 30)
        main = lines.wait_for(r"MainProcess\[(?P<pid>\d+)\]", 5)
        procs.add_sessions([int(main["pid"])])
        running = procs.observe()
        pids = {p.pid for p in running}
        assert {int(waiting["pid"]), int(main["pid"])} <= pids, (
            f"the pids the CLI printed are live processes of the run:\n{describe(running)}"
        )
    except BaseException:
        _stop(cli)
        raise
    return cli, lines, running


@pytest.mark.parametrize(
    ("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"]
)
@pytest.mark.parametrize("method", METHODS)
def test_signal_to_cli_stops_the_run(
    method: str, sig: signal.Signals, code: int, run_procs: RunProcesses
) -> None:
    cli, lines, running = _start_hung_run(run_procs, method, timeout_s=60)
    try:
        started = time.monotonic()
        cli.send_signal(sig)
        try:
            returncode = cli.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the CLI was still running 10 s after {sig.name}")
        took = time.monotonic() - started
        lines.join(5)
        assert cli.stderr is not None
        stderr = cli.stderr.read()
    finally:
        _stop(cli)
    assert returncode == code, f"exit status after {sig.name}; stderr:\n{stderr}"
    assert took < 10
    if sig == signal.SIGINT:
        assert "Interrupted" in stderr
    left = run_procs.wait_until_gone(GRACE_S)
    assert not left, (
        f"after {sig.name} to the CLI, processes of the run are left:\n{describe(left)}\n"
        f"the run had:\n{describe(running)}"
    )


@pytest.mark.parametrize("variant", ["hang", "stubborn"])
@pytest.mark.parametrize("method", METHODS)
def test_sigkill_to_cli_takes_the_run_down(
    method: str, variant: str, run_procs: RunProcesses
) -> None:
    # stubborn: the child outlives nothing by itself (no EOF, no signal it heeds);
    # only the parent-death signals along its ancestry can end it.
    cli, _lines, running = _start_hung_run(run_procs, method, timeout_s=60, variant=variant)
    try:
        cli.kill()
        assert cli.wait(timeout=10) == -signal.SIGKILL
    finally:
        _stop(cli)
    # The CLI cannot clean up: the parent-death signal chain must take the run down.
    # Orphans may stay zombies for a moment (their new parent reaps them): that is gone.
    alive = run_procs.wait_until_gone(5.0, zombies_ok=True)
    assert not alive, (
        f"5 s after SIGKILL to the CLI, processes of the run still run:\n{describe(alive)}\n"
        f"the run had:\n{describe(running)}"
    )
    assert all(gone(p) for p in running)
