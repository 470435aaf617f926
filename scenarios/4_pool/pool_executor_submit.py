"""concurrent.futures: ProcessPoolExecutor.submit() is apply_async(): about ceil(tasks / workers) × delay.

Beyond the article: ProcessPoolExecutor is the standard library's newer face
of the same idea. submit() hands a task over and returns a Future at once, as
apply_async() returns an AsyncResult, so the 47 tasks queue up immediately and
the five worker processes run them five at a time: ten rounds of delay, like
apply_async. Leaving the `with` block is close() plus join() in one: it waits
for every queued task and then for the workers to exit. The workers were
started (and waited for) before the phase, so it times the tasks alone.
"""

import math
import time
from concurrent.futures import ProcessPoolExecutor, wait
from multiprocessing import Barrier

from concdemo import probe

VARIANT = "executor-submit"
CLAIMS = ["X3"]
EXPECT = "ok"


def foo(n, delay):
    with probe.span("task", n=n):  # the article prints n here
        time.sleep(delay)
    return n


def started_executor(workers):
    """A ProcessPoolExecutor whose workers are all up (the executor starts them lazily)."""
    ready = Barrier(workers)
    executor = ProcessPoolExecutor(workers, initializer=ready.wait)
    wait([executor.submit(time.sleep, 0) for _ in range(workers)])
    return executor


if __name__ == "__main__":
    params = probe.start()
    rounds = math.ceil(params.tasks / params.workers)
    theory_s = rounds * params.delay
    serial_s = params.tasks * params.delay
    with started_executor(params.workers) as executor:
        start = time.monotonic()
        with probe.phase("submit", theory_s=theory_s):
            futures = [executor.submit(foo, i, params.delay) for i in range(params.tasks)]
            done = [f.result() for f in futures]  # like AsyncResult.get(), in order
        elapsed = time.monotonic() - start
    probe.event("ending")
    probe.check("every task's Future has its result", done == list(range(params.tasks)))
    probe.check("no more than `workers` tasks at a time: at least ceil(tasks / workers) × delay",
                elapsed >= 0.95 * theory_s, seconds=round(elapsed, 3))
    if rounds < params.tasks and params.delay >= 0.05:
        # Like apply_async: nearer to the rounds than to one after another (sleeps too
        # short to tell skip this). The margin is half the gap, for a busy machine.
        probe.check("about apply_async's ceil(tasks / workers) × delay, far from tasks × delay",
                    elapsed <= theory_s + 0.5 * (serial_s - theory_s),
                    seconds=round(elapsed, 3), theory_s=round(theory_s, 3),
                    serial_s=round(serial_s, 3))
