"""What the tracer benchmarks share: the environments of a bare and a traced process,
and one script run both ways, timed by itself and as a whole process.

A script the benchmarks write prints its own elapsed time as the last word of
its last line; run bare it is a plain `python script.py`, traced it is
`concdemo run script.py --json`, whose stdout events carry the same line.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# The repository's own concdemo, not a venv's installed copy, which may be older:
# `traced_process_env` points the tracer's home at the concdemo imported here
# (tracer_overhead.py measured an installed copy from before a change, 8 ms more
# start-up, while its CLI runs took the repository's).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from concdemo.tracer.env import traced_env


def bare_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("CONCDEMO_")}


def traced_process_env(events: str = "/dev/null") -> dict[str, str]:
    """A process traced as `concdemo run` would start it, its events sent to ``events``."""
    env = bare_env()
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env = traced_env(env, paths, "fork", given=False)
    env["CONCDEMO_EVENTS"] = events
    return env


def printed(run: dict[str, Any]) -> list[str]:
    return [e["detail"]["line"] for e in run["events"] if e["kind"] == "stdout"]


def bare_and_traced(
    script: Path, repeat: int, check: Callable[[dict[str, Any]], None] | None = None
) -> dict[str, float]:
    """Medians of the script's own time and of its whole process, bare and traced
    (interleaved), and their ratios; ``check`` looks at each traced run."""
    inside: dict[str, list[float]] = {"bare": [], "traced": []}
    outside: dict[str, list[float]] = {"bare": [], "traced": []}
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, env=bare_env()
        )
        outside["bare"].append(time.perf_counter() - start)
        inside["bare"].append(float(done.stdout.split()[-1]))
        cli = subprocess.run(
            [sys.executable, "-m", "concdemo", "run", str(script), "--json"],
            capture_output=True,
            text=True,
            env=bare_env(),
        )
        run = json.loads(cli.stdout)["runs"][0]
        if check is not None:
            check(run)
        inside["traced"].append(float(printed(run)[-1].split()[-1]))
        outside["traced"].append(run["wall_s"])
    doc = {}
    for name, samples in (("script", inside), ("process", outside)):
        bare, traced = statistics.median(samples["bare"]), statistics.median(samples["traced"])
        doc[f"{name}_bare_s"] = round(bare, 4)
        doc[f"{name}_traced_s"] = round(traced, 4)
        doc[f"{name}_ratio"] = round(traced / bare, 3)
    return doc


def result_rounds(script: Path, repeat: int, *args: str) -> list[dict[str, dict[str, float]]]:
    """Rounds of a script that prints ``RESULT {name: figure}``, run bare then traced
    (events to /dev/null) each round: per round, name -> {"bare": x, "traced": y}
    (a name the script measures only when traced has no "bare")."""
    rounds: list[dict[str, dict[str, float]]] = []
    for _ in range(repeat):
        found: dict[str, dict[str, float]] = {}
        for mode, env in (("bare", bare_env()), ("traced", traced_process_env())):
            done = subprocess.run(
                [sys.executable, str(script), *args],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
            line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
            for name, figure in json.loads(line[7:]).items():
                found.setdefault(name, {})[mode] = figure
        rounds.append(found)
    return rounds
