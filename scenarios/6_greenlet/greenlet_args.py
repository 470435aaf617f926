"""Arguments go in with the first switch: natasha eats, bob plays, in turns.

gr1.switch(name='natasha') started eat('natasha'); eat's gr2.switch('bob')
started play_phone('bob'). The later switches carry no arguments: a greenlet
that has already started takes up where it stopped, with the names it got the
first time (a value passed to a later switch() would become the return value
of the switch() it is paused in). The two lanes take turns: natasha eat food
1, bob play 1, natasha eat food 2, bob play 2.
"""

from greenlet import greenlet

from concdemo import probe

VARIANT = "args"
CLAIMS = ["G2"]
EXPECT = "ok"

printed = []


def say(text):
    printed.append(text)
    probe.event("print", text=text)


def eat(name):
    say(f"{name} eat food 1")
    gr2.switch("bob")  # the first switch into play_phone passes its argument
    say(f"{name} eat food 2")
    gr2.switch()


def play_phone(name):
    say(f"{name} play 1")
    gr1.switch()
    say(f"{name} play 2")


if __name__ == "__main__":
    probe.start()
    gr1 = probe.label(greenlet(eat), "eat")
    gr2 = probe.label(greenlet(play_phone), "play_phone")
    gr1.switch(name="natasha")  # arguments on the first switch only

    expected = ["natasha eat food 1", "bob play 1", "natasha eat food 2", "bob play 2"]
    probe.check("natasha and bob take turns in the article's order", printed == expected,
                printed=printed)
