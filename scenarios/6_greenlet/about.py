"""greenlet: explicit switching between coroutines (greenlet).

A greenlet is a coroutine you switch to by hand: g.switch() jumps into it and
another switch() jumps back, on one thread. Arguments go in with the first
switch only. Nothing switches on its own, so a blocking call such as
time.sleep stops every greenlet and saves no time.
"""

NAME = "greenlet"
TITLE = "greenlet: hand-made switching (ok1..ok4), arguments on the first switch, blocking sleep"
VARIANTS = ["switch", "args", "blocking"]
DEFAULTS = ["switch", "args"]
PARAMS = [
    {"name": "delay", "type": "float", "default": 0.2, "min": 0.0, "max": 10.0,
     "help": "seconds each greenlet sleeps with time.sleep in the blocking variant"},
]
