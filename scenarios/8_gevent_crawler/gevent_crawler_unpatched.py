"""gevent without monkey.patch_all(): the same spawn + joinall gains nothing.

The greenlets were spawned and joined exactly as in the gevent variant, but
urllib used the standard, blocking socket. The first greenlet's request
blocked the whole thread until its answer came, so gevent never got a chance
to switch: the fetches ran one after another (no overlap in the timeline) and
the total was the sum of the latencies, like the sequential crawler.
"""

import time

import _crawl
import gevent

from concdemo import probe

VARIANT = "unpatched"
CLAIMS = ["GE7", "GE2"]
EXPECT = "ok"

if __name__ == "__main__":
    params = probe.start()
    with _crawl.site(params) as site:
        theory_s = site.theory("sum")
        start_time = time.time()
        with probe.phase("crawl", theory_s=theory_s):
            gevent.joinall([gevent.spawn(_crawl.get_page, url) for url in site.urls])
        run_time = time.time() - start_time
    probe.event("run time", seconds=round(run_time, 3))
    _crawl.check(site, run_time, theory_s, "no gain without the patch: total ≈ the sum",
                 expected_peak=1)
