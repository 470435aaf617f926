"""send() pickles the object and recv() unpickles a copy; what cannot be pickled cannot be sent.

A dict of lists crossed to the child and came back as an equal but separate
object: the pipe carries bytes made by pickle, not the object itself. A lambda
has no importable name, so pickle refused it and send() raised PicklingError
in the sending process before anything was written to the pipe.
"""

import multiprocessing
import pickle

from concdemo import probe

VARIANT = "pickle"
CLAIMS = ["P4"]
EXPECT = "ok"


def echo(conn):
    obj = conn.recv()
    probe.event("recv", type=type(obj).__name__, value=obj)
    conn.send(obj)


if __name__ == "__main__":
    probe.start()
    here, there = multiprocessing.Pipe()
    p = multiprocessing.Process(target=echo, args=(there,))
    p.start()
    original = {"numbers": [11, 22, 33], "ok": True}
    here.send(original)
    copy = here.recv()
    probe.event("recv", value=copy)
    p.join()
    probe.check("the object came back equal", copy == original)
    probe.check("but it is a copy, not the same object", copy is not original)
    with probe.raises(pickle.PicklingError, "send() of a lambda raises PicklingError"):
        here.send(lambda x: x + 1)
