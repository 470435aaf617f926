"""A Queue made at module level is shared only where children do not re-import the script.

The article says the parent's get() blocks forever because each process has
its own namespace. That is true under spawn and forkserver: the child imports
this file again (as __mp_main__), which runs `q = multiprocessing.Queue()` again
and makes a second, unrelated queue; the child puts into that one and the
parent waits on its own, empty queue. Count the "module-level Queue() created"
events: one per process that ran the module. (Under forkserver each child
re-runs it too; only Pythons with the fix for CPython gh-126631 let the fork
server run it once and hand that copy to its children, which still is not the
parent's queue.) Under fork the child is a copy of the parent, module-level
queue included, so the parent gets [11, 'hello', True] and the article's claim
does not hold.
"""

import multiprocessing

from concdemo import probe

VARIANT = "global-queue"
CLAIMS = ["Q1"]
EXPECT = {"fork": "ok", "spawn": "hang", "forkserver": "hang"}
NOTES = {
    "fork": "The child is a copy of the parent, so both use the same queue: the article's "
    "claim does not hold under fork.",
    "spawn": "The child re-imported the script and made its own queue; the parent waits "
    "on an empty one.",
    "forkserver": "The child (or, on Pythons with the gh-126631 fix, the fork server) "
    "re-imported the script and made its own queue; the parent waits on an empty one.",
}


def foo():
    q.put([11, "hello", True])
    probe.event("put", item=[11, "hello", True], qsize=q.qsize())


# Module level: this line runs in every process that imports this file.
q = multiprocessing.Queue()
probe.event("module-level Queue() created", module=__name__)

if __name__ == "__main__":
    probe.start()
    p = multiprocessing.Process(target=foo, args=())
    p.start()
    item = q.get()  # under spawn and forkserver nobody ever puts into *this* queue
    probe.event("get", item=item)
    probe.check("the parent got the child's list", item == [11, "hello", True])
    p.join()
