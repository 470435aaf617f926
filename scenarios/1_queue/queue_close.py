"""close() means "no more data from this process"; it sends the consumer no end-of-data signal.

The producer puts one bun, closes its queue and exits. The consumer (the
parent) gets the bun, then asks for another: nothing tells it the producer has
gone, so get() keeps waiting until its timeout and raises queue.Empty (without
a timeout it would wait forever). Closing is not a message: to say "no more",
put a sentinel such as None. Finally the parent closes its own handle too, and
put() after close() raises ValueError.
"""

import multiprocessing
import queue
import time

from concdemo import probe

VARIANT = "close"
CLAIMS = ["Q7"]
EXPECT = "ok"


def producer(q):
    q.put("bun")
    q.close()  # no more data from this process; the feeder thread still flushes "bun"
    probe.event("close", by="producer")
    q.join_thread()  # wait until "bun" is really in the pipe, then exit


if __name__ == "__main__":
    params = probe.start()
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=producer, args=(q,))
    p.start()
    probe.event("get", item=q.get())
    p.join()  # the producer has closed its queue and exited
    probe.event("producer gone", exitcode=p.exitcode)

    start = time.monotonic()
    claim = "get() kept waiting after the producer closed, until its timeout"
    with probe.raises(queue.Empty, claim):
        q.get(timeout=params.timeout)
    waited = time.monotonic() - start
    probe.check("close() did not end the wait early", waited >= 0.9 * params.timeout,
                waited_s=round(waited, 3))

    q.close()
    probe.event("close", by="parent")
    with probe.raises(ValueError, "put() after close() raises ValueError: Queue is closed"):
        q.put("another bun")
