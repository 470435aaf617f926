"""join() is allowed only after close() or terminate(): called first, it raises ValueError.

join() waits for the workers to exit, and workers of a running pool never
exit (more tasks may still come), so the pool refuses at once with
"ValueError: Pool is still running" instead of waiting forever. After close()
the same join() waits for the queued tasks and returns.
"""

import time
from multiprocessing import Pool

from concdemo import probe

VARIANT = "join-before-close"
CLAIMS = ["PL3"]
EXPECT = "ok"


def foo(n, delay):
    with probe.span("task", n=n):
        time.sleep(delay)


if __name__ == "__main__":
    params = probe.start()
    pool_obj = Pool(params.workers)
    for i in range(params.tasks):
        pool_obj.apply_async(func=foo, args=(i, params.delay))
    with probe.raises(ValueError, "join() before close() raises ValueError") as raised:
        pool_obj.join()
    probe.check("the message says the pool is still running",
                "still running" in str(raised.value), message=str(raised.value))
    pool_obj.close()  # no more tasks: now the workers may exit once the queue is empty
    pool_obj.join()
    probe.event("ending")
