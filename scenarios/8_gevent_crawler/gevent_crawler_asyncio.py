"""The same crawl with asyncio and aiohttp: a task per page, gather(): total ≈ the longest latency.

Beyond the article: asyncio is today's standard-library answer to the same
problem. Each page got a task of its own (a lane in the timeline, like a
greenlet's); `await session.get(url)` handed control back to the event loop
while the request waited, so every request was out before the first answer
came back. No monkey patching: the waiting is explicit in every `await`, and
the HTTP client (aiohttp) is written for asyncio. One thread did all of it,
and the total was about the longest latency, like patched gevent.
"""

import asyncio
import time

import _crawl
import aiohttp

from concdemo import probe

VARIANT = "asyncio"
CLAIMS = ["X1"]
EXPECT = "ok"
TRACE = ["asyncio"]  # a lane per task, its awaits: the tracer's, with no probe code


async def get_page(session, url):
    """The article's get_page, with await where gevent needed the patch."""
    started = time.perf_counter()
    # In the task's own lane (the tracer's): what the awaits inside aiohttp cannot
    # say, the page, its status and size.
    with probe.span("fetch", url=url) as s:
        try:
            async with session.get(url) as response:
                status, size = response.status, len(await response.read())
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:  # no answer at all
            status, size = None, 0
            s.note(error=f"{type(exc).__name__}: {exc}")
        s.note(status=status, bytes=size)
    _crawl.fetches.append((started, time.perf_counter(), status))
    return status


async def crawl(session, urls):
    tasks = [asyncio.create_task(get_page(session, url), name=f"fetch-{n}")
             for n, url in enumerate(urls, 1)]
    return await asyncio.gather(*tasks)


async def main(params):
    # limit=0: no connection limit, every page may be in flight at once, as with gevent.
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        with _crawl.site(params) as site:  # the server runs in a process of its own
            if site.local:
                # The client sets itself up on its first request; one request for the
                # site's root (a quick 404) does that before the clock starts, as urllib
                # is ready before the other variants' crawls.
                async with session.get(site.urls[0].partition("/page/")[0] + "/") as r:
                    await r.read()
            theory_s = site.theory("max")
            start_time = time.time()
            with probe.phase("crawl", theory_s=theory_s):
                await crawl(session, site.urls)
            run_time = time.time() - start_time
    probe.event("run time", seconds=round(run_time, 3))
    _crawl.check(site, run_time, theory_s, "total ≈ the longest latency, not the sum",
                 expected_peak=len(site.urls))


if __name__ == "__main__":
    asyncio.run(main(probe.start()))
