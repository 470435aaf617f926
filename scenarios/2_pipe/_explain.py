"""What each pipe variant showed, told from the run's facts (see concdemo.explain)."""

from concdemo.explain.template import Line

STORIES = {
    "duplex": [
        Line("The child sent {first_send_msg!r} and the parent received it; the parent answered {send_msg!r} and the child received that: both ends of one Pipe() sent and received, a round trip of {phase_round_trip_s:.3f} s.",
             "子进程发送了 {first_send_msg!r}，父进程收到了；父进程回复 {send_msg!r}，子进程也收到了：同一个 Pipe() 的两端都既能发送也能接收，一次往返用了 {phase_round_trip_s:.3f} 秒。",
             when=lambda f: f.recv_count == f.send_count),
    ],
    "simplex": [
        Line("{recv_msg!r} went the one allowed way, from the send-only end to the receive-only end.",
             "{recv_msg!r} 沿唯一允许的方向传递：从只发送的一端到只接收的一端。"),
        Line("send() on the receive-only end raised {first_raised_type} ({first_raised_message}), and recv() on the send-only end raised {raised_type} ({raised_message}).",
             "在只接收的一端调用 send() 抛出了 {first_raised_type}（{first_raised_message}），在只发送的一端调用 recv() 抛出了 {raised_type}（{raised_message}）。"),
    ],
    "eof": [
        Line("recv() blocked {first_recv_waited_s:.2f} s until the child sent; both messages ({messages}) arrived, and then, with the child's end closed and nothing left, recv() raised {raised_type}.",
             "recv() 阻塞了 {first_recv_waited_s:.2f} 秒，直到子进程发送；两条消息（{messages}）都到达了，之后子进程那端已关闭、也没有剩余数据，recv() 抛出了 {raised_type}。"),
    ],
    "pickle": [
        Line("{recv_value} was pickled by send() and unpickled by recv(): it came back equal, but as a copy, not the same object.",
             "{recv_value} 在 send() 时被 pickle 序列化，在 recv() 时被反序列化：它回来时相等，但是一个副本，不是同一个对象。"),
        Line("send() of a lambda raised {raised_type} at once, at the sender: {raised_message}.",
             "send() 一个 lambda 时，立即在发送端抛出了 {raised_type}：{raised_message}。"),
    ],
    "producer-consumer": [
        Line("The producer sent {send_count} buns and every process closed the ends it did not use; the consumer received {recv_count}, the last being {recv_msg!r}.",
             "生产者发送了 {send_count} 个包子，每个进程都关闭了自己不用的那一端；消费者收到了 {recv_count} 个，最后一个是 {recv_msg!r}。"),
        Line("Once the producer's end was closed everywhere, the consumer's recv() raised EOFError after {eoferror_received} buns and it stopped by itself.",
             "生产者那一端在所有进程中都关闭之后，消费者的 recv() 在收到 {eoferror_received} 个包子后抛出 EOFError，它自己结束了。"),
    ],
    "forgot-close": [
        Line("The consumer received {recv_count} of the {send_count} buns, but it still held its own copy of the sending end, so the pipe was never closed everywhere: recv() kept waiting for a message that could only come from itself, and the parent waited in join() for the consumer.",
             "消费者收到了 {send_count} 个包子中的 {recv_count} 个，但它自己仍持有发送端的一份副本，所以管道从未在所有地方关闭：recv() 一直在等一条只可能来自它自己的消息，父进程则在 join() 中等待消费者。",
             when=lambda f: f.outcome == "hang"),
    ],
    "bytes-maxlength": [
        Line("recv_bytes(maxlength) of the {send_bytes_size}-byte message raised {first_raised_type} ({first_raised_message}); after that the connection could no longer be read: {raised_type} ({raised_message}).",
             "对 {send_bytes_size} 字节的消息调用 recv_bytes(maxlength) 抛出了 {first_raised_type}（{first_raised_message}）；之后这个连接再也无法读取：{raised_type}（{raised_message}）。"),
    ],
    "bytes-into": [
        Line("A message that fits was written into the buffer at the offset ({recv_bytes_into_data}, {recv_bytes_into_size} bytes).",
             "能放下的消息被写进了缓冲区的指定偏移处（{recv_bytes_into_data}，{recv_bytes_into_size} 字节）。"),
        Line("Too small a buffer raised BufferTooShort, and the whole message was in e.args: {buffertooshort_message_in_args}.",
             "缓冲区太小时抛出了 BufferTooShort，完整的消息在 e.args 中：{buffertooshort_message_in_args}。"),
    ],
    "poll": [
        Line("poll() without a timeout answered at once: nothing yet. poll({poll_timeout:g}) waited {first_phase_s:.2f} s and returned False.",
             "不带超时的 poll() 立刻回答：还没有数据。poll({poll_timeout:g}) 等了 {first_phase_s:.2f} 秒，返回 False。"),
        Line("poll(None) waited {last_phase_s:.2f} s, until the child sent {recv_msg!r}, and returned True.",
             "poll(None) 等了 {last_phase_s:.2f} 秒，直到子进程发来 {recv_msg!r}，返回 True。"),
    ],
}


def extra_facts(result, facts):
    found = {}
    received = [e.detail["msg"] for e in result.events if e.kind == "recv" and "msg" in e.detail]
    if result.spec.variant.name == "eof" and received:
        found["messages"] = ", ".join(map(repr, received))
    timed = [e.detail["timeout"] for e in result.events
             if e.kind == "poll" and isinstance(e.detail.get("timeout"), (int, float)) and e.detail["timeout"]]
    if timed:
        found["poll_timeout"] = timed[0]
    phases = result.phases
    if phases:
        found.update(first_phase_s=phases[0].seconds, last_phase_s=phases[-1].seconds)
    values = [e.detail["value"] for e in result.events if e.kind == "recv" and "value" in e.detail]
    if values:
        found["recv_value"] = repr(values[-1])
    return found
