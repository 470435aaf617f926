"""multiprocessing.Pipe: two connected ends (管道).

A pipe is like a real one: both ends take things in and let things out
(full duplex), unless it is made one-way with Pipe(False). Objects are pickled
on send and unpickled on recv; recv() blocks, and raises EOFError only when
every copy of the other end, in every process, is closed.
"""

NAME = "pipe"
TITLE = "Pipe: duplex and one-way connections, EOF, pickling, byte messages"
VARIANTS = [
    "duplex",
    "simplex",
    "eof",
    "pickle",
    "producer-consumer",
    "forgot-close",
    "bytes-maxlength",
    "bytes-into",
    "poll",
]
DEFAULTS = ["duplex", "producer-consumer"]
PARAMS = [
    {"name": "items", "type": "int", "default": 10, "min": 1, "max": 100000,
     "help": "buns (包子) the producer sends in producer-consumer and forgot-close"},
]
