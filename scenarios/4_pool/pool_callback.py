"""A callback that blocks holds up every other result: apply_async slows back down to apply.

apply_async(callback=...) calls the callback in the parent, in the pool's one
result-handler thread, and that thread marks a result ready only after its
callback has returned. Here each callback sleeps as long as a task does. The
workers still finish their tasks five at a time, but the results are then
handled one at a time, each waiting for the callbacks before it: the whole run
takes about tasks × delay again, as with apply(). The article's rule: a
callback must not block.
"""

import math
import threading
import time
from multiprocessing import Pool

from concdemo import probe

VARIANT = "callback"
CLAIMS = ["PL6"]
EXPECT = "ok"


def foo(n, delay):
    with probe.span("task", n=n):
        time.sleep(delay)
    return n


if __name__ == "__main__":
    params = probe.start()
    callback_threads = set()

    def slow_callback(n):
        callback_threads.add(threading.current_thread().name)
        with probe.span("callback", n=n):
            time.sleep(params.delay)  # blocking: no other result is handled meanwhile

    pool_obj = Pool(params.workers)
    rounds = math.ceil(params.tasks / params.workers)
    start = time.monotonic()
    with probe.phase("apply_async + blocking callback", theory_s=params.tasks * params.delay):
        for i in range(params.tasks):
            pool_obj.apply_async(func=foo, args=(i, params.delay), callback=slow_callback)
        pool_obj.close()
        pool_obj.join()
    elapsed = time.monotonic() - start
    probe.check("every callback ran in the same result-handler thread, not the main thread",
                len(callback_threads) == 1 and "MainThread" not in callback_threads,
                threads=sorted(callback_threads))
    probe.check("the callbacks ran one at a time: at least tasks × delay in all",
                elapsed >= 0.95 * params.tasks * params.delay, seconds=round(elapsed, 3),
                tasks_alone_s=round(rounds * params.delay, 3))
