"""What the wait-for graph's lock wrappers cost:
`python benchmarks/lock_overhead.py [--repeat N] [--layout one-cpu|split|all-cpus|all]`.

1. A lock-heavy healthy script: 4 processes x 20,000 nested acquisitions of two
   multiprocessing Locks, then 2 threads x 20,000 nested acquisitions of two
   threading Locks; bare and under `concdemo run`, timed by the script itself
   (time.perf_counter around its work, printed last; the mp and thread phases
   apart) and from outside (interpreter start to exit, bare vs the CLI's
   `wall_s`). Target: <= 1.15x. The script also prints the CPU it used (its own
   and its reaped children's, user + system) and its children's voluntary
   context switches.
2. Per acquire+release pair of each wrapped kind that is held (`with lock:` and
   `acquire(); release()`: Lock, RLock, Semaphore, BoundedSemaphore, Condition,
   of multiprocessing and threading), and per wait that ends at once of those
   waited on (a set Event, a Barrier of one party), uncontended, in one process,
   bare and with the tracer's environment (events to /dev/null): the added
   nanoseconds per pair or wait.

Why part 1 has layouts. On a 2-core machine the 4 processes run in one of two
regimes, decided per run by where the scheduler puts them, i.e. by what else
the machine runs: while two of them are on a CPU at once, an acquire often
finds the lock taken and the pair hand it over through the kernel (futex sleep
and wake: up to thousands of voluntary switches, 2-5x the CPU); while only one
runs, every acquire is the uncontended fast path. Unpinned runs mix the two at
random, so their bare/traced ratio was bimodal. Measured (bare, 3.11, load
~3.5, 12 runs each): children all on one CPU, 10-56 voluntary switches and
0.048 s CPU; spread over two CPUs, 313-7,589 and 0.127 s; unpinned, 21-7,077.

- ``one-cpu`` (default): the whole run, CLI included, on one CPU (alternating by
  round). One regime in every run; ``cpu_ratio_quartiles`` is the tracer's own
  work per acquire and is the steadiest figure (four invocations at --repeat 5:
  1.74-1.98x, where the old unpinned script ratio gave 1.44-3.10x).
- ``split``: the script's children kept on the first two CPUs in turn, so they
  contend whenever no other work holds a CPU (80-100% of measured runs): what
  the tracer adds to contended locks, including the contention it causes by
  holding them longer (compare the two ``mp_switches_per_1000_acquires``).
- ``all-cpus``: as a user runs it; ``contended_share_*`` says how many runs were
  contended (children's voluntary switches above CONTENDED_PER_1000 per 1,000
  acquisitions), to read its ratio by.

Rounds alternate bare-traced and traced-bare, and the layouts alternate too;
each ratio is the median of each round's own ratio, given as [q1, median, q3]
(this VM's speed drifts, and other engineers share the machine).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import bare_env, printed, result_rounds

N = 20_000
MP_ACQUIRES = 4 * N * 2  # 4 processes, two locks each time round
CONTENDED_PER_1000 = 2.0  # one-cpu runs measured 0.1-0.7, split ones 4-76

HEAVY_SCRIPT = """
import json
import multiprocessing
import os
import resource
import threading
import time

N = 20_000
# layout "split": child i kept on CPU CPUS[i % len(CPUS)] (bare and traced alike)
CPUS = [int(cpu) for cpu in os.environ.get("LOCK_BENCH_CHILD_CPUS", "").split(",") if cpu]


def nested(first, second, cpu=None):
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    for _ in range(N):
        with first:
            with second:
                pass


def used():
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    return time.perf_counter(), cpu, kids.ru_nvcsw


if __name__ == "__main__":
    start, cpu0, switches0 = used()
    a, b = multiprocessing.Lock(), multiprocessing.Lock()
    places = [CPUS[i % len(CPUS)] if CPUS else None for i in range(4)]
    children = [multiprocessing.Process(target=nested, args=(a, b, cpu)) for cpu in places]
    for child in children:
        child.start()
    for child in children:
        child.join()
    middle, _, switches1 = used()
    c, d = threading.Lock(), threading.Lock()
    threads = [threading.Thread(target=nested, args=(c, d)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    end, cpu1, _ = used()
    figures = {"mp_s": middle - start, "threads_s": end - middle, "cpu_s": cpu1 - cpu0,
               "mp_switches": switches1 - switches0}
    print("figures " + json.dumps(figures))
    print(f"elapsed {end - start:.6f}")
"""

PAIRS_SCRIPT = """
import json, multiprocessing, sys, threading, time
N = int(sys.argv[1])
def timed(body):
    best = float("inf")
    for _ in range(5):  # the fastest of 5 passes: the least disturbed
        start = time.perf_counter()
        body()
        best = min(best, time.perf_counter() - start)
    return best / N * 1e9
def with_lock(lock):
    def body():
        for _ in range(N):
            with lock:
                pass
    return body
def acquire_release(lock):
    def body():
        acquire, release = lock.acquire, lock.release
        for _ in range(N):
            acquire()
            release()
    return body
def calls(method):
    def body():
        for _ in range(N):
            method()
    return body
kinds = {
    "multiprocessing.Lock": multiprocessing.Lock(),
    "multiprocessing.RLock": multiprocessing.RLock(),
    "multiprocessing.Semaphore": multiprocessing.Semaphore(),
    "multiprocessing.BoundedSemaphore": multiprocessing.BoundedSemaphore(),
    "multiprocessing.Condition": multiprocessing.Condition(),
    "threading.Lock": threading.Lock(),
    "threading.RLock": threading.RLock(),
    "threading.Semaphore": threading.Semaphore(),
    "threading.BoundedSemaphore": threading.BoundedSemaphore(),
    "threading.Condition": threading.Condition(),
}
results = {}
for name, lock in kinds.items():
    results[name + " with"] = timed(with_lock(lock))
    results[name + " acquire+release"] = timed(acquire_release(lock))
# The kinds one waits on rather than holds, where the wait ends at once: a set
# Event, a Barrier of one party.
events = {"multiprocessing.Event": multiprocessing.Event(), "threading.Event": threading.Event()}
for name, event in events.items():
    event.set()
    results[name + " wait (set)"] = timed(calls(event.wait))
results["threading.Barrier(1) wait"] = timed(calls(threading.Barrier(1).wait))
print("RESULT " + json.dumps(results))
"""


def _healthy(run: dict[str, Any]) -> None:
    assert run["outcome"] == "ok" and run.get("deadlock") is None, run["outcome"]


LAYOUTS = ("one-cpu", "split", "all-cpus")


def _on(cpu: int | None) -> Any:
    """A preexec_fn keeping the child (and all it starts) on ``cpu``; None: anywhere."""
    if cpu is None:
        return None
    return lambda: os.sched_setaffinity(0, {cpu})


def _one_run(
    script: Path, traced: bool, layout: str, cpus: list[int], index: int
) -> dict[str, float]:
    """One run's figures: the script's own (elapsed, mp_s, threads_s, cpu_s,
    mp_switches) and its whole process's wall time (``process_s``). ``one-cpu``:
    the whole run (the CLI too) on one CPU, alternating by round; ``split``: the
    script's 4 children kept on the first two CPUs in turn, so two of them always
    contend, the rest (CLI, script) anywhere; ``all-cpus``: as a user runs it."""
    env = bare_env()
    cpu = cpus[index % len(cpus)] if layout == "one-cpu" else None
    if layout == "split":
        env["LOCK_BENCH_CHILD_CPUS"] = ",".join(str(c) for c in cpus[:2])
    if traced:
        command = [sys.executable, "-m", "concdemo", "run", str(script), "--json"]
    else:
        command = [sys.executable, str(script)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, preexec_fn=_on(cpu))
    outside = time.perf_counter() - start
    if traced:
        run = json.loads(done.stdout)["runs"][0]
        _healthy(run)
        lines, outside = printed(run), run["wall_s"]
    else:
        lines = done.stdout.splitlines()
    figures: dict[str, float] = json.loads(lines[-2].split(" ", 1)[1])
    figures["elapsed_s"] = float(lines[-1].split()[-1])
    figures["process_s"] = outside
    return figures


def _quartiles(values: list[float]) -> list[float]:
    if len(values) < 2:
        return [round(values[0], 3)] * 3
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return [round(q1, 3), round(q2, 3), round(q3, 3)]


def _contended(run: dict[str, float]) -> bool:
    return run["mp_switches"] * 1000 / MP_ACQUIRES > CONTENDED_PER_1000


def _summary(rounds: list[dict[str, dict[str, float]]]) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for name in ("elapsed_s", "mp_s", "threads_s", "cpu_s", "process_s"):
        bare = [r["bare"][name] for r in rounds]
        traced = [r["traced"][name] for r in rounds]
        doc[f"{name[:-2]}_bare_s"] = round(statistics.median(bare), 4)
        doc[f"{name[:-2]}_traced_s"] = round(statistics.median(traced), 4)
        # median of the rounds' own ratios, with its quartiles [q1, median, q3]
        doc[f"{name[:-2]}_ratio_quartiles"] = _quartiles(
            [t / b for t, b in zip(traced, bare, strict=True)]
        )
    for mode in ("bare", "traced"):
        per_1000 = [r[mode]["mp_switches"] * 1000 / MP_ACQUIRES for r in rounds]
        doc[f"mp_switches_per_1000_acquires_{mode}"] = round(statistics.median(per_1000), 2)
        contended = sum(_contended(r[mode]) for r in rounds)
        doc[f"contended_share_{mode}"] = round(contended / len(rounds), 2)
    return doc


def heavy(repeat: int, folder: Path, layouts: list[str]) -> dict[str, Any]:
    script = folder / "lock_heavy.py"
    script.write_text(HEAVY_SCRIPT)
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if layouts != ["all-cpus"] and len(cpus) < 2:
        raise SystemExit(
            "--layout one-cpu and split need os.sched_setaffinity and 2 CPUs; use all-cpus"
        )
    rounds: dict[str, list[dict[str, dict[str, float]]]] = {layout: [] for layout in layouts}
    for index in range(repeat):
        order = ("bare", "traced") if index % 2 == 0 else ("traced", "bare")
        for layout in layouts if index % 2 == 0 else layouts[::-1]:
            rounds[layout].append(
                {mode: _one_run(script, mode == "traced", layout, cpus, index) for mode in order}
            )
    return {layout.replace("-", "_"): _summary(found) for layout, found in rounds.items()}


def pairs(repeat: int, folder: Path, n: int = 100_000) -> dict[str, dict[str, float]]:
    script = folder / "pairs.py"
    script.write_text(PAIRS_SCRIPT)
    rounds = result_rounds(script, repeat, str(n))
    doc: dict[str, dict[str, float]] = {}
    for name in rounds[0]:
        bare = [r[name]["bare"] for r in rounds]
        traced = [r[name]["traced"] for r in rounds]
        added = [t - b for t, b in zip(traced, bare, strict=True)]
        doc[name] = {
            "bare_ns": round(statistics.median(bare)),
            "traced_ns": round(statistics.median(traced)),
            "added_ns_per_pair": round(statistics.median(added)),
        }
    return doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--layout", choices=(*LAYOUTS, "all"), default="one-cpu")
    parser.add_argument("--no-pairs", action="store_true", help="part 1 only")
    args = parser.parse_args()
    layouts = list(LAYOUTS) if args.layout == "all" else [args.layout]
    subprocess.run([sys.executable, "-m", "compileall", "-q", "concdemo"], check=False)
    load = [round(os.getloadavg()[0], 2)]
    with tempfile.TemporaryDirectory() as folder:
        doc: dict[str, Any] = {
            "python": sys.version.split()[0],
            "repeat": args.repeat,
            "lock_heavy_4x20000_mp_2x20000_threads": heavy(args.repeat, Path(folder), layouts),
        }
        if not args.no_pairs:
            doc["per_pair"] = pairs(args.repeat, Path(folder))
    doc["load_1min_start_end"] = [*load, round(os.getloadavg()[0], 2)]
    print(json.dumps(doc, indent=2))


if __name__ == "__main__":
    main()
