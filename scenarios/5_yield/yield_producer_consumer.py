"""A generator coroutine: the producer send()s, the consumer answers '200 Ok', strictly in turn.

next(c) ran the consumer up to its first yield; every c.send(n) resumed it
with n, and it ran until the next yield handed r back to the producer. The
two lanes never overlap: only one of them runs at a time, on one thread, and
each hand-over is an ordinary function call. That is why the consumer's
time.sleep adds up item after item, exactly as if there were no coroutine at
all: a generator takes turns, it does not wait in parallel. c.close() threw
GeneratorExit into the paused consumer, and a closed generator cannot be
resumed again (send() raises StopIteration).
"""

import time

from concdemo import probe

VARIANT = "producer-consumer"
CLAIMS = ["Y1"]
EXPECT = "ok"

turns = []  # who ran, in order: the checks below read it
replies = []


def consumer(delay):
    r = ""
    while True:
        n = yield r
        if not n:
            return
        turns.append(("CONSUMER", n))
        probe.event("consume", task="consumer", n=n, msg=f"[CONSUMER] ←← Consuming {n}...")
        with probe.span("sleep", task="consumer", seconds=delay):
            time.sleep(delay)  # the article's time.sleep(1), scaled by the delay parameter
        r = "200 Ok"  # the article's own reply, verbatim


def produce(c, items):
    next(c)  # 1. start the generator: run it up to its first yield
    n = 0
    while n < items:
        n = n + 1
        turns.append(("PRODUCER", n))
        probe.event("produce", task="producer", n=n, msg=f"[PRODUCER] →→ Producing {n}...")
        cr = c.send(n)  # 2. resume the consumer with n; it runs until it yields r back
        probe.event("return", task="producer", n=n, msg=f"[PRODUCER] Consumer return: {cr}")
        replies.append(cr)
    c.close()  # 3. nothing left to produce: end the consumer


if __name__ == "__main__":
    params = probe.start()
    c = consumer(params.delay)
    sleeps = params["items"] * params.delay
    started = time.perf_counter()
    with probe.phase("produce and consume", theory_s=sleeps):
        produce(c, params["items"])
    elapsed = time.perf_counter() - started

    expected = [(who, n) for n in range(1, params["items"] + 1) for who in ("PRODUCER", "CONSUMER")]
    probe.check("PRODUCER and CONSUMER strictly alternate", turns == expected)
    probe.check("every send() came back with '200 Ok'", replies == ["200 Ok"] * params["items"])
    probe.check(
        "no time saved: the consumer's sleeps add up",
        elapsed >= 0.95 * sleeps and elapsed < sleeps * 1.5 + 0.2,
        elapsed_s=round(elapsed, 3), sum_of_sleeps_s=round(sleeps, 3),
    )
    with probe.raises(StopIteration, "a closed generator cannot be resumed"):
        c.send(1)
