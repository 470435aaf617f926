"""AsyncResult: ready(), successful(), wait(timeout) and get(timeout), on a result and an error.

apply_async() returns an AsyncResult at once. While the task still runs,
ready() is False, successful() refuses to answer (ValueError: not ready),
wait(timeout) just returns after the timeout and get(timeout) raises
multiprocessing.TimeoutError. Once the task is done, get() returns its value.
A task that raises is also "ready", but not successful, and get() raises the
worker's exception again in the parent.
"""

import multiprocessing
import time
from multiprocessing import Pool

from concdemo import probe

VARIANT = "async-result"
CLAIMS = ["PL4", "PL5"]
EXPECT = "ok"

SLOW_TASK_S = 0.6  # long enough to ask about the result while the task still runs
ASK_TIMEOUT_S = 0.1


def square(n, seconds):
    with probe.span("task", n=n):
        time.sleep(seconds)
    return n * n


def fails(n):
    with probe.span("task", n=n):
        raise ValueError(f"task {n} went wrong")


if __name__ == "__main__":
    params = probe.start()
    pool_obj = Pool(params.workers)

    result = pool_obj.apply_async(square, (7, SLOW_TASK_S))
    probe.check("ready() is False while the task runs", not result.ready())
    with probe.raises(ValueError, "successful() before the result is ready raises ValueError"):
        result.successful()
    claim = f"get(timeout={ASK_TIMEOUT_S}) raises multiprocessing.TimeoutError while it runs"
    with probe.raises(multiprocessing.TimeoutError, claim):
        result.get(timeout=ASK_TIMEOUT_S)
    result.wait(timeout=ASK_TIMEOUT_S)  # returns after the timeout, ready or not
    probe.check("wait(timeout) returned with the task still running", not result.ready())
    result.wait()  # no timeout: until the task is done
    probe.event("ready", value=result.get())
    probe.check("once done: ready(), successful() and get() == 49",
                result.ready() and result.successful() and result.get() == 49)

    failed = pool_obj.apply_async(fails, (13,))
    failed.wait()
    probe.check("a task that raised is ready but not successful",
                failed.ready() and not failed.successful())
    with probe.raises(ValueError, "get() raises the worker's exception in the parent"):
        failed.get()

    pool_obj.close()
    pool_obj.join()
