"""The unpatched half of gevent_monkey.py: time.sleep blocks the whole thread.

Started by gevent_monkey.py in a process of its own (never patched), with
foo's and bar's sleep times as arguments; it checks its own result.
"""

import multiprocessing
import sys
import time

import gevent

from concdemo import probe

printed = []


def say(text):
    printed.append(text)
    probe.event("print", text=text)


def foo(seconds):
    say("ok1")
    with probe.span("sleep", seconds=seconds):
        time.sleep(seconds)  # not patched: blocks the thread, gevent cannot switch
    say("ok3")


def bar(seconds):
    say("ok2")
    with probe.span("sleep", seconds=seconds):
        time.sleep(seconds)
    say("ok4")


if __name__ == "__main__":
    multiprocessing.current_process().name = "unpatched"  # how this process shows in events
    foo_s, bar_s = float(sys.argv[1]), float(sys.argv[2])
    started = time.perf_counter()
    with probe.phase("unpatched", theory_s=foo_s + bar_s):
        g1, g2 = gevent.spawn(foo, foo_s), gevent.spawn(bar, bar_s)
        g1.name, g2.name = "foo", "bar"
        gevent.joinall([g1, g2])
    elapsed = time.perf_counter() - started
    ok = probe.check("unpatched: foo blocks everything, so the order is ok1, ok3, ok2, ok4",
                     printed == ["ok1", "ok3", "ok2", "ok4"], printed=printed)
    ok &= probe.check("unpatched: total = the sum of both sleeps (a blocking call blocks "
                      "the whole thread)", elapsed >= 0.95 * (foo_s + bar_s),
                      elapsed_s=round(elapsed, 3), sum_s=round(foo_s + bar_s, 3))
    sys.exit(0 if ok else 1)
