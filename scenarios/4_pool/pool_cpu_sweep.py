"""Open about as many processes as cores: with CPU-bound work, more workers add nothing.

The same CPU-bound job (48 equal pieces of arithmetic) runs on pools of 1, 2, …
up to twice the number of cores, each size a phase. The speedup over one
worker grows until the pool has one worker per core and then flattens: extra
workers only take turns on the same cores, paying for the switching. That is
the article's advice for sizing a pool. Each phase runs the job three times
and the speedup uses the fastest run, so a moment when another program took a
core does not count; on a machine that stays busy the numbers will still drift.
(This variant ignores the tasks, workers and delay parameters: the job is fixed
so that the phases compare.)
"""

import os
import time
from multiprocessing import Barrier, Pool

from concdemo import probe

VARIANT = "cpu-sweep"
CLAIMS = ["PL8"]
EXPECT = "ok"

PIECES = 48  # divides evenly among 1, 2, 3, 4, 6, 8, 12, 16, 24 workers
LOOPS_PER_PIECE = 300_000  # the whole job: about 0.4 s on one core of a recent CPU
REPEATS = 3


def burn(loops):
    total = 0
    for i in range(loops):
        total += i * i
    return total


def usable_cores():
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may run on (Linux)
    except AttributeError:
        return os.cpu_count() or 1


def worker_counts(cores):
    if cores <= 4:
        return list(range(1, 2 * cores + 1))
    # On a big machine, fewer stops keep the sweep short.
    return sorted({1, 2, cores // 2, cores, cores + 1, 3 * cores // 2, min(2 * cores, PIECES)})


def best_time(workers, theory_s):
    """The fastest of REPEATS runs of the job on a pool of `workers`."""
    ready = Barrier(workers + 1)
    pool = Pool(workers, initializer=ready.wait)
    ready.wait()  # every worker is up: the phase times the work, not the start-up
    times = []
    name = "1 worker" if workers == 1 else f"{workers} workers"
    with probe.phase(name, theory_s=theory_s):
        for _ in range(REPEATS):
            start = time.perf_counter()
            pool.map(burn, [LOOPS_PER_PIECE] * PIECES, chunksize=1)
            times.append(time.perf_counter() - start)
    pool.close()
    pool.join()
    return min(times)


if __name__ == "__main__":
    probe.start()
    cores = usable_cores()
    speedup = {}
    one_worker_s = best_time(1, None)
    for workers in worker_counts(cores)[1:]:
        ideal_s = one_worker_s / min(workers, cores)
        seconds = best_time(workers, REPEATS * ideal_s)
        speedup[workers] = one_worker_s / seconds
        probe.event("speedup", workers=workers, cores=cores, speedup=round(speedup[workers], 2))

    beyond = [s for w, s in speedup.items() if w > cores]
    at_cores = speedup.get(cores, 1.0)
    if cores >= 2:
        probe.check("more workers help up to the core count", at_cores >= 1 + 0.25 * (cores - 1),
                    cores=cores, speedup=round(at_cores, 2))
    probe.check("past the core count the speedup flattens", max(beyond) <= 1.3 * at_cores,
                at_cores=round(at_cores, 2), beyond=[round(s, 2) for s in beyond])
