"""poll(timeout) says whether data is ready; poll(None) waits as long as it takes.

The child slept before sending. poll(0.2) returned False after about 0.2 s:
nothing was there yet and nothing was consumed. poll(None) then waited until the
message arrived and returned True, and recv() read it at once. poll() with no
argument does not wait at all.
"""

import multiprocessing
import time

from concdemo import probe

VARIANT = "poll"
CLAIMS = ["P9"]
EXPECT = "ok"
CHILD_DELAY = 0.6
POLL_TIMEOUT = 0.2


def child(conn):
    time.sleep(CHILD_DELAY)
    probe.event("send", msg="ready now")
    conn.send("ready now")


if __name__ == "__main__":
    probe.start()
    here, there = multiprocessing.Pipe()
    p = multiprocessing.Process(target=child, args=(there,))
    p.start()
    probe.event("poll", timeout=0)
    probe.check("poll() with no timeout answers at once: nothing yet", here.poll() is False)
    with probe.phase("poll(0.2)", theory_s=POLL_TIMEOUT):
        started = time.monotonic()
        ready = here.poll(POLL_TIMEOUT)
        waited = time.monotonic() - started
    probe.event("poll", timeout=POLL_TIMEOUT, result=ready)
    probe.check("poll(0.2) returns False after about 0.2 s", not ready and waited >= 0.15,
                waited_s=round(waited, 3))
    with probe.phase("poll(None)"):
        forever = here.poll(None)
    probe.event("poll", timeout=None, result=forever)
    probe.check("poll(None) waits until data arrives and returns True", forever is True)
    probe.event("recv", msg=here.recv())
    p.join()
