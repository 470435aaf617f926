"""What the crawler variants share: the article's get_page, the site to crawl, the checks.

Imported after monkey.patch_all() in the gevent variant, so urllib, socket and
subprocess here are gevent's there and the standard ones everywhere else.
"""

import contextlib
import heapq
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from _server import local_site, planned_delays, planned_failures

from concdemo import probe

fetches = []  # (started, ended, status) of every fetch, for the checks


def get_page(url):
    """The article's get_page: GET the URL and report the bytes received."""
    started = time.perf_counter()
    with probe.span("fetch", url=url) as s:  # the article prints 'GET: <url>'
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                status, size = response.status, len(response.read())
        except urllib.error.HTTPError as exc:  # an answer such as 500: an event, not a crash
            status, size = exc.code, 0
        except (OSError, ValueError) as exc:  # no answer: refused, timed out, not a URL
            status, size = None, 0
            s.note(error=f"{type(exc).__name__}: {exc}")
        s.note(status=status, bytes=size)  # the article: '%d bytes received from %s'
    fetches.append((started, time.perf_counter(), status))
    return status


@dataclass
class Site:
    urls: list
    delays: list | None = None  # the local server's delay per page; None for real URLs
    failures: set = field(default_factory=set)  # page numbers answered with 500

    @property
    def local(self):
        return self.delays is not None

    def theory(self, how, workers=1):
        """Expected total: 'sum' one by one, 'max' all at once, 'pool' with `workers` threads."""
        if not self.local:
            return None
        if how == "sum":
            return sum(self.delays)
        if how == "max":
            return max(self.delays)
        free_at = [0.0] * workers  # each idle worker takes the next page, in order
        for delay in self.delays:
            heapq.heappush(free_at, heapq.heappop(free_at) + delay)
        return max(free_at)


@contextlib.contextmanager
def site(params):
    """The local server (stopped on every path out), or the real URLs given with url=."""
    if params.url:
        probe.event("site", urls=list(params.url), note="real URLs: timing depends on the network")
        yield Site(list(params.url))
        return
    delays = planned_delays(params.pages, params.latency, params.jitter)
    failures = planned_failures(params.pages, params.fail_rate)
    with local_site(params.pages, params.latency, params.jitter, params.fail_rate) as urls:
        probe.event("site", pages=len(urls), sum_s=round(sum(delays), 3),
                    max_s=round(max(delays), 3), failing_pages=sorted(failures))
        yield Site(urls, delays, failures)


def peak_in_flight():
    """The most fetches that were under way at the same moment."""
    edges = sorted([(start, 1) for start, _, _ in fetches] + [(end, -1) for _, end, _ in fetches])
    running = peak = 0
    for _, step in edges:
        running += step
        peak = max(peak, running)
    return peak


def check(crawl, elapsed, theory_s, what, expected_peak):
    """Every page answered as planned, as many in flight as expected, total ≈ theory."""
    statuses = [status for _, _, status in fetches]
    probe.event("done", fetched=len(fetches), ok=statuses.count(200),
                failed=len(statuses) - statuses.count(200), peak_in_flight=peak_in_flight())
    if not crawl.local:
        probe.check("every URL was fetched or its failure reported",
                    len(fetches) == len(crawl.urls))
        return
    planned = [500 if n in crawl.failures else 200 for n in range(1, len(crawl.urls) + 1)]
    probe.check("every page answered as planned (200, or 500 at fail-rate)",
                sorted(statuses) == sorted(planned))
    probe.check(f"{expected_peak} fetch(es) in flight at the peak",
                peak_in_flight() == expected_peak, peak=peak_in_flight())
    total = sum(crawl.delays)
    slack = 0.1 + 0.01 * len(crawl.urls)  # start-up and per-request overhead
    near = 0.95 * theory_s <= elapsed <= theory_s + 0.5 * (total - theory_s) + slack
    probe.check(what, near, elapsed_s=round(elapsed, 3), theory_s=round(theory_s, 3),
                sum_s=round(total, 3), max_s=round(max(crawl.delays), 3))
