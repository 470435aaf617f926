"""greenlet.switch() hands control over explicitly: ok1, ok2, ok3, ok4.

g1.switch() started foo, which printed ok1 and switched to bar; bar printed
ok2 and switched back into foo exactly where it had stopped, so foo printed
ok3; foo's second g2.switch() resumed bar, which printed ok4. Every hand-over
is written out in the code: no scheduler picks who runs next. When bar
returned, control went to its parent (the main greenlet), so foo never got past
its last switch: it stays suspended until it is garbage-collected.
"""

from greenlet import greenlet

from concdemo import probe

VARIANT = "switch"
CLAIMS = ["G1"]
EXPECT = "ok"

printed = []


def say(text):
    """The article's print(), recorded so the order can be checked."""
    printed.append(text)
    probe.event("print", text=text)


def foo():
    say("ok1")
    g2.switch()  # suspend foo here, run bar
    say("ok3")
    g2.switch()


def bar():
    say("ok2")
    g1.switch()
    say("ok4")


if __name__ == "__main__":
    probe.start()
    g1 = probe.label(greenlet(foo), "foo")  # a greenlet object for foo
    g2 = probe.label(greenlet(bar), "bar")
    g1.switch()  # run foo; we get back here when bar ends

    probe.check("the switches print ok1, ok2, ok3, ok4 in that order",
                printed == ["ok1", "ok2", "ok3", "ok4"], printed=printed)
    probe.check("bar ran to its end and handed control back to main", g2.dead)
    probe.check("foo is still suspended in its second g2.switch()", not g1.dead)
