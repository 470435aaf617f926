"""`concdemo bench`: start-up time, the event channel's cost per event, and a burst.

Figures for the README and closing notes, not pass/fail tests: the machine's
noise decides them, so each is a median over several runs, plus ratios.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from concdemo.channel import ENV_EVENTS
from concdemo.events import Decoder
from concdemo.probe import ENV_T0
from concdemo.receiver import Reader

BURST_EVENTS = 200_000
_BURST_CHILD = """
import sys, time
from concdemo import probe
n = int(sys.argv[1])
started = time.perf_counter_ns()
for i in range(n):
    probe.event("burst", i=i)
print(time.perf_counter_ns() - started)
"""


def _wall(command: list[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return times


def startup(repeat: int = 10) -> dict[str, Any]:
    """Median wall time of CLI commands against importing Typer and Rich alone."""
    python = sys.executable
    commands = {
        "import typer, rich.console": [python, "-c", "import typer, rich.console"],
        "concdemo --help": [python, "-m", "concdemo", "--help"],
        "concdemo list": [python, "-m", "concdemo", "list"],
    }
    for command in commands.values():  # warm the file cache and .pyc files
        _wall(command, 1)
    medians = {name: statistics.median(_wall(cmd, repeat)) for name, cmd in commands.items()}
    base = medians["import typer, rich.console"]
    return {
        "repeat": repeat,
        "median_s": {name: round(m, 4) for name, m in medians.items()},
        "ratio_to_import": {
            name: round(m / base, 3) for name, m in medians.items() if name.startswith("concdemo")
        },
    }


def burst(events: int = BURST_EVENTS) -> dict[str, Any]:
    """One process emits ``events`` as fast as it can; this process receives them."""
    with tempfile.TemporaryDirectory(prefix="concdemo-bench-") as folder:
        reader = Reader(str(Path(folder) / "events"))
        t0 = time.monotonic_ns()
        decoder = Decoder(t0)
        env = dict(os.environ, **{ENV_EVENTS: reader.path, ENV_T0: str(t0)})
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", _BURST_CHILD, str(events)],
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


def measure(repeat: int = 10, bursts: int = 3) -> dict[str, Any]:
    runs = [burst() for _ in range(bursts)]
    best = sorted(runs, key=lambda r: r["emit_us_per_event"])[len(runs) // 2]
    return {
        "schema": "concdemo/bench-1",
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "startup": startup(repeat),
        "burst": {
            **best,
            "runs": len(runs),
            "lost_in_any_run": sum(r["events"] - r["received"] for r in runs),
        },
    }
