"""join() a child before get()ting its big item, and both wait for each other forever.

A process that has put items on a queue does not exit until its feeder thread
has written them all into the pipe (join_thread() runs at exit). The child's
1 MiB item is far bigger than the pipe's buffer, so the feeder writes part of
it and then waits for a reader. The parent is that reader, but it is stuck in
p.join() waiting for the child to exit: a deadlock, shown as a hang. The fix
is to get() first and join() after; run again with --param fixed=true to see
it end normally. (cancel_join_thread() would also let the child exit, by
throwing away whatever the feeder had not yet written.)
"""

import multiprocessing

from concdemo import probe

VARIANT = "join-deadlock"
CLAIMS = ["Q8"]
EXPECT = "hang"
EXPECT_WITH = [("fixed", True, "ok")]  # --param fixed=true runs the fix
TRACE = ["waits"]  # trace who waits for whom: the wait-for graph names the cycle
EXPECT_DEADLOCK = {"kind": "queue-join", "cycle": ["MainProcess", "Process-1", "Process-1/QueueFeederThread"]}

ITEM_BYTES = 1 << 20  # 1 MiB, much more than a pipe holds (64 KiB on Linux)


def child(q):
    q.put(b"x" * ITEM_BYTES)
    probe.event("put", bytes=ITEM_BYTES)
    # Returning here is not the end: at exit this process waits for its feeder thread.


if __name__ == "__main__":
    params = probe.start()
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=child, args=(q,))
    p.start()
    if params.fixed:
        item = q.get()  # empty the pipe first...
        probe.event("get", bytes=len(item))
        p.join()  # ...so the child's feeder can finish and the child can exit
        probe.event("join", exitcode=p.exitcode)
    else:
        p.join()  # waits for the child, which waits for someone to read the pipe
        probe.event("join", exitcode=p.exitcode)
        item = q.get()
        probe.event("get", bytes=len(item))
    probe.check("the parent received the whole item", len(item) == ITEM_BYTES)
