"""`concdemo bench`'s own load: processes that send events as fast as they can.

Not part of the catalogue: `concdemo bench` adds this folder to
CONCDEMO_SCENARIO_PATH for the runs it times, and runs the same script with a
bare reader on the channel as the floor.
"""

NAME = "bench"
TITLE = "bench: an event burst through the CLI"
VARIANTS = ["burst"]
DEFAULTS = ["burst"]
PARAMS = [
    {"name": "events", "type": "int", "default": 100000, "min": 1, "max": 10000000,
     "help": "events each process sends"},
    {"name": "processes", "type": "int", "default": 2, "min": 1, "max": 8,
     "help": "processes that burst at once"},
    {"name": "report", "type": "str", "default": "",
     "help": "file to write the burst's own wall time to (JSON)"},
]
