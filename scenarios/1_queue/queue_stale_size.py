"""empty(), full() and qsize() are snapshots: by the time you act on one, it can be wrong.

Two consumers both ask empty() about a queue holding one bun and both hear
False; both then call get(). One gets the bun, the other waits out its timeout
and finds nothing: a check-then-act that went stale between the check and the
act (a barrier makes both look before either acts, the interleaving that
otherwise happens only now and then). Even in one process the answers can
disagree: right after put(), qsize() already counts the item while empty() may
still say True, because a background feeder thread writes it into the pipe a
moment later. qsize() is not implemented at all on macOS (NotImplementedError).
"""

import multiprocessing
import queue
import time

from concdemo import probe

VARIANT = "stale-size"
CLAIMS = ["Q6"]
EXPECT = "ok"


def qsize_or_none(q):
    try:
        return q.qsize()
    except NotImplementedError:  # macOS has no sem_getvalue()
        return None


def consumer(q, barrier, results, timeout):
    barrier.wait()  # both consumers look at the queue together...
    looks_empty = q.empty()
    probe.event("empty()", answer=looks_empty)
    barrier.wait()  # ...and both act on what they saw only after both have looked
    if looks_empty:
        results.put("saw it empty")
        return
    try:
        item = q.get(timeout=timeout)
        probe.event("get", item=item)
        results.put("got the bun")
    except queue.Empty:
        probe.event("stale", what="empty() said False, but the bun was already gone")
        results.put("stale")


if __name__ == "__main__":
    params = probe.start()
    q = multiprocessing.Queue()
    q.put("bun")
    # Same process, same instant, two answers: qsize() counts the put at once,
    # empty() looks at the pipe, which the feeder thread may not have written yet.
    probe.event("right after put()", qsize=qsize_or_none(q), empty=q.empty())
    deadline = time.monotonic() + 5
    while q.empty() and time.monotonic() < deadline:
        time.sleep(0.001)  # wait until the bun is really in the pipe
    probe.event("a moment later", qsize=qsize_or_none(q), empty=q.empty())

    barrier = multiprocessing.Barrier(2)
    results = multiprocessing.Queue()
    consumers = [
        multiprocessing.Process(target=consumer, args=(q, barrier, results, params.timeout))
        for _ in range(2)
    ]
    for p in consumers:
        p.start()
    seen = sorted(results.get(timeout=30) for _ in consumers)
    for p in consumers:
        p.join()
    probe.check("both consumers heard empty() == False", "saw it empty" not in seen, seen=seen)
    probe.check("only one of them got the bun; the other's check had gone stale",
                seen == ["got the bun", "stale"], seen=seen)
