"""Pipe() is full duplex: the child sends 'hello world', the parent answers 'hi son'.

Both ends of a default Pipe() can send and receive. The child wrote on its end
and the parent read it from the other; then the parent wrote back on the same
end it had read from, and the child read the answer. Each message crossed
between two processes as a pickled object.
"""

import multiprocessing

from concdemo import probe

VARIANT = "duplex"
CLAIMS = ["P1"]
EXPECT = "ok"


def foo(sk):
    probe.event("send", msg="hello world")
    sk.send("hello world")
    answer = sk.recv()
    probe.event("recv", msg=answer)


if __name__ == "__main__":
    probe.start()
    conn1, conn2 = multiprocessing.Pipe()  # two ends, both can send and receive
    p = multiprocessing.Process(target=foo, args=(conn1,))
    p.start()
    with probe.phase("round trip"):
        greeting = conn2.recv()
        probe.event("recv", msg=greeting)
        probe.event("send", msg="hi son")
        conn2.send("hi son")
        p.join()
    probe.check("the parent received the child's 'hello world'", greeting == "hello world")
    probe.check("the child ended normally after reading 'hi son'", p.exitcode == 0)
