"""joinall(jobs, timeout=2) returns at the timeout without raising; results are in job.value.

Three lookups ran as greenlets, as in the article's gethostbyname example.
'localhost' came back at once from /etc/hosts and its address is in .value. A
malformed name failed: the greenlet died, joinall did not raise, and the error
waits in that job's .exception (its .value is None). The third lookup was
slower than the timeout: joinall simply returned when the time was up, leaving
it running with .value None, which looks just like "no result". joinall
returns the jobs that did finish; anything left over keeps running until you
kill it, so the script kills it before it exits.
"""

import time

import gevent
from gevent import socket

from concdemo import probe

VARIANT = "joinall-timeout"
CLAIMS = ["GE5"]
EXPECT = "ok"


def gethostbyname(name):
    """socket.gethostbyname, shown as a bar in the timeline."""
    with probe.span("gethostbyname", name=name) as s:
        address = socket.gethostbyname(name)
        s.note(address=address)
    return address


def slow_gethostbyname(name, delay):
    """A lookup from a slow DNS server, simulated with gevent.sleep."""
    with probe.span("slow-dns", seconds=delay):
        gevent.sleep(delay)
    return gethostbyname(name)


if __name__ == "__main__":
    params = probe.start()
    timeout, slow_s = 2 * params.scale, 4 * params.scale  # the article's timeout=2, scaled
    # gevent prints the traceback of every greenlet that dies; this failure is
    # part of the demo, so it is reported as an event instead.
    gevent.get_hub().NOT_ERROR += (UnicodeError,)

    urls = ["localhost", "bad..name"]  # an empty label: not a valid host name
    jobs = [gevent.spawn(gethostbyname, url) for url in urls]
    jobs.append(gevent.spawn(slow_gethostbyname, "localhost", slow_s))
    quick, broken, slow = jobs
    quick.name, broken.name, slow.name = "localhost", "bad..name", "slow localhost"

    # libev caches the loop's clock between iterations and a timer counts from that
    # cached time: brought up to date here, the timeout is measured from this line,
    # not from whenever the loop last woke (seen: 21 ms early without it).
    gevent.get_hub().loop.update_now()
    started = time.perf_counter()
    with probe.phase("joinall(timeout)", theory_s=timeout):
        finished = gevent.joinall(jobs, timeout=timeout)  # returns, never raises, at the timeout
    elapsed = time.perf_counter() - started
    values = [job.value for job in jobs]
    probe.event("values", values=values, exceptions=[repr(job.exception) for job in jobs])

    probe.check("joinall returned at the timeout without raising",
                0.9 * timeout <= elapsed < timeout + 0.5 * (slow_s - timeout),
                elapsed_s=round(elapsed, 3), timeout_s=round(timeout, 3))
    probe.check("joinall returned only the finished jobs",
                sorted(finished, key=jobs.index) == [quick, broken])
    probe.check("'localhost' resolved: its address is in .value", quick.value == "127.0.0.1")
    probe.check("the failed lookup has .exception set and .value None",
                isinstance(broken.exception, UnicodeError) and broken.value is None,
                exception=repr(broken.exception))
    probe.check("the slow lookup is unfinished: .value None, no exception",
                not slow.ready() and slow.value is None and slow.exception is None)

    gevent.killall([slow])  # do not leave it running behind our back
    probe.check("after killall the slow job is dead", slow.dead)
