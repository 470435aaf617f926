"""async def / await with an asyncio.Queue: the same producer/consumer, still strictly in turn.

Beyond the article: the modern spelling of its generator coroutine. The
producer and the consumer are asyncio tasks (one lane each), and instead of
c.send(n) the producer puts n on a queue and awaits the consumer's answer on a
second one; `await` is where a task lets the other run, as `yield` was. The
lanes still never overlap and the turns strictly alternate: each side waits
for the other, so the consumer's sleeps add up item after item, as in the
generator version, even though asyncio.sleep does not block the thread. A None
on the queue ends the consumer, as c.close() ended the generator.
"""
# The lanes, each await (the consumer's asyncio.sleep, each Queue.get/put that
# waited) and the put -> get links are the tracer's (TRACE): no probe code draws
# them. The probe's events say what the tracer cannot: the article's lines.

import asyncio
import time

from concdemo import probe

VARIANT = "async-await"
CLAIMS = ["X2"]
EXPECT = "ok"
TRACE = ["asyncio"]

turns = []  # who ran, in order: the checks below read it
replies = []


async def consumer(items, answers, delay):
    while True:
        n = await items.get()  # like `n = yield r`: wait for the producer's next item
        if n is None:
            return  # the producer is done (the generator's c.close())
        turns.append(("CONSUMER", n))
        probe.event("consume", n=n, msg=f"[CONSUMER] ←← Consuming {n}...")
        await asyncio.sleep(delay)  # the article's time.sleep(1), scaled by delay
        await answers.put("200 OK")


async def produce(items, answers, count):
    for n in range(1, count + 1):
        turns.append(("PRODUCER", n))
        probe.event("produce", n=n, msg=f"[PRODUCER] →→ Producing {n}...")
        await items.put(n)  # like c.send(n) ...
        cr = await answers.get()  # ... and waiting for what the consumer hands back
        probe.event("return", n=n, msg=f"[PRODUCER] Consumer return: {cr}")
        replies.append(cr)
    await items.put(None)


async def main(params):
    items, answers = asyncio.Queue(maxsize=1), asyncio.Queue(maxsize=1)
    sleeps = params["items"] * params.delay
    started = time.perf_counter()
    with probe.phase("produce and consume", theory_s=sleeps):
        consuming = asyncio.create_task(consumer(items, answers, params.delay), name="consumer")
        producing = asyncio.create_task(produce(items, answers, params["items"]), name="producer")
        await asyncio.gather(producing, consuming)
    elapsed = time.perf_counter() - started

    expected = [(who, n) for n in range(1, params["items"] + 1) for who in ("PRODUCER", "CONSUMER")]
    probe.check("PRODUCER and CONSUMER strictly alternate", turns == expected)
    probe.check("every item came back with '200 OK'", replies == ["200 OK"] * params["items"])
    probe.check(
        "no time saved: the consumer's sleeps add up",
        elapsed >= 0.95 * sleeps and elapsed < sleeps * 1.5 + 0.2,
        elapsed_s=round(elapsed, 3), sum_of_sleeps_s=round(sleeps, 3),
    )
    probe.check("the None ended the consumer task", consuming.done() and items.empty())


if __name__ == "__main__":
    asyncio.run(main(probe.start()))
