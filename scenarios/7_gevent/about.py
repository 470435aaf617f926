"""gevent: greenlets that switch by themselves on I/O (gevent模块).

gevent runs greenlets on an event loop (libev on Linux): when a greenlet waits
for something gevent knows about (gevent.sleep, a patched socket), gevent
switches to another one. Blocking calls it does not know about (an unpatched
time.sleep, CPU work) still stop every greenlet on the thread. The article's
times (sleep 4 s and 2 s, joinall timeout 2 s) are multiplied by `scale`;
--param scale=1 restores them.
"""

NAME = "gevent"
TITLE = "gevent: cooperative sleep, monkey patching, joinall timeout, DNS, CPU-bound work"
VARIANTS = ["sleep", "monkey", "late-patch", "joinall-timeout", "dns", "cpu-bound"]
DEFAULTS = ["sleep"]
PARAMS = [
    {"name": "scale", "type": "float", "default": 0.1, "min": 0.001, "max": 10.0,
     "help": "multiplies the article's times (sleeps 4 s, 2 s; joinall timeout 2 s); 1 = as is"},
    {"name": "loops", "type": "int", "default": 4000000, "min": 1000, "max": 1000000000,
     "help": "loop iterations of CPU work per task in cpu-bound (one task per core)"},
]
