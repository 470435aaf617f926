"""What each crawler variant showed, told from the run's facts (see concdemo.explain)."""

from concdemo.explain.template import Line, nearer

# Every variant: what came back, real URLs, failures.
ANSWERS = [
    Line("{done_ok} of the {done_fetched} fetches succeeded and {done_failed} failed; the first failure: {first_failure}.",
         "{done_fetched} 次抓取中有 {done_ok} 次成功，{done_failed} 次失败；第一个失败：{first_failure}。",
         when=lambda f: f.done_failed > 0),
    Line("These were real URLs ({url}), so the times depend on the network, not on a planned latency.",
         "这些是真实的 URL（{url}），所以耗时取决于网络，而不是预先设定的延时。",
         when=lambda f: bool(f.site_note)),  # the crawler said it used them
]

# When the total is not clearly nearer one figure than the other: the figures, no verdict.
TOTALS = [
    Line("The total was {phase_crawl_s:.2f} s; the longest single latency was {site_max_s:.2f} s and the sum {site_sum_s:.2f} s.",
         "总耗时 {phase_crawl_s:.2f} 秒；最长的单个延时是 {site_max_s:.2f} 秒，延时之和是 {site_sum_s:.2f} 秒。",
         when=lambda f: not (nearer(f.phase_crawl_s, f.expected_total, f.other_total))),
]

STORIES = {
    "sequential": [
        Line("The crawler asked for one page, waited for the whole answer, then asked for the next: {done_fetched} fetches, never more than {done_peak_in_flight} in flight, each bar starting where the previous one ended.",
             "爬虫请求一个页面，等完整的应答回来，再请求下一个：共 {done_fetched} 次抓取，同时在进行的从不超过 {done_peak_in_flight} 个，每个抓取条都从上一个结束的地方开始。",
             when=lambda f: f.done_peak_in_flight == 1),
        Line("The total, {phase_crawl_s:.2f} s, is near the sum of the latencies ({site_sum_s:.2f} s), not the longest one ({site_max_s:.2f} s): nothing else happened while a request waited.",
             "总耗时 {phase_crawl_s:.2f} 秒，接近各页面延时之和（{site_sum_s:.2f} 秒），而不是最长的单个延时（{site_max_s:.2f} 秒）：一个请求等待时，什么别的事都没有做。",
             when=lambda f: nearer(f.phase_crawl_s, f.site_sum_s, f.site_max_s)),
        *TOTALS,
        *ANSWERS,
    ],
    "gevent": [
        Line("monkey.patch_all() ran first, so a greenlet waiting for its answer yielded to the event loop, which sent the next request: {done_peak_in_flight} of the {done_fetched} requests were in flight at once (the fetch bars overlap).",
             "monkey.patch_all() 最先运行，所以等待应答的 greenlet 会让出控制权给事件循环，事件循环接着发出下一个请求：{done_fetched} 个请求中有 {done_peak_in_flight} 个同时在进行（抓取条互相重叠）。",
             when=lambda f: f.done_peak_in_flight > 1),
        Line("The total, {phase_crawl_s:.2f} s, is near the longest single latency ({site_max_s:.2f} s) instead of the sum ({site_sum_s:.2f} s), and one thread did all of it.",
             "总耗时 {phase_crawl_s:.2f} 秒，接近最长的单个延时（{site_max_s:.2f} 秒），而不是延时之和（{site_sum_s:.2f} 秒），而且这一切都是一个线程完成的。",
             when=lambda f: nearer(f.phase_crawl_s, f.site_max_s, f.site_sum_s)),
        *TOTALS,
        *ANSWERS,
    ],
    "unpatched": [
        Line("Without monkey.patch_all(), urllib's socket blocked the whole thread: every page had its own greenlet, yet never more than {done_peak_in_flight} of the {done_fetched} requests was in flight.",
             "没有 monkey.patch_all()，urllib 的 socket 阻塞了整个线程：每个页面都有自己的 greenlet，但 {done_fetched} 个请求中同时在进行的从不超过 {done_peak_in_flight} 个。",
             when=lambda f: f.done_peak_in_flight == 1),
        Line("So the total, {phase_crawl_s:.2f} s, is near the sum of the latencies ({site_sum_s:.2f} s), not the longest one ({site_max_s:.2f} s): gevent gained nothing.",
             "所以总耗时 {phase_crawl_s:.2f} 秒，接近各延时之和（{site_sum_s:.2f} 秒），而不是最长的单个延时（{site_max_s:.2f} 秒）：gevent 没有带来任何好处。",
             when=lambda f: nearer(f.phase_crawl_s, f.site_sum_s, f.site_max_s)),
        *TOTALS,
        *ANSWERS,
    ],
    "asyncio": [
        Line("Each page got an asyncio task of its own, and await session.get(url) handed control back to the event loop while its request waited, so {done_peak_in_flight} of the {done_fetched} requests were in flight at once (the fetch bars overlap). No monkey patching: every wait is an explicit await, and aiohttp is written for asyncio.",
             "每个页面都有自己的 asyncio 任务，await session.get(url) 在请求等待时把控制权交还给事件循环，所以 {done_fetched} 个请求中有 {done_peak_in_flight} 个同时在进行（抓取条互相重叠）。不需要 monkey patch：每一处等待都是显式的 await，而 aiohttp 本来就是为 asyncio 写的。",
             when=lambda f: f.done_peak_in_flight > 1),
        Line("The total, {phase_crawl_s:.2f} s, is near the longest single latency ({site_max_s:.2f} s) instead of the sum ({site_sum_s:.2f} s), as with patched gevent, and one thread did all of it.",
             "总耗时 {phase_crawl_s:.2f} 秒，接近最长的单个延时（{site_max_s:.2f} 秒），而不是延时之和（{site_sum_s:.2f} 秒），和打过补丁的 gevent 一样，而且这一切都是一个线程完成的。",
             when=lambda f: nearer(f.phase_crawl_s, f.site_max_s, f.site_sum_s)),
        *TOTALS,
        *ANSWERS,
    ],
    "threads": [
        Line("A pool of {thread_pool_threads} threads fetched the pages: while one thread blocked in its request the operating system ran the others, so {done_peak_in_flight} of the {done_fetched} fetches were in flight at once.",
             "一个有 {thread_pool_threads} 个线程的线程池抓取这些页面：一个线程阻塞在请求上时，操作系统运行其他线程，所以 {done_fetched} 次抓取中有 {done_peak_in_flight} 次同时在进行。"),
        Line("The total, {phase_crawl_s:.2f} s, is near the pool's rounds of latency ({phase_crawl_theory_s:.2f} s in theory), not the sum ({site_sum_s:.2f} s).",
             "总耗时 {phase_crawl_s:.2f} 秒，接近线程池按轮计算的延时（理论 {phase_crawl_theory_s:.2f} 秒），而不是延时之和（{site_sum_s:.2f} 秒）。",
             when=lambda f: nearer(f.phase_crawl_s, f.phase_crawl_theory_s, f.site_sum_s)),
        *TOTALS,
        Line("With {pages} pages for {thread_pool_threads} threads the pool worked in rounds, as a pool of processes does.",
             "{pages} 个页面对 {thread_pool_threads} 个线程，线程池要分几轮完成，就像进程池一样。",
             when=lambda f: f.pages > f.thread_pool_threads and not f.get("url")),
        *ANSWERS,
    ],
}

# A run that did not go as expected: how far it got.
INSTEAD = {name: [Line("{fetch_done} of the {fetch_started} fetches that started had finished when the run ended.",
                       "运行结束时，已开始的 {fetch_started} 次抓取中有 {fetch_done} 次已经完成。"),
                  ANSWERS[0]]
           for name in STORIES}


def extra_facts(result, facts):
    failures = []
    for event in result.events:
        if event.kind == "fetch-end" and event.detail.get("status") != 200:
            status = event.detail.get("status")
            failures.append(event.detail.get("error") or f"HTTP {status} from {event.detail.get('url')}")
    found = {"first_failure": failures[0] if failures else None}
    # Which figure this variant's total should be near, and the one it is contrasted with.
    theory, sum_s = facts.get("phase_crawl_theory_s"), facts.get("site_sum_s")
    if theory is not None and sum_s is not None:
        max_s = facts.get("site_max_s")
        is_sum = result.spec.variant.name in ("sequential", "unpatched")
        found["expected_total"] = theory
        found["other_total"] = max_s if is_sum else sum_s
    return found
