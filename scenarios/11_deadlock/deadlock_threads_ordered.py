"""The fix: both threads take lock_a first, then lock_b, and both finish.

The same two threads and the same barrier as the threads variant, but the
locks are always taken in one order, so no thread can hold the lock another
holder waits for while waiting for one of its own.
"""

import threading

from concdemo import probe

VARIANT = "threads-ordered"
CLAIMS = ["X7"]
TRACE = ["waits"]  # the same tracing as the broken variant, for a fair comparison


def transfer(first, second, both_ready, done):
    both_ready.wait()  # both start asking at the same moment, as in the broken variant
    with first:
        probe.event("took", lock="first")
        with second:
            probe.event("took", lock="second")
    done.append(threading.current_thread().name)


if __name__ == "__main__":
    probe.start()
    lock_a = threading.Lock()
    lock_b = threading.Lock()
    both_ready = threading.Barrier(2)
    done = []
    workers = [
        threading.Thread(target=transfer, args=(lock_a, lock_b, both_ready, done), name="T1"),
        threading.Thread(target=transfer, args=(lock_a, lock_b, both_ready, done), name="T2"),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    probe.check("both threads finished", sorted(done) == ["T1", "T2"])
