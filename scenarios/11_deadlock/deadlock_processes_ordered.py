"""The fix: both processes take lock_a first, then lock_b, and both finish.

The same two workers and the same barrier as the processes variant, but the
locks are always taken in one order. Whoever gets lock_a first also gets
lock_b; the other waits for lock_a, which is released, and then takes both in
turn. A cycle of waits needs two orders: with one, there is none.
"""

import multiprocessing

from concdemo import probe

VARIANT = "processes-ordered"
CLAIMS = ["X7"]
TRACE = ["waits"]  # the same tracing as the broken variant, for a fair comparison


def transfer(first, second, both_ready):
    both_ready.wait()  # both start asking at the same moment, as in the broken variant
    with first:
        probe.event("took", lock="first")
        with second:
            probe.event("took", lock="second")


if __name__ == "__main__":
    probe.start()
    lock_a = multiprocessing.Lock()
    lock_b = multiprocessing.Lock()
    both_ready = multiprocessing.Barrier(2)
    workers = [
        multiprocessing.Process(target=transfer, args=(lock_a, lock_b, both_ready)),
        multiprocessing.Process(target=transfer, args=(lock_a, lock_b, both_ready)),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    probe.check("both workers finished", all(w.exitcode == 0 for w in workers))
