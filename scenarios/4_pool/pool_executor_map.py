"""executor.map(chunksize=c) hands out c tasks at a time: coarse chunks leave workers idle.

Beyond the article: ProcessPoolExecutor.map(fn, items) submits one task per
item by default (chunksize=1): the first phase runs like apply_async, about
ceil(tasks / workers) × delay. With chunksize=c the items travel to the
workers in chunks of c, one round trip per chunk instead of per task (that is
what chunks are for: many tiny tasks), but a chunk runs on one worker from
start to end. The second phase uses chunks of half the tasks: only two
workers get any work, each runs its chunk's tasks one after another, and the
phase takes about c × delay. The results still come back in order.
"""

import heapq
import math
import os
import time
from concurrent.futures import ProcessPoolExecutor, wait
from multiprocessing import Barrier

from concdemo import probe

VARIANT = "executor-map"
CLAIMS = ["X4"]
EXPECT = "ok"


def foo(n, delay):
    with probe.span("task", n=n):
        time.sleep(delay)
    return os.getpid()  # which worker ran it: the checks count them


def started_executor(workers):
    """A ProcessPoolExecutor whose workers are all up (the executor starts them lazily)."""
    ready = Barrier(workers)
    executor = ProcessPoolExecutor(workers, initializer=ready.wait)
    wait([executor.submit(time.sleep, 0) for _ in range(workers)])
    return executor


def chunked_theory(tasks, workers, chunksize, delay):
    """Chunks of `chunksize` tasks, each taken whole by the next free worker."""
    free_at = [0.0] * workers
    for first in range(0, tasks, chunksize):
        size = min(chunksize, tasks - first)
        heapq.heappush(free_at, heapq.heappop(free_at) + size * delay)
    return max(free_at)


def timed_map(executor, params, chunksize):
    theory_s = chunked_theory(params.tasks, params.workers, chunksize, params.delay)
    start = time.monotonic()
    with probe.phase(f"map chunksize={chunksize}", theory_s=theory_s):
        pids = list(executor.map(foo, range(params.tasks), [params.delay] * params.tasks,
                                 chunksize=chunksize))
    return time.monotonic() - start, theory_s, pids


if __name__ == "__main__":
    params = probe.start()
    # Two chunks: two busy workers at most (chunks of 2 at least, so the phases differ).
    coarse = max(2, math.ceil(params.tasks / 2))
    with started_executor(params.workers) as executor:
        fine_s, fine_theory, fine_pids = timed_map(executor, params, 1)
        coarse_s, coarse_theory, coarse_pids = timed_map(executor, params, coarse)
    probe.event("ending")
    probe.check("chunksize=1: no more than `workers` at a time, at least ceil(tasks / workers) × delay",
                fine_s >= 0.95 * fine_theory, seconds=round(fine_s, 3))
    probe.check(f"chunksize={coarse}: each chunk ran whole on one worker: at least its theory",
                coarse_s >= 0.95 * coarse_theory, seconds=round(coarse_s, 3),
                theory_s=round(coarse_theory, 3))
    chunks = math.ceil(params.tasks / coarse)
    probe.check(f"chunksize={coarse}: at most {chunks} workers ran tasks",
                len(set(coarse_pids)) <= chunks, workers_used=len(set(coarse_pids)))
    if coarse_theory >= 1.5 * fine_theory and params.delay >= 0.05:
        # The idle workers cost time: the coarse chunks are clearly slower. Half the gap
        # between the two theories is the margin for a busy machine.
        probe.check(f"chunksize=1 clearly faster than chunksize={coarse}",
                    fine_s <= fine_theory + 0.5 * (coarse_theory - fine_theory) < coarse_s,
                    fine_s=round(fine_s, 3), coarse_s=round(coarse_s, 3))
