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
}


def extra_facts(result, facts):
    replies = [e.detail.get("msg", "") for e in result.events if e.kind == "return"]
    if not replies:
        return {}
    return {"reply": repr(replies[-1].rpartition(": ")[2])}
