"""Event loop: libev's backends, LIBEV_FLAGS, idle descriptors and FD_SETSIZE (事件循环, epoll).

gevent's hub runs a libev loop that waits for I/O with one of the operating
system's polling calls: select, poll or epoll on Linux. The article picks one
with LIBEV_FLAGS=1/2/4/8; today's gevent ignores that variable, and
GEVENT_BACKEND (or gevent.config.libev_backend) is what works. The article's
case for epoll is shown with real sockets: select and poll get slower with
every idle descriptor they watch, epoll does not, and select cannot even take a
descriptor numbered 1024 or more.
"""

NAME = "event-loop"
TITLE = "event loop: backends and LIBEV_FLAGS, idle descriptors per backend, FD_SETSIZE"
VARIANTS = ["backends", "idle-fds", "fd-setsize"]
DEFAULTS = ["backends"]
PARAMS = [
    {"name": "idle", "type": "int", "default": 5000, "min": 100, "max": 100000,
     "help": "most idle descriptors watched in idle-fds (the sweep is 10, 100, 1000, ..., idle)"},
]
