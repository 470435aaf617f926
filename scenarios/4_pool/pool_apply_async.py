"""apply_async() runs the tasks concurrently: about ceil(tasks / workers) × delay in all.

apply_async() only hands the task over and returns at once, so the loop queues
all 47 tasks immediately and the five workers run them side by side, five at a
time: ten rounds of delay instead of 47. close() then says no more tasks will
come, and join() waits until the workers have finished them all and exited.
"""

import math
import time
from multiprocessing import Pool

from concdemo import probe

VARIANT = "apply_async"
CLAIMS = ["PL2"]
EXPECT = "ok"


def foo(n, delay):
    with probe.span("task", n=n):  # the article prints n here
        time.sleep(delay)


if __name__ == "__main__":
    params = probe.start()
    pool_obj = Pool(params.workers)
    rounds = math.ceil(params.tasks / params.workers)
    serial_s = params.tasks * params.delay
    start = time.monotonic()
    with probe.phase("apply_async", theory_s=rounds * params.delay):
        for i in range(params.tasks):
            pool_obj.apply_async(func=foo, args=(i, params.delay))  # returns at once
        pool_obj.close()
        pool_obj.join()  # waits for every queued task
    elapsed = time.monotonic() - start
    probe.event("ending")
    probe.check("no more than `workers` tasks at a time: at least ceil(tasks / workers) × delay",
                elapsed >= 0.95 * rounds * params.delay, seconds=round(elapsed, 3))
    if rounds < params.tasks and params.delay >= 0.05:
        # Faster than one after another; skipped when sleeps are too short to tell.
        probe.check("clearly faster than apply's tasks × delay", elapsed < 0.6 * serial_s,
                    seconds=round(elapsed, 3), serial_s=round(serial_s, 3))
