"""terminate() stops the workers at once: running tasks are cut off, queued ones never run.

All 47 tasks are queued with apply_async(). Soon after the first results come
back the parent calls terminate() (a Pool method; the article lists it under
AsyncResult): the workers are killed mid-task, so some task bars have a start
and no end, and the tasks still waiting in the queue never start. Compare
close(), which lets every queued task finish first. Nothing runs afterwards.
"""

import math
import threading
import time
from multiprocessing import Pool

from concdemo import probe

VARIANT = "terminate"
CLAIMS = ["PL7"]
EXPECT = "ok"


def foo(n, delay):
    with probe.span("task", n=n):
        time.sleep(delay)


if __name__ == "__main__":
    params = probe.start()
    finished = []
    first_result = threading.Event()

    def done(_):
        finished.append(1)
        first_result.set()

    pool_obj = Pool(params.workers)
    for i in range(params.tasks):
        pool_obj.apply_async(func=foo, args=(i, params.delay), callback=done)
    first_result.wait(timeout=30)  # the workers are up and running tasks
    time.sleep(params.delay / 2)  # terminate in the middle of the next round
    start = time.monotonic()
    with probe.phase("terminate"):
        pool_obj.terminate()
        pool_obj.join()
    stop_s = time.monotonic() - start
    finished_at_terminate = len(finished)
    probe.event("terminated", finished=finished_at_terminate, tasks=params.tasks)
    time.sleep(2 * params.delay + 0.1)  # would any task still finish? (none may)
    probe.check("no task finished after terminate()", len(finished) == finished_at_terminate,
                finished=len(finished))
    if params.tasks > 2 * params.workers and params.delay >= 0.02:
        # With fewer tasks, or shorter ones, everything may be done before terminate().
        left = params.tasks - finished_at_terminate
        left_s = math.ceil(left / params.workers) * params.delay
        probe.check("terminate() left queued tasks unrun", left > 0,
                    finished=finished_at_terminate, tasks=params.tasks)
        probe.check("terminate() returned without running them", stop_s < 0.5 * left_s,
                    seconds=round(stop_s, 3), queued_work_s=round(left_s, 3))
