"""A Queue made under `if __name__ == "__main__"`: a spawned child cannot see it at all.

The article says the child fails with "name 'q' is not defined". Under spawn and
forkserver the child imports this file as __mp_main__, so the guarded block
never runs there and foo() raises NameError (the `error` event); the parent,
which did make q, then waits in get() for an item that never comes. Under fork
the child is a copy of the parent taken after q was assigned, so the global is
there and the example simply works.
"""

import multiprocessing

from concdemo import probe

VARIANT = "main-guard-queue"
CLAIMS = ["Q2"]
EXPECT = {"fork": "ok", "spawn": "hang", "forkserver": "hang"}
ERRORS = ["NameError"]  # the child's failure is part of the story
NOTES = {
    "fork": "The forked child inherits the parent's global q: no NameError, the example works.",
    "spawn": "The child failed with NameError; the parent is still blocked in q.get().",
    "forkserver": "The child failed with NameError; the parent is still blocked in q.get().",
}


def foo():
    q.put([11, "hello", True])  # NameError in a child that re-imported this file
    probe.event("put", item=[11, "hello", True], qsize=q.qsize())


if __name__ == "__main__":
    probe.start()
    q = multiprocessing.Queue()  # only the process that runs this file as __main__ gets here
    p = multiprocessing.Process(target=foo, args=())
    p.start()
    item = q.get()  # blocks forever if the child died before putting
    probe.event("get", item=item)
    probe.check("the parent got the child's list", item == [11, "hello", True])
    p.join()
