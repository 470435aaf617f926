"""recv_bytes_into(buf) raises BufferTooShort when the buffer is too small; the message is in e.args[0].

The first message fitted in the 64-byte bytearray and recv_bytes_into()
returned its length, written at the offset asked for. The second (32 bytes)
did not fit in an 8-byte buffer: BufferTooShort was raised, and the whole
message was not lost but handed over inside the exception.
"""

import multiprocessing

from concdemo import probe

VARIANT = "bytes-into"
CLAIMS = ["P8"]
EXPECT = "ok"


def child(conn):
    conn.send_bytes(b"hello")
    conn.send_bytes(b"a message of exactly 32 bytes!!!")


if __name__ == "__main__":
    probe.start()
    here, there = multiprocessing.Pipe()
    p = multiprocessing.Process(target=child, args=(there,))
    p.start()
    big = bytearray(64)
    size = here.recv_bytes_into(big, 4)  # write at offset 4
    probe.event("recv_bytes_into", size=size, data=bytes(big[4 : 4 + size]))
    probe.check("a message that fits is written at the offset", big[4 : 4 + size] == b"hello")
    small = bytearray(8)
    with probe.raises(multiprocessing.BufferTooShort, "too small a buffer raises BufferTooShort") as r:
        here.recv_bytes_into(small)
    whole = r.value.args[0] if r.value else b""
    probe.event("BufferTooShort", message_in_args=whole)
    probe.check("the whole message is in e.args[0]", len(whole) == 32)
    p.join()
