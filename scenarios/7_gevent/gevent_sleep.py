"""gevent.sleep is cooperative: foo sleeps 4, bar sleeps 2, and the whole takes 4, not 6.

joinall started both greenlets. foo printed ok1 and went to sleep; gevent.sleep
handed control to the event loop, which ran bar: ok2. bar's shorter sleep ended
first (ok4), foo's later (ok3). The two waits overlapped, so the total is the
longer sleep, not the sum. spawn(fn, *args, **kwargs) passed each function its
arguments (here the scaled sleep times), and each greenlet's return value
landed in its .value.
"""

import time

import gevent

from concdemo import probe

VARIANT = "sleep"
CLAIMS = ["GE1", "GE4"]
EXPECT = "ok"

printed = []


def say(text):
    printed.append(text)
    probe.event("print", text=text)


def foo(seconds):
    say("ok1")
    with probe.span("sleep", seconds=seconds):
        gevent.sleep(seconds)  # simulated I/O that gevent recognises: it switches away
    say("ok3")
    return seconds


def bar(seconds):
    say("ok2")
    with probe.span("sleep", seconds=seconds):
        gevent.sleep(seconds)
    say("ok4")
    return seconds


if __name__ == "__main__":
    params = probe.start()
    foo_s, bar_s = 4 * params.scale, 2 * params.scale  # the article's 4 s and 2 s, scaled
    started = time.perf_counter()
    with probe.phase("joinall", theory_s=max(foo_s, bar_s)):
        g1 = gevent.spawn(foo, foo_s)  # positional argument
        g2 = gevent.spawn(bar, seconds=bar_s)  # keyword argument
        g1.name, g2.name = "foo", "bar"  # lane names in the timeline
        gevent.joinall([g1, g2])  # wait for all of them (or join them one by one)
    elapsed = time.perf_counter() - started

    probe.check("the order is ok1, ok2, ok4, ok3", printed == ["ok1", "ok2", "ok4", "ok3"],
                printed=printed)
    probe.check("total ≈ the longer sleep, not the sum",
                0.95 * max(foo_s, bar_s) <= elapsed < (foo_s + bar_s + max(foo_s, bar_s)) / 2,
                elapsed_s=round(elapsed, 3), max_s=round(max(foo_s, bar_s), 3),
                sum_s=round(foo_s + bar_s, 3))
    probe.check("spawn passed each function its argument (returned in .value)",
                (g1.value, g2.value) == (foo_s, bar_s), values=[g1.value, g2.value])
