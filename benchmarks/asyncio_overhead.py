"""What tracing asyncio costs a script: `python benchmarks/asyncio_overhead.py [--repeat N]`.

1. 100,000 `await asyncio.sleep(0)` steps of one task (every step goes through
   the traced ``Handle._run``; none waits on a future, so none emits an event),
   timed by the script itself, bare and with the tracer's environment (events
   to /dev/null: the tracer's own work and its writes). Target: <= 1.3x bare.
2. The gather/queue example of issue 17 (three fetches of 0.2/0.1/0.3 s
   gathered, then a producer and two consumers over an asyncio.Queue), bare and
   under `concdemo run --json` (the CLI receiving the events), timed by the
   script around its work. Target: <= 1.05x bare.

Bare and traced runs alternate; the ratio is the median of each round's own
ratio, so a drift of the machine's speed between rounds cancels out. The
sleep(0) loop keeps the fastest of 5 passes per run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import bare_env, printed, traced_process_env

SLEEP0_SCRIPT = """
import asyncio, sys, time
N = int(sys.argv[1])

async def steps():
    for _ in range(N):
        await asyncio.sleep(0)

async def main():
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        await asyncio.get_running_loop().create_task(steps())
        best = min(best, time.perf_counter() - start)
    print(f"elapsed {best:.6f}")

asyncio.run(main())
"""

EXAMPLE_SCRIPT = """
import asyncio, time

async def fetch(name, delay):
    await asyncio.sleep(delay)
    return name

async def producer(queue):
    for n in range(20):
        await queue.put(n)
        await asyncio.sleep(0.01)
    await queue.put(None)
    await queue.put(None)

async def consumer(queue, done):
    while (item := await queue.get()) is not None:
        done.append(item)
        await asyncio.sleep(0.015)

async def main():
    start = time.perf_counter()
    print(await asyncio.gather(fetch("a", 0.2), fetch("b", 0.1), fetch("c", 0.3)))
    queue, done = asyncio.Queue(maxsize=2), []
    await asyncio.gather(producer(queue), consumer(queue, done), consumer(queue, done))
    print(len(done))
    print(f"elapsed {time.perf_counter() - start:.6f}")

asyncio.run(main())
"""


def _elapsed(stdout_lines: list[str]) -> float:
    return float(stdout_lines[-1].split()[-1])


def sleep0(repeat: int, folder: Path, n: int = 100_000) -> dict[str, float]:
    script = folder / "sleep0.py"
    script.write_text(SLEEP0_SCRIPT)
    times: dict[str, list[float]] = {"bare": [], "traced": []}
    for _ in range(repeat):
        for mode, env in (("bare", bare_env()), ("traced", traced_process_env())):
            done = subprocess.run(
                [sys.executable, str(script), str(n)],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
            times[mode].append(_elapsed(done.stdout.splitlines()))
    return _summary(times, n)


def example(repeat: int, folder: Path) -> dict[str, float]:
    script = folder / "gather_queue.py"
    script.write_text(EXAMPLE_SCRIPT)
    times: dict[str, list[float]] = {"bare": [], "traced": []}
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, env=bare_env()
        )
        times["bare"].append(_elapsed(done.stdout.splitlines()))
        cli = subprocess.run(
            [sys.executable, "-m", "concdemo", "run", str(script), "--json"],
            capture_output=True,
            text=True,
            env=bare_env(),
        )
        times["traced"].append(_elapsed(printed(json.loads(cli.stdout)["runs"][0])))
    return _summary(times)


def _summary(times: dict[str, list[float]], n: int = 0) -> dict[str, float]:
    bare, traced = times["bare"], times["traced"]
    doc = {
        "bare_s": round(statistics.median(bare), 4),
        "traced_s": round(statistics.median(traced), 4),
        "ratio": round(statistics.median(t / b for t, b in zip(traced, bare, strict=True)), 3),
    }
    if n:
        doc["bare_us_per_step"] = round(doc["bare_s"] / n * 1e6, 2)
        doc["traced_us_per_step"] = round(doc["traced_s"] / n * 1e6, 2)
    return doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", "concdemo"], check=False)
    with tempfile.TemporaryDirectory() as folder:
        doc = {
            "python": sys.version.split()[0],
            "repeat": args.repeat,
            "sleep0_100k_steps": sleep0(args.repeat, Path(folder)),
            "gather_queue_example": example(args.repeat, Path(folder)),
        }
    print(json.dumps(doc, indent=2))


if __name__ == "__main__":
    main()
