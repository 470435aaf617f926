"""Chinese (zh) for the yield scenario: per text, a hash of its English source, then the translation.

See scenarios/README.md (translations); after changing an English text,
update its Chinese, then `python scripts/i18n_hashes.py yield KEY --write`.
"""

TEXTS = {
    "title": ("a0839fec", "yield：生成器实现的生产者/消费者、send() 与 close()、严格轮流；async/await"),
    "summary": ("ae4459e1", "文章中的生产者/消费者：next(c) 启动消费者生成器，每次 c.send(n) 让它恢复运行到下一个 yield，c.close() 结束它。控制权在同一个线程上来回传递，严格轮流，所以没有任何东西同时运行，消费者的 sleep 时间只是简单地累加起来。文章之外，async-await 变体用 async def、await 和 asyncio.Queue 讲同一个故事：同样严格轮流。"),
    "param/items": ("26358bc1", "生产者产生的数据项个数（文章：5）"),
    "param/delay": ("cba16b6b", "消费者每处理一项 sleep 的秒数（文章：1.0）"),
    "variant/producer-consumer/title": ("65da2e09", "生成器协程：生产者 send()，消费者回答 '200 Ok'，严格轮流。"),
    "variant/producer-consumer/explanation": ("9f222412", "next(c) 让消费者运行到第一个 yield；每次 c.send(n) 都带着 n 恢复它，它一直运行到下一个 yield，把 r 交还给生产者。两条泳道从不重叠：同一时刻只有其中一个在运行，在同一个线程上，每次交接都只是一次普通的函数调用。所以消费者的 time.sleep 一个接一个地累加，就像根本没有协程一样：生成器是轮流执行，而不是并行等待。c.close() 向暂停中的消费者抛入 GeneratorExit，已关闭的生成器无法再恢复（send() 会抛出 StopIteration）。"),
    "variant/async-await/title": ("1c1677be", "async def / await 加 asyncio.Queue：同样的生产者/消费者，仍然严格轮流。"),
    "variant/async-await/explanation": ("e4decded", "文章之外：这是文章里生成器协程的现代写法。生产者和消费者是两个 asyncio 任务（各占一条泳道）；生产者不再调用 c.send(n)，而是把 n 放进一个队列，再在第二个队列上 await 消费者的回答；`await` 就是一个任务让另一个任务运行的地方，正如原来的 `yield`。两条泳道仍然从不重叠，严格轮流：每一方都在等另一方，所以即使 asyncio.sleep 不会阻塞线程，消费者的 sleep 时间也一项一项累加起来，和生成器版本一样。队列里的 None 结束消费者，就像 c.close() 结束生成器。"),
    "tour": ("08957d6f", "从进程转到协程。生成器是最简单的协程：生产者 send()，消费者恢复运行，在同一个线程上严格轮流，节省不了任何时间。"),
    "check/PRODUCER and CONSUMER strictly alternate": ("15109f76", "PRODUCER 和 CONSUMER 严格轮流"),
    "check/every item came back with '200 OK'": ("69937196", "每一项都带回 '200 OK'"),
    "check/no time saved: the consumer's sleeps add up": ("36873e3e", "没有节省时间：消费者的 sleep 时间累加起来"),
    "check/the None ended the consumer task": ("9bda8de0", "None 结束了消费者任务"),
    "check/every send() came back with '200 Ok'": ("6700f33f", "每次 send() 都带回 '200 Ok'"),
    "check/a closed generator cannot be resumed": ("11ccadef", "关闭的生成器无法再恢复"),
}
