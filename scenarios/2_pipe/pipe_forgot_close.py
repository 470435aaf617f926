"""Forget to close the unused pipe ends and the consumer hangs in recv() forever.

The same bun example without the close() calls. The producer finished, but the
consumer still held its own copy of the sending end, so the pipe was never
closed everywhere and recv() kept waiting for a message that could only come
from itself. The main process waited in join() for the consumer. concdemo
stopped the run after the hang timeout and asked each process where it was.
"""

from multiprocessing import Pipe, Process

from concdemo import probe

VARIANT = "forgot-close"
CLAIMS = ["P6"]
EXPECT = "hang"
TRACE = ["waits"]  # trace who still holds the sending end: the graph names the pitfall
EXPECT_DEADLOCK = {"kind": "pipe-not-closed", "cycle": ["MainProcess", "Process-1"]}


def consumer(p, name):
    left, right = p
    # left.close() is missing: this process keeps the sending end open
    while True:
        try:
            baozi = right.recv()
            probe.event("recv", msg=f"{name} 收到包子:{baozi}")
        except EOFError:
            probe.event("EOFError")
            break


def producer(seq, p):
    left, right = p
    for i in seq:
        probe.event("send", baozi=i)
        left.send(i)


if __name__ == "__main__":
    params = probe.start()
    left, right = Pipe()
    c1 = Process(target=consumer, args=((left, right), "c1"))
    c1.start()
    seq = (i for i in range(params.items))
    producer(seq, (left, right))
    probe.event("join", waiting_for="c1")
    c1.join()
    probe.event("done", msg="主进程")
