"""Pipe(False) is one-way: the first end only receives, the second only sends.

The article compares a one-way pipe to a one-way street. The child sent on the
second end and the parent received on the first. Then the parent tried to send
on its receive-only end, and multiprocessing refused with OSError ('connection
is read-only'); reading from the send-only end is refused the same way.
"""

import multiprocessing

from concdemo import probe

VARIANT = "simplex"
CLAIMS = ["P2"]
EXPECT = "ok"


def foo(sender):
    probe.event("send", msg="one way only")
    sender.send("one way only")


if __name__ == "__main__":
    probe.start()
    receiver, sender = multiprocessing.Pipe(False)  # receiver only receives, sender only sends
    p = multiprocessing.Process(target=foo, args=(sender,))
    p.start()
    msg = receiver.recv()
    probe.event("recv", msg=msg)
    p.join()
    with probe.raises(OSError, "send() on the receive-only end raises OSError"):
        probe.event("send", end="receiver")
        receiver.send("can I answer?")
    with probe.raises(OSError, "recv() on the send-only end raises OSError"):
        probe.event("recv", end="sender")
        sender.recv()
    probe.check("the message arrived in the one allowed direction", msg == "one way only")
