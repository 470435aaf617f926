"""Two threads take two Locks in opposite order, and each waits for the other forever.

The same story in one process: thread T1 takes lock_a then wants lock_b, T2
takes lock_b then wants lock_a. A threading.Lock does not know who holds it;
concdemo reads the holder from the `with` block each thread is inside, and says
so (inferred). The main thread waits in join(). threads-ordered is the fix.
"""

import threading

from concdemo import probe

VARIANT = "threads"
CLAIMS = ["X7"]
EXPECT = "hang"
HANG_TIMEOUT = 1.5  # the deadlock is there within a few tenths of a second
TRACE = ["waits"]  # trace who holds and who waits for each lock (the wait-for graph)
EXPECT_DEADLOCK = {"kind": "lock-order", "cycle": ["T1", "T2"]}


def transfer(first, second, both_hold_one):
    with first:
        probe.event("took", lock="first")
        both_hold_one.wait()  # both now hold one lock each
        with second:  # held by the other thread, which waits for ours
            probe.event("took", lock="second")


if __name__ == "__main__":
    probe.start()
    lock_a = threading.Lock()
    lock_b = threading.Lock()
    both_hold_one = threading.Barrier(2)
    workers = [
        threading.Thread(target=transfer, args=(lock_a, lock_b, both_hold_one), name="T1"),
        threading.Thread(target=transfer, args=(lock_b, lock_a, both_hold_one), name="T2"),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    probe.event("done")
