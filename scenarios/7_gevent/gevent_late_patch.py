"""The patch must come first: a sleep imported before patch_all() still blocks.

`from time import sleep` ran before monkey.patch_all(), so the name `sleep` in
this module still points at the original, blocking function. The patch
replaced time.sleep inside the time module, but it cannot reach names that
other modules copied out earlier. foo's sleep therefore blocked the whole
thread, bar waited for it, and the total was the sum of both sleeps, as if
nothing had been patched. That is why the article says to put the patch at
the very top of the file, before time, socket or anything that imports them.
"""

# ruff: noqa: E402 - the late patch is the point of this variant
from time import sleep  # bound now, before the patch: this name keeps the blocking sleep

from gevent import monkey

monkey.patch_all()  # too late for the `sleep` above

import time

import gevent

from concdemo import probe

VARIANT = "late-patch"
CLAIMS = ["GE3"]
EXPECT = "ok"

printed = []


def say(text):
    printed.append(text)
    probe.event("print", text=text)


def foo(seconds):
    say("ok1")
    with probe.span("sleep", seconds=seconds):
        sleep(seconds)  # the early-bound, original time.sleep
    say("ok3")


def bar(seconds):
    say("ok2")
    with probe.span("sleep", seconds=seconds):
        sleep(seconds)
    say("ok4")


if __name__ == "__main__":
    params = probe.start()
    foo_s, bar_s = 4 * params.scale, 2 * params.scale
    probe.check("the time module is patched: time.sleep is gevent's",
                time.sleep is gevent.sleep)
    probe.check("but the name imported before the patch is still the original",
                sleep is not time.sleep and sleep is monkey.get_original("time", "sleep"))

    started = time.perf_counter()
    with probe.phase("joinall", theory_s=foo_s + bar_s):
        g1, g2 = gevent.spawn(foo, foo_s), gevent.spawn(bar, bar_s)
        g1.name, g2.name = "foo", "bar"
        gevent.joinall([g1, g2])
    elapsed = time.perf_counter() - started
    probe.check("foo's sleep blocked bar: the order is ok1, ok3, ok2, ok4",
                printed == ["ok1", "ok3", "ok2", "ok4"], printed=printed)
    probe.check("no gain: total = the sum of both sleeps", elapsed >= 0.95 * (foo_s + bar_s),
                elapsed_s=round(elapsed, 3), sum_s=round(foo_s + bar_s, 3),
                max_s=round(max(foo_s, bar_s), 3))
