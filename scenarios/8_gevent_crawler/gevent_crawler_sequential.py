"""Fetching pages one after another: the total is the sum of every page's latency.

The crawler asked for one page, waited for the whole answer, then asked for
the next. Each fetch bar in the timeline starts where the previous one ended,
and the total is the sum of the latencies (plus a little per request). This is
the baseline the article's gevent crawler beats: the waiting is the slow part,
and here nothing else happens while we wait.
"""

import time

import _crawl

from concdemo import probe

VARIANT = "sequential"
CLAIMS = ["GE7"]
EXPECT = "ok"

if __name__ == "__main__":
    params = probe.start()
    with _crawl.site(params) as site:
        theory_s = site.theory("sum")
        start_time = time.time()
        with probe.phase("crawl", theory_s=theory_s):
            for url in site.urls:
                _crawl.get_page(url)
        run_time = time.time() - start_time
    probe.event("run time", seconds=round(run_time, 3))
    _crawl.check(site, run_time, theory_s, "total ≈ the sum of the latencies", expected_peak=1)
