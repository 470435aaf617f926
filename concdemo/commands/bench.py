"""`concdemo bench`: what the tool itself costs, and what the IPC channels cost.

Sections (``--only`` picks some):
- startup: `concdemo --help` and `concdemo list` against importing Typer and Rich;
- run: `concdemo run pool --variant apply_async` against the bare article script;
- channel: the cost of one event for a writer, and a burst through the receiver;
- burst: processes sending events as fast as they can, through each view (plain,
  json, live on a pseudo-terminal), against the same script with a bare reader
  draining the channel; with the scenario's own wall time and the CLI's peak RSS;
- ipc: round-trip latency and one-way throughput of the IPC channels
  (``concdemo.commands.ipc_bench``);
- html: the ``--html`` report of a burst: file size, drawn-after-load time and pan
  draw time in headless chromium, writing time against ``--json``
  (``concdemo.commands.html_bench``; without chromium or Playwright, the browser
  figures are None and the document says what is missing).

Figures for the README and closing notes, not pass/fail tests: the machine's
noise decides them, so each is a median over several runs, the commands of a
comparison are timed interleaved (ABCABC…), and the load average is recorded.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

SECTIONS = ("startup", "run", "channel", "burst", "ipc", "html")
FLOOR_IMPORT = "import typer, rich.console"
BURST_SCENARIOS = Path(__file__).resolve().parents[1] / "bench_scenarios"
BARE_POOL = """
import time
from multiprocessing import Pool

def foo(n, delay):
    time.sleep(delay)

if __name__ == "__main__":
    pool = Pool(5)
    for i in range(47):
        pool.apply_async(func=foo, args=(i, 0.1))
    pool.close()
    pool.join()
"""


class Timed:
    """One finished command: wall and CPU seconds (its own and its waited-for
    children's), peak RSS and exit status."""

    def __init__(self, wall_s: float, cpu_s: float, maxrss_kib: int, returncode: int) -> None:
        self.wall_s, self.cpu_s, self.maxrss_kib = wall_s, cpu_s, maxrss_kib
        self.returncode = returncode


def _drain(fd: int) -> None:
    """Read and drop everything until end-of-file (or EIO: the pty's far end closed)."""
    with contextlib.suppress(OSError):
        while os.read(fd, 1 << 16):
            pass


def _timed(command: list[str], env: dict[str, str] | None = None, pty: bool = False) -> Timed:
    master = slave = -1
    if pty:
        master, slave = os.openpty()
        out: Any = slave
    else:
        out = subprocess.DEVNULL
    started = time.perf_counter()
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=out, env=env)
    drainer = None
    if pty:
        os.close(slave)
        drainer = threading.Thread(target=_drain, args=(master,), daemon=True)
        drainer.start()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if drainer is not None:
        drainer.join(timeout=5)
        os.close(master)
    return Timed(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, child.returncode)


def _cli() -> list[str]:
    """The installed `concdemo` script next to this Python, as a user starts it."""
    script = Path(sys.executable).with_name("concdemo")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "concdemo"]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra)
    return env


def _interleaved(
    commands: dict[str, list[str]], repeat: int, env: dict[str, str]
) -> dict[str, list[Timed]]:
    """Each command once to warm caches (.pyc files included), then round-robin, so a
    change in the machine's load falls on every command alike."""
    for command in commands.values():
        _timed(command, env)
    samples: dict[str, list[Timed]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            samples[name].append(_timed(command, env))
    return samples


def _compared(samples: dict[str, list[Timed]], floor: str) -> list[dict[str, Any]]:
    base_wall = statistics.median(t.wall_s for t in samples[floor])
    base_cpu = statistics.median(t.cpu_s for t in samples[floor])
    rows = []
    for name, timed in samples.items():
        wall = statistics.median(t.wall_s for t in timed)
        cpu = statistics.median(t.cpu_s for t in timed)
        rows.append(
            {
                "name": name,
                "median_s": round(wall, 4),
                "cpu_s": round(cpu, 4),
                "ratio": round(wall / base_wall, 3),
                "cpu_ratio": round(cpu / base_cpu, 3),
                "failed": sum(t.returncode != 0 for t in timed),
            }
        )
    return rows


def startup(repeat: int = 10) -> dict[str, Any]:
    """`concdemo --help` and `concdemo list` against importing Typer and Rich alone."""
    cli = _cli()
    commands = {
        FLOOR_IMPORT: [sys.executable, "-c", FLOOR_IMPORT],
        "concdemo --help": [*cli, "--help"],
        "concdemo list": [*cli, "list"],
    }
    samples = _interleaved(commands, repeat, _env())
    return {"repeat": repeat, "floor": FLOOR_IMPORT, "commands": _compared(samples, FLOOR_IMPORT)}


def run_overhead(repeat: int = 5) -> dict[str, Any]:
    """`concdemo run pool --variant apply_async` against the bare article script."""
    with tempfile.TemporaryDirectory(prefix="concdemo-bench-") as folder:
        bare = Path(folder) / "bare_pool.py"
        bare.write_text(BARE_POOL, encoding="utf-8")
        commands = {
            "bare script": [sys.executable, str(bare)],
            "concdemo run pool --variant apply_async": [
                *_cli(),
                "run",
                "pool",
                "--variant",
                "apply_async",
            ],
        }
        samples = _interleaved(commands, repeat, _env())
    return {
        "repeat": repeat,
        "floor": "bare script",
        "tasks": 47,
        "workers": 5,
        "delay_s": 0.1,
        "commands": _compared(samples, "bare script"),
    }


_EMIT_CHILD = """
import sys, time
from concdemo import probe
n = int(sys.argv[1])
started = time.perf_counter_ns()
for i in range(n):
    probe.event("burst", i=i)
print(time.perf_counter_ns() - started)
"""


def channel(events: int = 200_000) -> dict[str, Any]:
    """One process emits ``events`` as fast as it can; this process receives them
    with the CLI's own receiver and decoder."""
    from concdemo.core.decoder import Decoder
    from concdemo.core.receiver import Reader
    from concdemo.wire.channel import ENV_EVENTS, ENV_T0

    with tempfile.TemporaryDirectory(prefix="concdemo-bench-") as folder:
        reader = Reader(str(Path(folder) / "events"))
        t0 = time.monotonic_ns()
        decoder = Decoder(t0)
        env = dict(os.environ, **{ENV_EVENTS: reader.path, ENV_T0: str(t0)})
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", _EMIT_CHILD, str(events)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        received = 0
        try:
            while child.poll() is None:
                received += sum(decoder.decode(line) is not None for line in reader.take())
                time.sleep(0.005)
            received += sum(decoder.decode(line) is not None for line in reader.drain())
            elapsed = time.perf_counter() - started
            emit_ns = int((child.stdout.read() if child.stdout else "0").strip() or 0)
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()
            if child.stdout:
                child.stdout.close()
            reader.close()
    return {
        "events": events,
        "received": received,
        "dropped_events": decoder.dropped,
        "malformed_events": decoder.malformed,
        "emit_us_per_event": round(emit_ns / events / 1000, 3),
        "events_per_s": round(received / elapsed),
        "seconds": round(elapsed, 3),
    }


def _bare_burst(events: int, processes: int, report: Path) -> Timed:
    """The burst script with nothing but a reader that drops the bytes (like `cat`)."""
    from concdemo.wire import channel
    from concdemo.wire.channel import ENV_EVENTS

    run_dir = Path(tempfile.mkdtemp(prefix="concdemo-bench-"))
    fifo = str(run_dir / "events")
    os.mkfifo(fifo, 0o600)
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    keepalive = os.open(fifo, os.O_WRONLY)
    with contextlib.suppress(OSError):
        import fcntl

        fcntl.fcntl(fd, 1031, 1 << 20)  # F_SETPIPE_SZ: the CLI's receiver asks the same
    os.set_blocking(fd, True)
    drainer = threading.Thread(target=_drain, args=(fd,), daemon=True)
    drainer.start()
    package_parent = str(Path(__file__).resolve().parents[2])
    env = _env(
        **{
            ENV_EVENTS: fifo,
            channel.ENV_RUN_DIR: str(run_dir),
            channel.ENV_T0: str(time.monotonic_ns()),
            channel.ENV_PARAMS: json.dumps(
                {"events": events, "processes": processes, "report": str(report)}
            ),
            channel.ENV_CLI_PID: str(os.getpid()),
            "PYTHONPATH": os.pathsep.join(
                p for p in (package_parent, os.environ.get("PYTHONPATH", "")) if p
            ),
            "PYTHONUNBUFFERED": "1",
        }
    )
    try:
        return _timed([sys.executable, str(BURST_SCENARIOS / "99_bench" / "bench_burst.py")], env)
    finally:
        os.close(keepalive)  # the writers are gone: the reader sees end-of-file
        drainer.join(timeout=10)
        os.close(fd)
        shutil.rmtree(run_dir, ignore_errors=True)


VIEWS = {"plain": ["--plain"], "json": ["--json"], "live": []}


def burst(events: int = 100_000, processes: int = 2, repeat: int = 3) -> dict[str, Any]:
    """The burst through each view against the floor, interleaved, ``repeat`` rounds."""
    cli = _cli()
    extra = os.environ.get("CONCDEMO_SCENARIO_PATH", "")
    env = _env(
        CONCDEMO_SCENARIO_PATH=os.pathsep.join(p for p in (str(BURST_SCENARIOS), extra) if p)
    )
    env.pop("NO_COLOR", None)
    env.setdefault("TERM", "xterm-256color")
    env.update({"COLUMNS": "100", "LINES": "40"})
    samples: dict[str, list[tuple[Timed, float | None]]] = {"floor": [], **{v: [] for v in VIEWS}}
    with tempfile.TemporaryDirectory(prefix="concdemo-bench-") as folder:
        report = Path(folder) / "report.json"

        def scenario_seconds() -> float | None:
            try:
                seconds = float(json.loads(report.read_text(encoding="utf-8"))["seconds"])
            except (OSError, ValueError, KeyError):
                return None
            report.unlink()
            return seconds

        for _ in range(repeat):
            samples["floor"].append((_bare_burst(events, processes, report), scenario_seconds()))
            for view, flags in VIEWS.items():
                command = [
                    *cli, "run", "bench", "--timeout", "600",
                    "--param", f"events={events}", "--param", f"processes={processes}",
                    "--param", f"report={report}", *flags,
                ]  # fmt: skip
                timed = _timed(command, env, pty=view == "live")
                samples[view].append((timed, scenario_seconds()))
    floor_command = statistics.median(t.wall_s for t, _ in samples["floor"])
    floor_own = _median([s for _, s in samples["floor"]])
    rows = []
    for name, taken in samples.items():
        command_s = statistics.median(t.wall_s for t, _ in taken)
        own = _median([s for _, s in taken])
        rows.append(
            {
                "view": name,
                "command_s": round(command_s, 3),
                "scenario_s": None if own is None else round(own, 3),
                "command_ratio": round(command_s / floor_command, 3),
                "scenario_ratio": None
                if own is None or not floor_own
                else round(own / floor_own, 3),
                "peak_rss_mib": round(max(t.maxrss_kib for t, _ in taken) / 1024, 1),
                "failed": sum(t.returncode != 0 or s is None for t, s in taken),
            }
        )
    return {
        "events": events * processes,
        "processes": processes,
        "repeat": repeat,
        "floor": "the same script, a bare reader draining the channel",
        "views": rows,
    }


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


_IPC_MAIN = (
    "import json, sys\n"
    "from concdemo.commands import ipc_bench\n"
    "json.dump(ipc_bench.measure(repeat=int(sys.argv[1]), scale=float(sys.argv[2])), sys.stdout)\n"
)


def ipc_in_fresh_interpreter(repeat: int, scale: float) -> dict[str, Any]:
    """``ipc_bench.measure`` in a new interpreter, as a bare script would run it:
    the far ends are forked from the measuring process, and nothing of the CLI
    (its modules, its memory) should be in either end of what is measured."""
    return _json_of_fresh_interpreter("IPC", _IPC_MAIN, [repeat, scale])


def _json_of_fresh_interpreter(
    what: str, program: str, args: list[Any], env: dict[str, str] | None = None
) -> dict[str, Any]:
    """The JSON document ``program`` prints, run by ``python -c`` with ``args``; its
    last line of stderr, named by ``what`` it measured, when it fails."""
    done = subprocess.run(
        [sys.executable, "-c", program, *map(str, args)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"the {what} measurement failed: {last}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


_HTML_MAIN = (
    "import json, sys\n"
    "from concdemo.commands import html_bench\n"
    "json.dump(html_bench.measure(*map(int, sys.argv[1:5])), sys.stdout)\n"
)


def html_in_fresh_interpreter(
    events: int, processes: int, repeat: int, pans: int
) -> dict[str, Any]:
    """``html_bench.measure`` in a new interpreter that finds the ``bench`` scenario:
    the burst's events live there, not in this process's memory."""
    extra = os.environ.get("CONCDEMO_SCENARIO_PATH", "")
    env = _env(
        CONCDEMO_SCENARIO_PATH=os.pathsep.join(p for p in (str(BURST_SCENARIOS), extra) if p)
    )
    return _json_of_fresh_interpreter(
        "HTML report", _HTML_MAIN, [events, processes, repeat, pans], env
    )


def measure(
    quick: bool = False, repeat: int | None = None, only: tuple[str, ...] = SECTIONS
) -> dict[str, Any]:
    """Every section asked for; ``quick`` trades precision for a run of seconds."""
    doc: dict[str, Any] = {
        "schema": "concdemo/bench-1",
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "quick": quick,
        "load_average": {"before": round(os.getloadavg()[0], 2)},
    }
    if "startup" in only:
        doc["startup"] = startup(repeat or (3 if quick else 10))
    if "run" in only:
        doc["run"] = run_overhead(repeat or (1 if quick else 5))
    if "channel" in only:
        doc["channel"] = channel(20_000 if quick else 200_000)
    if "burst" in only:
        doc["burst"] = burst(
            events=2_000 if quick else 100_000, processes=2, repeat=repeat or (1 if quick else 3)
        )
    if "ipc" in only:
        doc["ipc"] = ipc_in_fresh_interpreter(
            repeat=repeat or (1 if quick else 5), scale=0.05 if quick else 1.0
        )
    if "html" in only:
        # 1,000,000 events (issue 18's size) as two processes of 500,000.
        doc["html"] = html_in_fresh_interpreter(
            events=5_000 if quick else 500_000,
            processes=2,
            repeat=repeat or (1 if quick else 3),
            pans=10 if quick else 60,
        )
    doc["load_average"]["after"] = round(os.getloadavg()[0], 2)
    return doc
