"""Two processes take two Locks in opposite order, and each waits for the other forever.

Process-1 takes lock_a then wants lock_b; Process-2 takes lock_b then wants
lock_a. A barrier makes sure both hold their first lock before either asks for
its second, so the deadlock happens every time instead of now and then. Neither
lock is ever released, and the parent waits in join(). concdemo stops the run
after the hang timeout and names the cycle; processes-ordered is the fix.
"""

import multiprocessing

from concdemo import probe

VARIANT = "processes"
CLAIMS = ["X7"]
EXPECT = "hang"
HANG_TIMEOUT = 1.5  # the deadlock is there within a few tenths of a second
TRACE = ["waits"]  # trace who holds and who waits for each lock (the wait-for graph)
EXPECT_DEADLOCK = {"kind": "lock-order", "cycle": ["Process-1", "Process-2"]}


def transfer(first, second, both_hold_one):
    with first:
        probe.event("took", lock="first")
        both_hold_one.wait()  # both now hold one lock each
        with second:  # held by the other process, which waits for ours
            probe.event("took", lock="second")


if __name__ == "__main__":
    probe.start()
    lock_a = multiprocessing.Lock()
    lock_b = multiprocessing.Lock()
    both_hold_one = multiprocessing.Barrier(2)
    workers = [
        multiprocessing.Process(target=transfer, args=(lock_a, lock_b, both_hold_one)),
        multiprocessing.Process(target=transfer, args=(lock_b, lock_a, both_hold_one)),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    probe.event("done")
