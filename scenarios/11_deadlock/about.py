"""Lock-order inversion: two workers take two locks in opposite order (死锁).

Each worker holds one lock and waits for the one the other holds: neither can
go on, and neither will let go. Nothing raises and nothing is printed; the
program just stops moving. concdemo stops it after the hang timeout and names
the cycle: who holds which lock, and who waits for it. Taking the locks in one
order everywhere is the fix, shown next to each broken variant.
"""

NAME = "deadlock"
TITLE = "Deadlock: two locks taken in opposite order, with processes and with threads"
VARIANTS = [
    "processes",
    "processes-ordered",
    "threads",
    "threads-ordered",
]
DEFAULTS = ["processes", "processes-ordered"]
PARAMS = []
