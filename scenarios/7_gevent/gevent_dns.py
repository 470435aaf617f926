"""gevent.socket.gethostbyname does not block other greenlets: a ticker keeps ticking.

The article resolves www.google.com.hk and friends; this runs offline, so it
resolves the names in /etc/hosts plus one that does not exist. gevent hands
each lookup to its resolver (on Linux by default a pool of native threads
running the system's getaddrinfo), so while a lookup waits, the event loop
keeps running other greenlets: the ticker never missed its beat. The name that
does not exist failed with socket.gaierror, which landed in that job's
.exception instead of stopping the program; joinall did not raise. From
/etc/hosts the lookups take milliseconds; against a slow DNS server the
ticker would go on ticking through every one of them.
"""

import itertools
import os
import time

import gevent
from gevent import socket

from concdemo import probe

VARIANT = "dns"
CLAIMS = ["GE6"]
EXPECT = "ok"

TICK_S = 0.01
MISSING = "no-such-host.invalid"  # .invalid is reserved: it never resolves


def hosts_file_names(limit=3):
    """IPv4 names from /etc/hosts (name -> address), so no network is needed."""
    names = {"localhost": "127.0.0.1"}
    try:
        with open("/etc/hosts", encoding="utf-8") as hosts:
            for line in hosts:
                fields = line.split("#", 1)[0].split()
                if len(fields) >= 2 and fields[0].count(".") == 3:
                    for name in fields[1:]:
                        names.setdefault(name, fields[0])
    except OSError:
        pass
    return dict(list(names.items())[: limit + 1])


def ticker(ticks):
    while True:
        ticks.append(time.perf_counter())
        probe.event("tick", n=len(ticks))
        gevent.sleep(TICK_S)


def gethostbyname(name):
    with probe.span("gethostbyname", name=name) as s:
        address = socket.gethostbyname(name)  # cooperative: other greenlets run meanwhile
        s.note(address=address)
    return address


if __name__ == "__main__":
    probe.start()
    # Bound the wait for the missing name where no DNS server answers (offline);
    # glibc reads this on its first lookup.
    os.environ.setdefault("RES_OPTIONS", "timeout:1 attempts:1")
    gevent.get_hub().NOT_ERROR += (socket.gaierror,)  # expected: shown as an event, not a traceback
    known = hosts_file_names()
    urls = [*known, MISSING]

    ticks = []
    tick = gevent.spawn(ticker, ticks)
    tick.name = "ticker"
    gevent.sleep(3 * TICK_S)  # let it settle into its rhythm first
    started = time.perf_counter()
    with probe.phase("lookups"):
        jobs = {url: gevent.spawn(gethostbyname, url) for url in urls}
        for url, job in jobs.items():
            job.name = url
        gevent.joinall(jobs.values(), timeout=5)
    finished = time.perf_counter()
    gevent.sleep(3 * TICK_S)
    tick.kill()
    values = {url: job.value for url, job in jobs.items()}
    probe.event("values", values=values)

    during = [t for t in ticks if started <= t <= finished]
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    probe.check("the ticker kept its beat while the lookups ran (no gap over 10 ticks)",
                max(gaps) < 10 * TICK_S, longest_gap_s=round(max(gaps), 4),
                ticks_during_lookups=len(during), lookups_s=round(finished - started, 4))
    probe.check("names from /etc/hosts resolved to their addresses",
                all(values[url] == address for url, address in known.items()), resolved=values)
    failed = jobs[MISSING]
    probe.check(f"{MISSING} failed with socket.gaierror, kept in .exception",
                isinstance(failed.exception, socket.gaierror) and failed.value is None,
                exception=repr(failed.exception))
