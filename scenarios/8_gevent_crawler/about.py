"""gevent crawler: many slow page fetches, one after another or all at once (爬虫示例).

The article's crawler spawns one greenlet per page and joinall()s them, after
monkey.patch_all(), so that while one request waits for its answer the others
go out. Here the pages come from a real HTTP server the scenario starts on
127.0.0.1 (each page answers after `latency` seconds), so the result does not
depend on the internet: sequential and unpatched gevent take the sum of the
latencies, patched gevent about the longest one, a thread pool about as long
as its rounds of workers. Beyond the article, the asyncio variant does the
same crawl with async/await and an asyncio HTTP client (aiohttp): about the
longest latency too, without patching anything. Pass --param url=... (repeatable) to fetch real pages
instead.
"""

NAME = "gevent-crawler"
TITLE = "gevent crawler: sequential vs gevent (patched, unpatched) vs threads vs asyncio, local HTTP server"
VARIANTS = ["sequential", "gevent", "unpatched", "threads", "asyncio"]
DEFAULTS = ["sequential", "gevent"]
PARAMS = [
    {"name": "pages", "type": "int", "default": 10, "min": 1, "max": 1000,
     "help": "pages the local server offers and the crawler fetches"},
    {"name": "latency", "type": "float", "default": 0.2, "min": 0.0, "max": 30.0,
     "help": "seconds the local server waits before answering each page"},
    {"name": "jitter", "type": "float", "default": 0.0, "min": 0.0, "max": 30.0,
     "help": "extra random wait per page, up to this many seconds (same pages every run)"},
    {"name": "fail-rate", "type": "float", "default": 0.0, "min": 0.0, "max": 1.0,
     "help": "share of pages the local server answers with 500 (same pages every run)"},
    {"name": "url", "type": "str", "default": [], "repeatable": True, "check": "url",
     "help": "fetch this URL instead of the local server (repeat for several); uses the network"},
]
