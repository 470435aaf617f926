"""greenlet alone saves no time: time.sleep blocks every greenlet, so the sleeps add up.

foo and bar each slept with time.sleep and then switched to the other. A
greenlet only changes hands at an explicit switch(); it knows nothing about
I/O, so while foo slept, bar could not run, and the other way round. The
sleep bars in the timeline sit one after the other and the total is the sum of
both sleeps. Waiting in parallel needs something that switches on I/O: that
is gevent (see `concdemo run gevent`).
"""

import time

from greenlet import greenlet

from concdemo import probe

VARIANT = "blocking"
CLAIMS = ["G3"]
EXPECT = "ok"

printed = []
sleeps = []  # (start, end) of each sleep


def say(text):
    printed.append(text)
    probe.event("print", text=text)


def blocking_sleep(seconds):
    with probe.span("sleep", seconds=seconds):
        started = time.perf_counter()
        time.sleep(seconds)  # blocks the thread, and with it every greenlet on it
        sleeps.append((started, time.perf_counter()))


def foo():
    say("ok1")
    blocking_sleep(delay)
    g2.switch()
    say("ok3")
    g2.switch()


def bar():
    say("ok2")
    blocking_sleep(delay)
    g1.switch()
    say("ok4")


if __name__ == "__main__":
    params = probe.start()
    delay = params.delay
    g1 = probe.label(greenlet(foo), "foo")
    g2 = probe.label(greenlet(bar), "bar")
    started = time.perf_counter()
    with probe.phase("two greenlets sleep", theory_s=2 * delay):
        g1.switch()
    elapsed = time.perf_counter() - started

    probe.check("the switches still print ok1, ok2, ok3, ok4",
                printed == ["ok1", "ok2", "ok3", "ok4"], printed=printed)
    (_, foo_end), (bar_start, _) = sleeps
    probe.check("bar's sleep began only after foo's ended", bar_start >= foo_end)
    probe.check("total = the sum of both sleeps, no time saved",
                elapsed >= 0.95 * 2 * delay, elapsed_s=round(elapsed, 3),
                sum_s=round(2 * delay, 3), max_s=round(delay, 3))
