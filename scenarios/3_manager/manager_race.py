"""`proxy.value += 1` from several processes loses updates; a manager Lock makes the count exact.

`counter.value += 1` on a proxy is two round trips to the manager's server, a
read and then a write, and another process can write in between: its increment
is then overwritten and lost. Holding a manager Lock around the read and the
write makes the count exact, at the price of yet more round trips. The last
two phases time one proxy operation against the same operation on a local
object: every proxy operation pickles a request, crosses to the server process
and waits for the answer, which is why the article says to avoid shared data
where you can.
"""

import time
from multiprocessing import Manager, Process
from types import SimpleNamespace

from concdemo import probe

VARIANT = "race"
CLAIMS = ["M4"]
EXPECT = "ok"

TIMED_OPS = 2000  # operations timed in the proxy-vs-local phases


def add(counter, start_line, n):
    start_line.wait()
    for _ in range(n):
        counter.value += 1  # read (one round trip) ... write (another): not atomic


def add_locked(counter, start_line, n, lock):
    start_line.wait()
    for _ in range(n):
        with lock:  # nobody else can read or write between our read and our write
            counter.value += 1


def race(man, racers, increments, lock=None):
    counter = man.Value("i", 0)
    start_line = man.Barrier(racers)  # all racers start counting together
    target, args = (add, ()) if lock is None else (add_locked, (lock,))
    children = [Process(target=target, args=(counter, start_line, increments, *args))
                for _ in range(racers)]
    for p in children:
        p.start()
    for p in children:
        p.join()
    return counter.value


def per_op_seconds(obj):
    start = time.perf_counter()
    for _ in range(TIMED_OPS):
        obj.value += 1
    return (time.perf_counter() - start) / TIMED_OPS


if __name__ == "__main__":
    params = probe.start()
    expected = params.racers * params.increments
    with Manager() as man:
        with probe.phase("without a lock"):
            got = race(man, params.racers, params.increments)
        probe.event("count", got=got, expected=expected, lost=expected - got)
        probe.check("without a lock, increments were lost", got < expected, lost=expected - got)
        with probe.phase("with a manager Lock"):
            got_locked = race(man, params.racers, params.increments, lock=man.Lock())
        probe.event("count", got=got_locked, expected=expected, lost=expected - got_locked)
        probe.check("with the Lock the count is exact", got_locked == expected, got=got_locked)

        with probe.phase("proxy operations"):
            proxy_s = per_op_seconds(man.Value("i", 0))
        with probe.phase("local operations"):
            local_s = per_op_seconds(SimpleNamespace(value=0))
    ratio = proxy_s / local_s
    probe.event("cost of one `value += 1`", proxy_us=round(proxy_s * 1e6, 2),
                local_us=round(local_s * 1e6, 4), ratio=round(ratio))
    probe.check("a proxy operation costs far more than a local one (at least 10×)", ratio >= 10,
                ratio=round(ratio))
