"""A thread pool fetches pages in parallel too: the total is the pool's rounds of latency.

Each worker thread took the next page and blocked in its request; the
operating system switched to the other threads meanwhile, so up to THREADS
fetches were in flight at once. With no more pages than threads this is about
the longest latency, like gevent; with more pages the pool works in rounds
(try --param pages=100). Threads need no patching, but each one costs an OS
thread and its stack, which is why gevent can keep thousands of requests
waiting where a pool keeps dozens.
"""

import time
from concurrent.futures import ThreadPoolExecutor

import _crawl

from concdemo import probe

VARIANT = "threads"
CLAIMS = ["GE7"]
EXPECT = "ok"

THREADS = 20

if __name__ == "__main__":
    params = probe.start()
    with _crawl.site(params) as site:
        theory_s = site.theory("pool", workers=THREADS)
        probe.event("thread pool", threads=THREADS)
        start_time = time.time()
        with probe.phase("crawl", theory_s=theory_s), ThreadPoolExecutor(
            max_workers=THREADS, thread_name_prefix="fetcher"
        ) as pool:
            list(pool.map(_crawl.get_page, site.urls))
        run_time = time.time() - start_time
    probe.event("run time", seconds=round(run_time, 3))
    _crawl.check(site, run_time, theory_s, f"total ≈ the pool's rounds ({THREADS} threads)",
                 expected_peak=min(THREADS, len(site.urls)))
