"""multiprocessing.Manager: data shared between processes (共享数据).

Queues and pipes pass messages; a Manager shares data. It starts a server
process that owns the real list or dict, and every other process holds a proxy
that sends each operation to the server. That is why the article says to join
the children before the manager goes away, and why it says to avoid shared
data where you can: every proxy operation is a round trip between processes,
and `proxy.value += 1` is two of them, with room for another process in between.
"""

NAME = "manager"
TITLE = "Manager: a shared list and dict, joining before shutdown, lost updates"
VARIANTS = ["list", "dict", "no-join", "race"]
DEFAULTS = ["list", "dict"]
PARAMS = [
    {"name": "fixed", "type": "bool", "default": False,
     "help": "no-join: join the children before the main process ends (the fix)"},
    {"name": "racers", "type": "int", "default": 4, "min": 2, "max": 64,
     "help": "race: processes incrementing the shared counter"},
    {"name": "increments", "type": "int", "default": 300, "min": 1, "max": 100000,
     "help": "race: increments per process"},
]
