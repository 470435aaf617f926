"""get() on an empty Queue: raises queue.Empty after the timeout, or at once without blocking.

Nothing has been put yet, so get(timeout=...) waits that long and raises
queue.Empty; get(block=False) and get_nowait() raise it at once. Then a
producer process puts a bun while the parent is blocked in get(): the get
returns as soon as the item arrives, long before its timeout.
"""

import multiprocessing
import queue
import time

from concdemo import probe

VARIANT = "get-timeout"
CLAIMS = ["Q5"]
EXPECT = "ok"

PRODUCER_PAUSE_S = 0.3  # how long the producer waits before it puts


def producer(q):
    time.sleep(PRODUCER_PAUSE_S)
    q.put("bun")
    probe.event("put", item="bun")


if __name__ == "__main__":
    params = probe.start()
    q = multiprocessing.Queue()

    start = time.monotonic()
    claim = f"get(timeout={params.timeout}) on an empty queue raises queue.Empty"
    with probe.raises(queue.Empty, claim):
        q.get(block=True, timeout=params.timeout)
    waited = time.monotonic() - start
    on_time = 0.9 * params.timeout <= waited < params.timeout + 1.0
    probe.check(f"it gave up after about {params.timeout} s", on_time, waited_s=round(waited, 3))

    start = time.monotonic()
    with probe.raises(queue.Empty, "get(block=False) raises queue.Empty at once"):
        q.get(block=False)
    with probe.raises(queue.Empty, "get_nowait() raises queue.Empty at once"):
        q.get_nowait()
    waited = time.monotonic() - start
    probe.check("neither of them waited", waited < 0.1, waited_s=round(waited, 3))

    p = multiprocessing.Process(target=producer, args=(q,))
    p.start()
    start = time.monotonic()
    item = q.get(timeout=PRODUCER_PAUSE_S + 10)  # blocks until the producer puts
    waited = time.monotonic() - start
    probe.event("get", item=item, waited_s=round(waited, 3))
    probe.check("a blocked get() returned as soon as the item arrived",
                item == "bun" and waited < PRODUCER_PAUSE_S + 5, waited_s=round(waited, 3))
    p.join()
