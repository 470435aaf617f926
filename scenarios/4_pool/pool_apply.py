"""apply() is synchronous: the 47 tasks run one after another, about tasks × delay in all.

apply() hands one task to a worker and waits for its result before the loop
can hand over the next, so at most one worker is ever busy: the task bars line
up end to end, even though the pool has five workers (look at the pids, too:
a different worker may take each task, but never two at once). The measured
time is close to tasks × delay; compare the apply_async variant.
"""

import time
from multiprocessing import Pool

from concdemo import probe

VARIANT = "apply"
CLAIMS = ["PL1"]
EXPECT = "ok"


def foo(n, delay):
    with probe.span("task", n=n):  # the article prints n here
        time.sleep(delay)


if __name__ == "__main__":
    params = probe.start()
    pool_obj = Pool(params.workers)
    serial_s = params.tasks * params.delay
    start = time.monotonic()
    with probe.phase("apply", theory_s=serial_s):
        for i in range(params.tasks):
            pool_obj.apply(func=foo, args=(i, params.delay))  # waits for this task to finish
        pool_obj.close()
        pool_obj.join()
    elapsed = time.monotonic() - start
    probe.event("ending")
    probe.check("the tasks ran one after another: at least tasks × delay",
                elapsed >= 0.95 * serial_s, seconds=round(elapsed, 3),
                theory_s=round(serial_s, 3))
