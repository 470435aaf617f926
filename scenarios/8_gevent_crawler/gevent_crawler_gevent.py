"""The article's crawler: patch_all, a greenlet per page, joinall: total ≈ the longest latency.

monkey.patch_all() ran first, so urllib's sockets are gevent's: when a
greenlet sends its request and waits, it yields to the event loop, which
starts the next greenlet's request. All the requests were out before the
first answer came back (the fetch bars overlap), so the total was about the
longest single latency instead of the sum. One thread did all of it; the
server (a separate process) answered the requests in parallel.
"""

# ruff: noqa: E402 - the patch has to run before the imports below
from gevent import monkey

monkey.patch_all()  # first thing: urllib, socket and time below must be the patched ones

import time

import _crawl
import gevent

from concdemo import probe

VARIANT = "gevent"
CLAIMS = ["GE7"]
EXPECT = "ok"

if __name__ == "__main__":
    params = probe.start()
    with _crawl.site(params) as site:  # the server runs in a process of its own
        theory_s = site.theory("max")
        start_time = time.time()
        with probe.phase("crawl", theory_s=theory_s):
            gevent.joinall([gevent.spawn(_crawl.get_page, url) for url in site.urls])
        run_time = time.time() - start_time
    probe.event("run time", seconds=round(run_time, 3))
    _crawl.check(site, run_time, theory_s, "total ≈ the longest latency, not the sum",
                 expected_peak=len(site.urls))
