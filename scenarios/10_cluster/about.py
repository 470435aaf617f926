"""Dask distributed: the Pool workload on a cluster (beyond the article).

When one machine is not enough, a Python user reaches for Dask: a scheduler
hands tasks to worker processes that may live on other machines. Here the
article's Pool workload (tasks × delay over workers) runs on a Dask cluster:
by default an embedded LocalCluster (worker processes, one thread each)
started and closed by the scenario; --param scheduler=tcp://HOST:PORT uses a
running cluster, whose workers' events come home through Dask's own event log.
Each task costs more than a Pool task, and the run measures by how much.
"""

NAME = "cluster"
TITLE = "Dask cluster: the Pool workload on LocalCluster or a running scheduler (beyond the article)"
VARIANTS = ["dask-submit", "dask-map"]
DEFAULTS = ["dask-submit", "dask-map"]
# An optional extra: `pip install 'concdemo[cluster]'` installs these modules.
REQUIRES = "cluster"
REQUIRES_MODULES = ["distributed"]
PARAMS = [
    {"name": "tasks", "type": "int", "default": 47, "min": 1, "max": 100000,
     "help": "tasks handed to the cluster (the article's Pool uses 47)"},
    {"name": "workers", "type": "int", "default": 5, "min": 1, "max": 256,
     "help": "worker processes of the LocalCluster; with scheduler=, the workers to wait for"},
    {"name": "delay", "type": "float", "default": 0.1, "min": 0.0, "max": 60.0,
     "help": "seconds each task sleeps (the article uses 1.0)"},
    {"name": "scheduler", "type": "str", "default": "none",
     "pattern": r"none|tcp://[A-Za-z0-9_.\-]+:[0-9]{1,5}", "pattern_help": "none or tcp://HOST:PORT",
     "help": "none: an embedded LocalCluster; tcp://HOST:PORT: a running Dask scheduler"},
]
