"""recv_bytes(maxlength) on a longer message raises OSError, and the end can no longer be read.

The child sent a 100-byte message; the parent asked for at most 10 bytes.
multiprocessing raised OSError('bad message length') and marked the connection
unreadable: a second recv_bytes() failed too, even though it asked for no limit.
The article calls it IOError, which has been an alias of OSError since Python 3.3.
"""

import multiprocessing

from concdemo import probe

VARIANT = "bytes-maxlength"
CLAIMS = ["P7"]
EXPECT = "ok"


def child(conn):
    probe.event("send_bytes", size=100)
    conn.send_bytes(b"x" * 100)
    conn.send_bytes(b"never read")


if __name__ == "__main__":
    probe.start()
    here, there = multiprocessing.Pipe()
    p = multiprocessing.Process(target=child, args=(there,))
    p.start()
    with probe.raises(OSError, "recv_bytes(maxlength=10) of a 100-byte message raises OSError"):
        here.recv_bytes(maxlength=10)
    with probe.raises(OSError, "after that the connection can no longer be read"):
        here.recv_bytes()
    p.join()
