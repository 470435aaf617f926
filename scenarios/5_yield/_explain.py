"""What the yield variant showed, told from the run's facts (see concdemo.explain)."""

from concdemo.explain.template import Line

STORIES = {
    "producer-consumer": [
        Line("next(c) ran the consumer up to its first yield; each of the {produce_count} c.send(n) calls resumed it with n, and it ran until the next yield handed back {reply}.",
             "next(c) 让消费者运行到第一个 yield；{produce_count} 次 c.send(n) 调用每次都带着 n 恢复它，它一直运行到下一个 yield，交回 {reply}。"),
        Line("PRODUCER and CONSUMER took strict turns on one thread ({consume_count} items), so the consumer's {sleep_done} sleeps of {delay:g} s added up: {phase_produce_and_consume_s:.2f} s in all, against {phase_produce_and_consume_theory_s:.2f} s of sleeps. A generator takes turns; it does not wait in parallel.",
             "PRODUCER 和 CONSUMER 在一个线程上严格轮流（{consume_count} 个产品），所以消费者的 {sleep_done} 次、每次 {delay:g} 秒的睡眠累加起来：总共 {phase_produce_and_consume_s:.2f} 秒，睡眠合计 {phase_produce_and_consume_theory_s:.2f} 秒。生成器只是轮流执行，不会并行等待。"),
        Line("c.close() ended the consumer, and resuming it afterwards raised {raised_type}.",
             "c.close() 结束了消费者，之后再恢复它就抛出了 {raised_type}。"),
    ],
    "async-await": [
        Line("The producer and the consumer were two asyncio tasks on one thread: for each of the {produce_count} items the producer put n on a queue and awaited the consumer's answer, {reply}, on a second queue. Each await was where one task let the other run, as yield was.",
             "生产者和消费者是同一个线程上的两个 asyncio 任务：{produce_count} 个产品中的每一个，生产者都把 n 放进一个队列，再在第二个队列上 await 消费者的回答 {reply}。每个 await 都是一个任务让另一个任务运行的地方，就像 yield 一样。"),
        Line("The turns strictly alternated ({consume_count} items), so although asyncio.sleep does not block the thread, the consumer's {sleep_done} sleeps of {delay:g} s added up: {phase_produce_and_consume_s:.2f} s in all, against {phase_produce_and_consume_theory_s:.2f} s of sleeps. Each side waited for the other, so there was nothing to overlap.",
             "双方严格轮流（{consume_count} 个产品），所以尽管 asyncio.sleep 不会阻塞线程，消费者的 {sleep_done} 次、每次 {delay:g} 秒的睡眠还是累加起来：总共 {phase_produce_and_consume_s:.2f} 秒，睡眠合计 {phase_produce_and_consume_theory_s:.2f} 秒。每一方都在等另一方，所以没有什么可以重叠。",
             when=lambda f: f.alternated),
        Line("After the {produce_count} items the producer put None on the queue, and the consumer task returned, as c.close() ended the generator.",
             "{produce_count} 个产品之后，生产者往队列里放了一个 None，消费者任务随之返回，就像 c.close() 结束了生成器一样。",
             when=lambda f: f.none_ended_consumer),
    ],
}


def _held(result, what):
    """True if the run's check saying ``what`` held; None (not observed) if it did not run."""
    return next((c.ok or None for c in result.checks if c.what == what), None)


def extra_facts(result, facts):
    found = {
        "alternated": _held(result, "PRODUCER and CONSUMER strictly alternate"),
        "none_ended_consumer": _held(result, "the None ended the consumer task"),
    }
    if result.spec.variant.name == "async-await":
        found["sleep_done"] = _sleeps_done(result)
    replies = [e.detail.get("msg", "") for e in result.events if e.kind == "return"]
    if replies:
        found["reply"] = repr(replies[-1].rpartition(": ")[2])
    return found


def _sleeps_done(result):
    """The consumer's asyncio.sleep awaits that ended (the tracer's await spans:
    TRACE = ["asyncio"]), the generator's probe sleep spans' counterpart."""
    on = {}
    done = 0
    for e in result.events:
        if e.kind == "await-start":
            on[e.task] = str(e.detail.get("on", ""))
        elif e.kind == "await-end" and on.get(e.task, "").startswith("asyncio.sleep("):
            done += 1
    return done
