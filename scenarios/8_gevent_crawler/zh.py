"""Chinese (zh) for the gevent-crawler scenario: per text, a hash of its English source, then the translation.

See scenarios/README.md (translations); after changing an English text,
update its Chinese, then `python scripts/i18n_hashes.py gevent-crawler KEY --write`.
"""

TEXTS = {
    "title": ("ebc943cc", "gevent 爬虫：顺序抓取 vs gevent（打补丁/未打补丁）vs 线程 vs asyncio，本地 HTTP 服务器"),
    "summary": ("de6b8b02", "文章的爬虫先调用 monkey.patch_all()，再为每个页面 spawn 一个 greenlet 并 joinall() 等待它们，这样一个请求在等待回应时，其他请求可以发出去。这里的页面来自本场景在 127.0.0.1 上启动的真实 HTTP 服务器（每个页面在 `latency` 秒后才回应），所以结果与互联网无关：顺序抓取和未打补丁的 gevent 耗时为各延迟之和，打了补丁的 gevent 约为最长的那一个延迟，线程池则约为它分几轮完成所需的延迟。文章之外，asyncio 变体用 async/await 和一个 asyncio 的 HTTP 客户端（aiohttp）做同样的抓取：耗时同样约为最长的那一个延迟，而且什么补丁都不用打。用 --param url=...（可重复）可以改为抓取真实的页面。"),
    "param/pages": ("2f408f37", "本地服务器提供、爬虫抓取的页面数"),
    "param/latency": ("e2689f26", "本地服务器回应每个页面之前等待的秒数"),
    "param/jitter": ("de7f2ff2", "每个页面额外的随机等待，最多这么多秒（每次运行都是同样的页面）"),
    "param/fail-rate": ("06f5dc54", "本地服务器以 500 回应的页面比例（每次运行都是同样的页面）"),
    "param/url": ("a9a203bc", "抓取这个 URL，而不是本地服务器（可重复以抓取多个）；会使用网络"),
    "variant/sequential/title": ("966323e9", "一个接一个地抓取页面：总耗时是每个页面的延迟之和。"),
    "variant/sequential/explanation": ("6e2207a4", "爬虫请求一个页面，等完整的回应到达，再请求下一个。时间线上每个 fetch 条都从前一个结束的地方开始，总耗时是各延迟之和（每个请求再加一点点）。这就是文章中的 gevent 爬虫要胜过的基准：慢的是等待，而这里在等待时什么别的事也没发生。"),
    "variant/gevent/title": ("af3986f2", "文章的爬虫：patch_all、每个页面一个 greenlet、joinall：总耗时 ≈ 最长的那个延迟。"),
    "variant/gevent/explanation": ("e118cffc", "monkey.patch_all() 最先执行，所以 urllib 用的 socket 是 gevent 的：一个 greenlet 发出请求并等待时，它让出给事件循环，事件循环开始下一个 greenlet 的请求。在第一个回应回来之前，所有请求都已发出（fetch 条相互重叠），所以总耗时约为单个最长的延迟，而不是总和。这一切都由一个线程完成；服务器（一个单独的进程）并行地回应这些请求。"),
    "variant/unpatched/title": ("79d8ebf9", "不调用 monkey.patch_all() 的 gevent：同样的 spawn + joinall 毫无收益。"),
    "variant/unpatched/explanation": ("cce66fc2", "这些 greenlet 的 spawn 和 join 与 gevent 变体完全一样，但 urllib 用的是标准的、阻塞的 socket。第一个 greenlet 的请求阻塞了整个线程，直到它的回应到来，gevent 根本没有机会切换：抓取一个接一个地进行（时间线上没有重叠），总耗时是各延迟之和，和顺序抓取的爬虫一样。"),
    "variant/threads/title": ("91407d03", "线程池也能并行抓取页面：总耗时是线程池的轮数乘以延迟。"),
    "variant/threads/explanation": ("131bcdb6", "每个工作线程取下一个页面，阻塞在它的请求里；在此期间操作系统切换到其他线程，所以最多同时有 THREADS 个抓取在进行。页面数不超过线程数时，总耗时约为最长的那个延迟，和 gevent 一样；页面更多时，线程池要分几轮完成（试试 --param pages=100）。线程不需要打补丁，但每个线程都要占用一个操作系统线程和它的栈，这就是为什么 gevent 可以让成千上万个请求同时等待，而线程池只能维持几十个。"),
    "variant/asyncio/title": ("d153917d", "用 asyncio 和 aiohttp 做同样的抓取：每个页面一个任务，gather()：总耗时 ≈ 最长的那个延迟。"),
    "variant/asyncio/explanation": ("9af76285", "文章之外：asyncio 是标准库如今对同一个问题的回答。每个页面有自己的任务（时间线上的一条泳道，就像一个 greenlet）；`await session.get(url)` 在请求等待时把控制权交还给事件循环，所以第一个回应回来之前，所有请求都已发出。不需要猴子补丁：每个 `await` 都明确写出了等待，HTTP 客户端（aiohttp）本来就是为 asyncio 写的。这一切都在一个线程上完成，总耗时约为最长的那一个延迟，和打了补丁的 gevent 一样。"),
    "tour": ("6987604b", "文章的爬虫，对着一个本地 web 服务器：同样的页面先一个接一个地抓取，再在 monkey.patch_all() 之后由 gevent 一次全部抓取。"),
    "check/every page answered as planned (200, or 500 at fail-rate)": ("bd892106", "每个页面都按计划回应（200，或按 fail-rate 回应 500）"),
    "check/{} fetch(es) in flight at the peak": ("9795f1c6", "高峰时有 {0} 个抓取同时进行"),
    "check/every URL was fetched or its failure reported": ("21212d4b", "每个 URL 要么抓取成功，要么报告了失败"),
    "check/total \u2248 the longest latency, not the sum": ("bbb396f1", "总耗时 ≈ 最长的那个延迟，而不是延迟之和"),
    "check/total \u2248 the sum of the latencies": ("eecca85e", "总耗时 ≈ 各延迟之和"),
    "check/total \u2248 the pool's rounds ({} threads)": ("5f73bdc4", "总耗时 ≈ 线程池分轮完成所需的延迟（{0} 个线程）"),
    "check/no gain without the patch: total \u2248 the sum": ("69942fb2", "不打补丁就没有收益：总耗时 ≈ 延迟之和"),
}
