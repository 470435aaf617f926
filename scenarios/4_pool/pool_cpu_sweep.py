"""Open about as many processes as cores: with CPU-bound work, more workers add nothing.

The same CPU-bound job (48 equal pieces of arithmetic) runs on pools of 1, 2, …
up to twice the number of cores, each size a phase. Two figures come out of
each phase. The speedup over one worker (wall-clock time, the fastest of three
runs) grows until the pool has one worker per core and then flattens: extra
workers only take turns on the same cores, paying for the switching. And the
cores the job kept busy (the CPU time its pieces used, divided by the wall-clock
time) stop at the core count, however many workers there are. That is the
article's advice for sizing a pool. The claim is judged on the cores kept busy:
on a shared or virtual machine the cores themselves can run faster or slower
from one second to the next, which moves the speedups but not that figure.
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
# The same arithmetic taking this much more CPU time in one run than in another
# means the cores changed speed during the sweep (another virtual machine on the
# same physical core, a clock that moved): the run says so beside its speedups.
UNSTEADY = 1.15


def burn(loops):
    """One piece of the job; returns the CPU time it took in the worker."""
    started = time.process_time()
    total = 0
    for i in range(loops):
        total += i * i
    return time.process_time() - started


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


def measure(workers, theory_s):
    """The job REPEATS times on a pool of `workers`: [(wall seconds, CPU seconds), ...]."""
    ready = Barrier(workers + 1)
    pool = Pool(workers, initializer=ready.wait)
    ready.wait()  # every worker is up: the phase times the work, not the start-up
    runs = []
    name = "1 worker" if workers == 1 else f"{workers} workers"
    with probe.phase(name, theory_s=theory_s):
        for _ in range(REPEATS):
            start = time.perf_counter()
            cpu_s = sum(pool.map(burn, [LOOPS_PER_PIECE] * PIECES, chunksize=1))
            runs.append((time.perf_counter() - start, cpu_s))
    pool.close()
    pool.join()
    return runs


def cores_busy(runs):
    """The most cores the job kept busy in any of its runs (CPU time over wall time)."""
    return max(cpu_s / wall_s for wall_s, cpu_s in runs)


if __name__ == "__main__":
    probe.start()
    cores = usable_cores()
    one_worker = measure(1, None)
    one_worker_s = min(wall_s for wall_s, _ in one_worker)
    every_run = list(one_worker)
    busy = {}
    for workers in worker_counts(cores)[1:]:
        ideal_s = one_worker_s / min(workers, cores)
        runs = measure(workers, REPEATS * ideal_s)
        every_run += runs
        busy[workers] = cores_busy(runs)
        speedup = one_worker_s / min(wall_s for wall_s, _ in runs)
        probe.event("speedup", workers=workers, cores=cores, speedup=round(speedup, 2),
                    cores_busy=round(busy[workers], 2))

    cpu_times = [cpu_s for _, cpu_s in every_run]
    steady = max(cpu_times) <= UNSTEADY * min(cpu_times)
    probe.event("job cpu time", fastest_s=round(min(cpu_times), 3),
                slowest_s=round(max(cpu_times), 3), steady=steady)
    beyond = [b for w, b in busy.items() if w > cores]
    at_cores = busy.get(cores, cores_busy(one_worker))
    if cores >= 2:
        probe.check("more workers keep more cores busy, up to the core count",
                    at_cores >= 1 + 0.25 * (cores - 1), cores=cores, cores_busy=round(at_cores, 2))
    probe.check("past the core count no more cores are busy", max(beyond) <= 1.1 * at_cores,
                at_cores=round(at_cores, 2), beyond=[round(b, 2) for b in beyond])
