"""put() on a full Queue(1): raises queue.Full after the timeout, or at once without blocking.

The queue holds one item, so the second put() has nowhere to go. With
block=True and a timeout it waits that long and then raises queue.Full (the
article writes Queue.Full; the exception lives in the standard queue module).
With block=False, or put_nowait(), it raises at once. Last, a consumer process
takes the first item while the parent is blocked in put(): the put goes
through as soon as there is room, without waiting out its timeout.
"""

import multiprocessing
import queue
import time

from concdemo import probe

VARIANT = "put-timeout"
CLAIMS = ["Q4"]
EXPECT = "ok"

CONSUMER_PAUSE_S = 0.3  # how long the consumer waits before it makes room


def consumer(q):
    time.sleep(CONSUMER_PAUSE_S)
    item = q.get()
    probe.event("get", item=item)


if __name__ == "__main__":
    params = probe.start()
    q = multiprocessing.Queue(1)  # room for one item
    q.put("bun 1")
    probe.event("put", item="bun 1", full=q.full())

    start = time.monotonic()
    claim = f"put(timeout={params.timeout}) on a full queue raises queue.Full"
    with probe.raises(queue.Full, claim):
        q.put("bun 2", block=True, timeout=params.timeout)
    waited = time.monotonic() - start
    on_time = 0.9 * params.timeout <= waited < params.timeout + 1.0
    probe.check(f"it gave up after about {params.timeout} s", on_time, waited_s=round(waited, 3))

    start = time.monotonic()
    with probe.raises(queue.Full, "put(block=False) raises queue.Full at once"):
        q.put("bun 2", block=False)
    with probe.raises(queue.Full, "put_nowait() raises queue.Full at once"):
        q.put_nowait("bun 2")
    waited = time.monotonic() - start
    probe.check("neither of them waited", waited < 0.1, waited_s=round(waited, 3))

    p = multiprocessing.Process(target=consumer, args=(q,))
    p.start()
    start = time.monotonic()
    q.put("bun 2", timeout=CONSUMER_PAUSE_S + 10)  # blocks until the consumer makes room
    waited = time.monotonic() - start
    probe.event("put", item="bun 2", waited_s=round(waited, 3))
    probe.check("a blocked put() went through as soon as the consumer made room",
                waited < CONSUMER_PAUSE_S + 5, waited_s=round(waited, 3))
    p.join()
