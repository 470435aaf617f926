"""recv() blocks until a message comes, and raises EOFError once the other end is closed.

The parent's first recv() waited for the child, which slept before sending:
recv() blocks. After the child closed its end (and the parent closed its own
copy of that end, which the child had inherited from it), the messages still
in the pipe were delivered, and only then did recv() raise EOFError.
"""

import multiprocessing
import time

from concdemo import probe

VARIANT = "eof"
CLAIMS = ["P3"]
EXPECT = "ok"
DELAY = 0.3


def child(conn):
    time.sleep(DELAY)
    for msg in ("first", "second"):
        probe.event("send", msg=msg)
        conn.send(msg)
    probe.event("close")
    conn.close()


if __name__ == "__main__":
    probe.start()
    parent_end, child_end = multiprocessing.Pipe()
    p = multiprocessing.Process(target=child, args=(child_end,))
    p.start()
    child_end.close()  # our copy; otherwise the pipe is never closed everywhere
    started = time.monotonic()
    with probe.phase("recv() waits for the child", theory_s=DELAY):
        first = parent_end.recv()
    waited = time.monotonic() - started
    probe.event("recv", msg=first, waited_s=round(waited, 3))
    second = parent_end.recv()
    probe.event("recv", msg=second)
    p.join()
    with probe.raises(EOFError, "recv() raises EOFError when nothing is left and the end is closed"):
        parent_end.recv()
    probe.check("recv() blocked until the child sent", waited >= DELAY * 0.8, waited_s=waited)
    probe.check("both messages arrived before EOF", (first, second) == ("first", "second"))
