"""yield: a generator as a coroutine (yield实现协程并发).

The article's producer/consumer: next(c) primes the consumer generator, each
c.send(n) resumes it until its next yield, and c.close() ends it. Control
passes back and forth on one thread, strictly in turn, so nothing runs at the
same time and the consumer's sleeps simply add up. Beyond the article, the
async-await variant tells the same story with async def, await and an
asyncio.Queue: the same strict turns.
"""

NAME = "yield"
TITLE = "yield: generator producer/consumer, send() and close(), strict turn-taking; async/await"
VARIANTS = ["producer-consumer", "async-await"]
DEFAULTS = ["producer-consumer"]
PARAMS = [
    {"name": "items", "type": "int", "default": 5, "min": 1, "max": 1000,
     "help": "items the producer makes (the article: 5)"},
    {"name": "delay", "type": "float", "default": 0.05, "min": 0.0, "max": 10.0,
     "help": "seconds the consumer sleeps per item (the article: 1.0)"},
]
