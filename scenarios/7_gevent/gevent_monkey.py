"""time.sleep cooperates only after monkey.patch_all(): unpatched it adds up, patched it overlaps.

The same foo and bar, sleeping with the standard time.sleep, ran twice. First
in a separate, unpatched process: gevent cannot see inside time.sleep, so foo
blocked the whole thread (bar could not even print ok2) and the total was the
sum of both sleeps, ok1 ok3 ok2 ok4. Then in this process, which called
monkey.patch_all() before importing anything else: time.sleep is now
gevent.sleep, the waits overlap, the total is the longer sleep and the order is
ok1 ok2 ok4 ok3. The two halves need two processes because patching is
process-wide and cannot be undone.
"""

# ruff: noqa: E402 - the patch has to run before the imports below
from gevent import monkey

monkey.patch_all()  # first thing, before time, socket or anything that imports them

import os
import subprocess
import sys
import time

import gevent

from concdemo import probe

VARIANT = "monkey"
CLAIMS = ["GE2", "C2"]
EXPECT = "ok"

printed = []


def say(text):
    printed.append(text)
    probe.event("print", text=text)


def foo(seconds):
    say("ok1")
    with probe.span("sleep", seconds=seconds):
        time.sleep(seconds)  # patched: this is gevent.sleep now
    say("ok3")


def bar(seconds):
    say("ok2")
    with probe.span("sleep", seconds=seconds):
        time.sleep(seconds)
    say("ok4")


def run_unpatched(foo_s, bar_s):
    """The same program without the patch, in a fresh process (it checks itself)."""
    child = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_monkey_unpatched.py")
    # Let the child import concdemo however this process found it.
    root = os.path.dirname(os.path.dirname(os.path.abspath(probe.__file__)))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, child, str(foo_s), str(bar_s)], env=env, timeout=60)
    return done.returncode


if __name__ == "__main__":
    params = probe.start()
    foo_s, bar_s = 4 * params.scale, 2 * params.scale
    probe.check("time.sleep is patched in this process", monkey.is_module_patched("time"))

    with probe.span("child", script="_monkey_unpatched.py"):  # it times its own phase
        returncode = run_unpatched(foo_s, bar_s)
    probe.check("the unpatched child ran and its checks passed", returncode == 0,
                returncode=returncode)

    started = time.perf_counter()
    with probe.phase("patched", theory_s=max(foo_s, bar_s)):
        g1, g2 = gevent.spawn(foo, foo_s), gevent.spawn(bar, bar_s)
        g1.name, g2.name = "foo", "bar"
        gevent.joinall([g1, g2])
    elapsed = time.perf_counter() - started
    probe.check("patched: the order is ok1, ok2, ok4, ok3",
                printed == ["ok1", "ok2", "ok4", "ok3"], printed=printed)
    probe.check("patched: total ≈ the longer sleep",
                0.95 * max(foo_s, bar_s) <= elapsed < (foo_s + bar_s + max(foo_s, bar_s)) / 2,
                elapsed_s=round(elapsed, 3), max_s=round(max(foo_s, bar_s), 3))
