"""multiprocessing.Queue: passing messages between processes (进程队列).

A process queue is made by the multiprocessing module, not the thread-safe
queue module. Every process that re-imports the main script gets its own copy
of the module-level names, so where the queue is created decides who can reach
it. put() and get() block, optionally with a timeout; empty(), full() and
qsize() are only snapshots; close() and the queue's feeder thread decide when a
process may exit.
"""

NAME = "queue"
TITLE = "Queue: where to create it, timeouts, stale sizes, close() and the join deadlock"
VARIANTS = [
    "global-queue",
    "main-guard-queue",
    "passed-queue",
    "put-timeout",
    "get-timeout",
    "stale-size",
    "close",
    "join-deadlock",
]
DEFAULTS = ["passed-queue"]
PARAMS = [
    {"name": "timeout", "type": "float", "default": 0.2, "min": 0.01, "max": 10.0,
     "help": "seconds put()/get() wait before giving up (put-timeout, get-timeout, close)"},
    {"name": "fixed", "type": "bool", "default": False,
     "help": "join-deadlock: get() before join() (the fix) instead of join() before get()"},
]
