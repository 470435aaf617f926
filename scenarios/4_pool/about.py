"""multiprocessing.Pool: a fixed set of worker processes (进程池).

Open about as many processes as there are cores: more only adds switching
cost. A pool keeps that many workers alive and hands them tasks; when every
worker is busy, a task waits for the next free one. apply() runs one task at a
time and waits for it; apply_async() hands the task over and returns an
AsyncResult at once, so the workers run side by side. Beyond the article, the
executor-submit and executor-map variants run the same workload on
concurrent.futures.ProcessPoolExecutor.
"""

NAME = "pool"
TITLE = "Pool: apply vs apply_async, close/join, AsyncResult, callbacks, terminate, core count; ProcessPoolExecutor"
VARIANTS = [
    "apply",
    "apply_async",
    "join-before-close",
    "async-result",
    "callback",
    "terminate",
    "cpu-sweep",
    "executor-submit",
    "executor-map",
]
DEFAULTS = ["apply", "apply_async"]
PARAMS = [
    {"name": "tasks", "type": "int", "default": 47, "min": 1, "max": 100000,
     "help": "tasks handed to the pool (the article uses 47)"},
    {"name": "workers", "type": "int", "default": 5, "min": 1, "max": 256,
     "help": "worker processes in the pool (the article uses 5)"},
    {"name": "delay", "type": "float", "default": 0.1, "min": 0.0, "max": 60.0,
     "help": "seconds each task sleeps (the article uses 1.0)"},
]
