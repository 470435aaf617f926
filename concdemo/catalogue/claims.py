"""The article's claims, one line each (the ids of seed-claims.md), then the ones beyond it.

Claims whose id starts with X are not the article's: they carry its story on to
asyncio, async/await, concurrent.futures and Dask (issue 12), and every view
that shows a claim marks them "beyond the article".
"""

from __future__ import annotations

BEYOND_ARTICLE_PREFIX = "X"

CLAIMS: dict[str, str] = {
    "Q1": "A module-level Queue in the main script is not the child's queue: get() blocks forever.",
    "Q2": "A Queue made under `if __name__ == '__main__'` is unknown to the child: NameError.",
    "Q3": "Pass the queue to the child as an argument and it works.",
    "Q4": "put(timeout=t) on a full queue raises Full after t; put_nowait() raises at once.",
    "Q5": "get(timeout=t) on an empty queue raises Empty after t; get_nowait() at once.",
    "Q6": "empty(), full() and qsize() are unreliable.",
    "Q7": "close() stops this process sending; it does not signal the consumer.",
    "Q8": "A process waits at exit for its queue's feeder thread (join_thread).",
    "P1": "Pipe() is full duplex: both ends send and receive.",
    "P2": "Pipe(False): the first end only receives, the second only sends.",
    "P3": "recv() blocks, and raises EOFError when the other end is closed and nothing is left.",
    "P4": "send() and recv() pickle objects.",
    "P5": "Producer/consumer: each side closes the end it does not use; consumer gets EOFError.",
    "P6": "Forget to close the unused ends and the consumer hangs in recv().",
    "P7": "recv_bytes(maxlength) on a longer message raises, and the connection is unusable after.",
    "P8": "recv_bytes_into(buf) with too small a buffer raises BufferTooShort.",
    "P9": "poll(timeout) says whether data is ready; poll(None) waits forever.",
    "M1": "Manager().list() is shared: children append i**i to [11, 22, 33].",
    "M2": "Manager().dict() is shared: children set d[i] = 'a'.",
    "M3": "The children must be joined (before the manager goes), or they fail.",
    "M4": "Avoid shared data where you can.",
    "PL1": "Pool.apply is synchronous: tasks run one after another.",
    "PL2": "Pool.apply_async runs tasks concurrently.",
    "PL3": "Pool.join() only after close() or terminate().",
    "PL4": "AsyncResult.get(timeout) raises on timeout and re-raises the worker's exception.",
    "PL5": "AsyncResult has ready(), successful() and wait(timeout).",
    "PL6": "A callback must not block, or it holds up the other results.",
    "PL7": "terminate() stops the workers at once.",
    "PL8": "Open about as many processes as cores; more only adds switching cost.",
    "Y1": "A generator is a coroutine: next() primes it, send() resumes it, close() ends it.",
    "C1": "Coroutines run on one thread and cannot use several cores.",
    "C2": "A blocking call in one coroutine blocks the whole thread.",
    "G1": "greenlet.switch() hands control over explicitly.",
    "G2": "Arguments are passed on the first switch only.",
    "G3": "greenlet alone saves no time: it does not switch on I/O.",
    "GE1": "gevent.sleep is cooperative: other greenlets run meanwhile.",
    "GE2": "time.sleep and sockets cooperate only after monkey.patch_all().",
    "GE3": "The patch must come before the modules it patches are imported.",
    "GE4": "gevent.spawn(fn, *args, **kwargs) passes arguments to fn.",
    "GE5": "joinall(jobs, timeout=...) waits at most timeout; results are in job.value.",
    "GE6": "gevent.socket.gethostbyname does not block other greenlets.",
    "GE7": "A crawler with spawn + joinall fetches pages concurrently.",
    "GE8": "LIBEV_FLAGS=1/2/4/8 picks select/poll/epoll/kqueue.",
    "GE9": "epoll's cost does not grow with idle descriptors; select is limited by FD_SETSIZE.",
    # Beyond the article: concdemo's own claims (X5 and X6 are the cluster scenario's, X7
    # the deadlock scenario's).
    "X1": "An asyncio crawler (a task per page, an async HTTP client) takes about the longest "
    "latency, like patched gevent.",
    "X2": "async def / await with an asyncio.Queue: producer and consumer still take strict turns.",
    "X3": "ProcessPoolExecutor.submit runs the tasks concurrently, in about apply_async's time.",
    "X4": "executor.map(chunksize=c) hands out c tasks at a time: chunks coarser than "
    "tasks / workers leave workers idle.",
    "X5": "Dask's per-task overhead is bounded (≤ 0.1 s a no-op task, the default task's "
    "length), though well above Pool.apply_async's.",
    "X6": "Dask spreads the tasks over all its workers, one per worker thread at a time: "
    "about ceil(tasks / workers) × delay.",
    "X7": "Two locks taken in opposite order deadlock, with processes as with threads; taking "
    "them in one order everywhere is the fix.",
}


def beyond_article(claim_id: str) -> bool:
    """True for the claims concdemo adds to the article's own (ids X1, X2, ...)."""
    return claim_id.startswith(BEYOND_ARTICLE_PREFIX)


def claim_text(claim_id: str, lang: str) -> str:
    """A claim in ``lang`` (English without a current translation); '' for an unknown id."""
    from concdemo.i18n import core as i18n_core  # reads its translation file only when not English

    return i18n_core.text(f"claim/{claim_id}", CLAIMS.get(claim_id, ""), lang)
