"""The wait-for graph in words: the deadlock and its pitfall, or who waits for whom.

Built from ``result.waits`` and ``result.deadlock`` (``concdemo.core.waits``),
so each sentence names only what the run's processes reported at the hang. A
pitfall and its fix are named only for the loops they fit (lock-order
inversion, a join before a Queue is drained); any other loop is told edge by
edge, without a guess. No loop: no deadlock word.
"""

from __future__ import annotations

import linecache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concdemo.core.runner import RunResult

_SHOWN = 3  # edges told when there is no loop; the table has the rest

_KIND = {
    "en": {
        "lock": "lock",
        "thread": "thread",
        "process": "process",
        "pipe": "queue",
        "event": "Event",
        "condition": "Condition",
        "semaphore": "Semaphore",
        "barrier": "Barrier",
        "recv": "pipe",
        "manager": "manager call",
        "result": "pool result",
        "call": "call",
    },
    "zh": {
        "lock": "锁",
        "thread": "线程",
        "process": "进程",
        "pipe": "队列",
        "event": "Event",
        "condition": "Condition",
        "semaphore": "Semaphore",
        "barrier": "Barrier",
        "recv": "管道",
        "manager": "Manager 调用",
        "result": "进程池结果",
        "call": "调用",
    },
}


def _place(at: str | None) -> str:
    """'/a/b/x.py:9' -> 'x.py:9'."""
    if not at:
        return "?"
    file, _, line = at.rpartition(":")
    return f"{file.rsplit('/', 1)[-1]}:{line}"


def _who(party: dict[str, Any]) -> str:
    from concdemo.core.waits import who

    return who(party["process"], party["thread"])


def waits_for(edge: dict[str, Any], lang: str) -> str:
    """The hang table's cell: what the thread waits for, and who holds it."""
    mark = "（推断）" if lang == "zh" else " (inferred)"
    label = edge["on"]["label"]
    names = [_who(h) for h in edge["held_by"]]
    if any(name == label or name.endswith(f"/{label}") for name in names):
        return _object(edge["on"], lang)  # a join: what it waits for is its holder
    held = zip(names, edge["held_by"], strict=True)
    holders = ", ".join(name + (mark if h["inferred"] else "") for name, h in held)
    return _object(edge["on"], lang) + (f" ← {holders}" if holders else "")


# The words a label can already say its kind with: "lock lock_a", "Event done_event",
# "thread Thread-1" would say it twice, so such a label stands alone ("lock_a").
# Keyed by the shown word, so a Chinese word (锁) is never dropped for an English
# label; Event/Condition/Semaphore/Barrier are English in both languages.
_SAYS = {
    "lock": {"lock", "rlock", "mutex"},
    "event": {"event"},
    "condition": {"condition", "cond"},
    "semaphore": {"semaphore", "sem"},
    "barrier": {"barrier"},
    "pipe": {"pipe"},
    "queue": {"queue"},
    "thread": {"thread"},
    "process": {"process"},
}


def _label_words(label: str) -> set[str]:
    """'self.lock' -> {'self', 'lock'}; 'QueueFeederThread' -> {'queue', 'feeder', 'thread'}."""
    import re

    return {w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+", label)}


def named(on: dict[str, Any], lang: str) -> str:
    """What is waited on, in words: its kind's word and its label ('lock a'), or the
    label alone when it names the kind itself ('lock_a', 'self.lock', 'Thread-1')."""
    word = str(_KIND[lang].get(on["kind"], on["kind"]))
    label = str(on.get("label") or "")
    if not label:
        return word
    if _SAYS.get(word.lower(), set()) & _label_words(label):
        return label
    return f"{word} {label}"


def _zh(text: str) -> str:
    """``text`` to follow a Chinese word: a space before a Latin start ('等待 lock_a')."""
    return text if not text or ord(text[0]) > 0x2E7F else f" {text}"


_object = named


def _loop_edges(result: RunResult) -> list[dict[str, Any]]:
    """The edges of the deadlock's loop, in its order."""
    assert result.deadlock is not None
    by_name = {_who(e["waiter"]): e for e in result.waits if not e["timed"]}
    return [by_name[name] for name in result.deadlock["cycle"] if name in by_name]


def _holding(edge: dict[str, Any], previous: dict[str, Any], lang: str) -> str:
    """What ``edge``'s waiter holds: what the previous waiter in the loop waits for."""
    mine = next((h for h in previous["held_by"] if _who(h) == _who(edge["waiter"])), None)
    taken = _place(mine["at"]) if mine else "?"
    inferred = bool(mine and mine["inferred"])
    by_with = inferred and _is_with(mine["at"] if mine else None)
    if lang == "zh":
        how = ("，由 with 块推断" if by_with else "，由 acquire() 调用推断") if inferred else ""
        return f"持有{_zh(_object(previous['on'], lang))}（在 {taken} 获得{how}）"
    how = ""
    if inferred:
        how = ", inferred from its with block" if by_with else ", inferred from its acquire() call"
    return f"holds {_object(previous['on'], lang)} (taken at {taken}{how})"


def _is_with(at: str | None) -> bool:
    """Whether the line a holder was inferred from is a ``with`` statement (else the
    tracer read it from an ``acquire()`` call: tracer/waits.py)."""
    if not at or ":" not in at:
        return False
    file, _, line = at.rpartition(":")
    text = linecache.getline(file, int(line)) if line.isdigit() else ""
    return text.lstrip().startswith(("with ", "async with "))


def _lock_order(result: RunResult, lang: str) -> list[str]:
    loop = _loop_edges(result)
    parts = []
    for i, edge in enumerate(loop):
        holds = _holding(edge, loop[i - 1], lang)
        waits = _object(edge["on"], lang)
        if lang == "zh":
            where = _place(edge["at"])
            parts.append(f"{_who(edge['waiter'])} {holds}，并在 {where} 等待{_zh(waits)}")
        else:
            parts.append(
                f"{_who(edge['waiter'])} {holds} and waits for {waits} at {_place(edge['at'])}"
            )
    processes = len({e["waiter"]["pid"] for e in loop}) > 1
    greenlets = not processes and all(e["waiter"].get("greenlet") for e in loop)
    if lang == "zh":
        them = "进程" if processes else " greenlet " if greenlets else "线程"
        fix = f"这是{them}间的加锁顺序颠倒：让所有{them}按同一顺序获取这些锁。"
        return [f"死锁：{'；'.join(parts)}。{fix}"]
    one = "process" if processes else "greenlet" if greenlets else "thread"
    return [
        f"Deadlock: {'; '.join(parts)}. This is lock-order inversion between {one}es: "
        f"take the locks in one order in every {one}."
        if processes
        else f"Deadlock: {'; '.join(parts)}. This is lock-order inversion between {one}s: "
        f"take the locks in one order in every {one}."
    ]


def _queue_join(result: RunResult, lang: str) -> list[str]:
    loop = _loop_edges(result)
    join = next(e for e in loop if e["on"]["kind"] == "process")
    pipe = next(e for e in loop if e["on"]["kind"] == "pipe")
    parent, child = _who(join["waiter"]), join["on"]["label"]
    queue = named(pipe["on"], lang)
    made = _place(pipe["on"]["created_at"]) if pipe["on"]["created_at"] else "?"
    if lang == "zh":
        return [
            f"死锁：{parent} 在 {_place(join['at'])} 等待 {child} 结束（join），却还没有读取"
            f"{_zh(queue)}（在 {made} 创建）；{child} 要等它的 {pipe['waiter']['thread']} "
            f"把放入的数据写进队列的管道才能结束，而管道只有 {parent} 会去读。"
            f"这是“先 join 后取队列”的陷阱："
            f"在 join() 之前用 get() 取出数据（或调用 cancel_join_thread()）。"
        ]
    return [
        f"Deadlock: {parent} joins {child} at {_place(join['at'])} before reading {queue} "
        f"(made at {made}); {child} cannot end until its {pipe['waiter']['thread']} has written "
        f"what it put into the queue's pipe, which only {parent} would read. This is joining "
        f"before draining a Queue: get() the items before join() (or call cancel_join_thread())."
    ]


def _edge(edge: dict[str, Any], lang: str) -> str:
    on = edge["on"]
    made = f" (made at {_place(on['created_at'])})" if on["created_at"] and lang == "en" else ""
    made_zh = f"（在 {_place(on['created_at'])} 创建）" if on["created_at"] else ""
    holders = []
    for holder in edge["held_by"]:
        since = holder["since_s"]
        if lang == "zh":
            holder_zh = _who(holder)
            if since is not None:
                holder_zh += f" 已持有 {since:.1f} 秒"
            if holder["at"] and on["kind"] == "lock":
                holder_zh += (
                    f"（在 {_place(holder['at'])} 获得{'，推断' if holder['inferred'] else ''}）"
                )
            holders.append(holder_zh)
            continue
        text = _who(holder)
        if since is not None:
            text += f" for {since:.1f} s"
        if holder["at"] and on["kind"] == "lock":
            inferred = ", inferred" if holder["inferred"] else ""
            text += f" (taken at {_place(holder['at'])}{inferred})"
        holders.append(text)
    if lang == "zh":
        held = _HELD["zh"].get(on["kind"], "，持有者：{}").format("、".join(holders))
        if not holders:
            held = _NOBODY["zh"].get(on["kind"], "，没有进程报告谁持有它")
        what = _zh(_object(on, lang))
        return f"{_who(edge['waiter'])} 在 {_place(edge['at'])} 等待{what}{made_zh}{held}"
    held = _HELD["en"].get(on["kind"], ", held by {}").format(", ".join(holders))
    if not holders:
        held = _NOBODY["en"].get(on["kind"], ", which no process reported holding")
    return (
        f"{_who(edge['waiter'])} waits for {_object(on, lang)}{made} at {_place(edge['at'])}{held}"
    )


# Who is on the other side of a wait, by its kind (a lock's: who holds it).
_HELD = {
    "en": {
        "process": ", which ends when {} returns",
        "thread": ", which ends when {} returns",
        "recv": ", whose write end is open in {}",
        "pipe": ", which only {} would read",
        "manager": ", run by {}",
        "result": ", which {} could compute",
    },
    "zh": {
        "process": "，要等 {} 返回才结束",
        "thread": "，要等 {} 返回才结束",
        "recv": "，写端在 {} 中打开着",
        "pipe": "，只有 {} 会读它",
        "manager": "，由 {} 执行",
        "result": "，可由 {} 计算",
    },
}
# A wait nobody holds: what would end it.
_NOBODY = {
    "en": {
        "event": ", which only a set() could end",
        "condition": ", which only a notify() could end",
        "semaphore": ", which only a release() by another thread or process could end",
        "barrier": ", which only its other parties' wait() could end",
        "recv": ", whose write end no process reported open",
        "manager": ", whose manager process did not answer",
        "result": ", which no live worker reported",
    },
    "zh": {
        "event": "，只有 set() 能结束它",
        "condition": "，只有 notify() 能结束它",
        "semaphore": "，只有别的线程或进程调用 release() 才能结束它",
        "barrier": "，只有它的其余参与者调用 wait() 才能结束它",
        "recv": "，没有进程报告写端还打开着",
        "manager": "，它的 manager 进程没有应答",
        "result": "，没有存活的工作进程报告它",
    },
}


def _graph(edges: list[dict[str, Any]], lang: str, deadlock: bool) -> list[str]:
    told = [_edge(e, lang) for e in edges[:_SHOWN]]
    if not told:
        return []
    more = len(edges) - len(told)
    if lang == "zh":
        head = "死锁：" if deadlock else "停止时的等待："
        tail = f"；另有 {more} 处等待" if more > 0 else ""
        return [f"{head}{'；'.join(told)}{tail}。"]
    head = "Deadlock: " if deadlock else "Waits when stopped: "
    tail = f"; {more} more waits" if more > 0 else ""
    return [f"{head}{'; '.join(told)}{tail}."]


def _stuck_edges(result: RunResult) -> list[dict[str, Any]]:
    assert result.deadlock is not None
    names = set(result.deadlock["cycle"])
    return [e for e in result.waits if _who(e["waiter"]) in names and not e["timed"]]


def _event_never_set(result: RunResult, lang: str) -> list[str]:
    parts = []
    for edge in _stuck_edges(result):
        what = named(edge["on"], lang)
        made = edge["on"]["created_at"]
        if lang == "zh":
            made_zh = f"（在 {_place(made)} 创建）" if made else ""
            parts.append(f"{_who(edge['waiter'])} 在 {_place(edge['at'])} 等待{_zh(what)}{made_zh}")
        else:
            made_en = f" (made at {_place(made)})" if made else ""
            at = _place(edge["at"])
            parts.append(f"{_who(edge['waiter'])} waits for {what}{made_en} at {at}")
    if not parts:
        raise KeyError("event")
    if lang == "zh":
        return [
            f"永远等不到：{'；'.join(parts)}，而运行中的其余线程也都在无超时地等待，没有谁还能调用 "
            f"set()。这是 Event 从未被 set 的陷阱：在被等待的工作结束的每条路径上都调用 set()"
            f"（出错的路径也要），或带超时地等待。"
        ]
    return [
        f"Stuck for good: {'; '.join(parts)}, and every other thread of the run waits without "
        f"a timeout too, so no one is left to call set(). This is an Event never set: call "
        f"set() on every path out of the work it waits for (the error paths too), or wait "
        f"with a timeout."
    ]


def _pipe_not_closed(result: RunResult, lang: str) -> list[str]:
    # The reader's recv (a loop through a join of the reader has the join too).
    edge = next(e for e in _stuck_edges(result) if e["on"]["kind"] == "recv")
    if edge["on"].get("duplex"):
        return _duplex_not_closed(edge, lang)
    reader = _who(edge["waiter"])
    holders = [_who(h) for h in edge["held_by"]]
    made = _place(edge["on"]["created_at"]) if edge["on"]["created_at"] else "?"
    pipe = named(edge["on"], lang)
    if lang == "zh":
        others = [h for h in holders if h != reader]
        them = "它也在等待" if len(others) == 1 else "它们也都在等待"
        also = f"（还有 {'、'.join(others)}，{them}）" if others else ""
        return [
            f"永远等不到：{reader} 在 {_place(edge['at'])} 对{_zh(pipe)}（在 {made} 创建）调用 "
            f"recv()，等待数据或 EOF；但写端仍由 {reader} 自己打开着{also}，所以 EOF 永远不会到来。"
            f"这是 Pipe 写端没有关闭的陷阱：启动写入的进程后，在每个不写的进程里关闭写端"
            f"（w.close()）。"
        ]
    others = [h for h in holders if h != reader]
    verb = "waits" if len(others) == 1 else "wait"
    also = f" (and in {', '.join(others)}, which {verb} too)" if others else ""
    return [
        f"Stuck for good: {reader} calls recv() on {pipe} (made at {made}) at "
        f"{_place(edge['at'])}, waiting for data or EOF, but the write end is still open in "
        f"{reader} itself{also}, so EOF never comes. This is a Pipe whose write end was not "
        f"closed: after starting the writer, close the write end (w.close()) in every process "
        f"that does not write."
    ]


def _duplex_not_closed(edge: dict[str, Any], lang: str) -> list[str]:
    """A duplex Pipe(): each end reads what the other end sends, so EOF on one
    needs every copy of the other closed."""
    reader = _who(edge["waiter"])
    others = [_who(h) for h in edge["held_by"] if _who(h) != reader]
    made = _place(edge["on"]["created_at"]) if edge["on"]["created_at"] else "?"
    label = edge["on"]["label"]
    if lang == "zh":
        also = f"（还有 {'、'.join(others)}，它们也都在等待）" if others else ""
        return [
            f"永远等不到：{reader} 在 {_place(edge['at'])} 对双向管道的一端 {label}"
            f"（在 {made} 创建）调用 recv()，等待 EOF；但另一端仍由 {reader} 自己打开着"
            f"{also}，所以 EOF 永远不会到来。这是 Pipe 的另一端没有关闭的陷阱："
            f"把另一端交给负责写的进程后，在 {reader} 中关闭它（其他不用它的进程也要关闭）。"
        ]
    wait = "waits too" if len(others) == 1 else "wait too"
    also = f" (and in {', '.join(others)}, which {wait})" if others else ""
    return [
        f"Stuck for good: {reader} calls recv() on end {label} of a duplex pipe (made at {made}) "
        f"at {_place(edge['at'])}, waiting for EOF, but the other end is still open in "
        f"{reader} itself{also}, so EOF never comes. This is a Pipe whose other end was not "
        f"closed: once the other end is handed to the process that writes, close it in "
        f"{reader} (and in every other process that does not use it)."
    ]


def _join_recv(result: RunResult, lang: str) -> list[str]:
    """A loop of a join and a recv: the joined child reads a pipe whose only other
    writer is the process joining it."""
    loop = _loop_edges(result)
    join = next(e for e in loop if e["on"]["kind"] == "process")
    recv = next(e for e in loop if e["on"]["kind"] == "recv")
    parent, child = _who(join["waiter"]), _who(recv["waiter"])
    writers = {_who(h) for h in recv["held_by"]}
    if len(loop) != 2 or not writers <= {parent, child}:
        raise ValueError("another writer")
    made = _place(recv["on"]["created_at"]) if recv["on"]["created_at"] else "?"
    pipe = named(recv["on"], lang)
    if lang == "zh":
        also = f"（以及 {child} 自己）" if child in writers else ""
        return [
            f"死锁：{parent} 在 {_place(join['at'])} 等待 {child} 结束（join），而 {child} 在 "
            f"{_place(recv['at'])} 对{_zh(pipe)}（在 {made} 创建）调用 recv()；写端只在 {parent}"
            f"{also}中打开着，而 {parent} 正阻塞在这个 join 里，所以数据和 EOF 都不会到来。"
            f"在 join() 之前发送子进程等待的数据（或关闭写端）。"
        ]
    also = f" (and {child} itself)" if child in writers else ""
    return [
        f"Deadlock: {parent} joins {child} at {_place(join['at'])}, while {child} waits in "
        f"recv() on {pipe} (made at {made}) at {_place(recv['at'])}; its write end is open "
        f"only in {parent}{also}, and {parent} is blocked in that join, so neither data nor EOF "
        f"can come. Send what the child waits for (or close the write end) before join()."
    ]


def _worker_died(result: RunResult, lang: str) -> list[str]:
    """bpo-22393: a Pool replaces a worker that died, but the task it ran is lost."""
    parts = []
    for edge in _stuck_edges(result):
        lost = edge["lost"]
        code, made = lost["exitcode"], _place(edge["on"]["created_at"])
        if lang == "zh":
            parts.append(
                f"{_who(edge['waiter'])} 在 {_place(edge['at'])} 等待进程池结果 "
                f"{edge['on']['label']}（在 {made} 提交），但运行这个任务（{lost['func']}）的"
                f"工作进程 {lost['process']} 在任务中途退出了（退出码 {code}）"
            )
        else:
            parts.append(
                f"{_who(edge['waiter'])} waits at {_place(edge['at'])} for pool result "
                f"{edge['on']['label']} (submitted at {made}), but worker {lost['process']}, "
                f"which ran its task ({lost['func']}), exited mid-task (exit code {code})"
            )
    if lang == "zh":
        return [
            f"永远等不到：{'；'.join(parts)}。进程池会换上新的工作进程，却不会重跑或报告丢失的"
            f"任务（bpo-22393），所以这个结果永远不会到来。这是进程池工作进程中途死亡的陷阱："
            f"带超时调用 get()，或改用 concurrent.futures.ProcessPoolExecutor"
            f"（它会抛出 BrokenProcessPool）。"
        ]
    return [
        f"Stuck for good: {'; '.join(parts)}. A Pool replaces a dead worker but neither reruns "
        f"nor reports its task (bpo-22393), so this result never comes. This is a Pool worker "
        f"that died mid-task: call get() with a timeout, or use "
        f"concurrent.futures.ProcessPoolExecutor (it raises BrokenProcessPool)."
    ]


def _manager_calls(result: RunResult, lang: str) -> list[str]:
    """A proxy call blocked in a live manager: the client, the server thread
    running it, and what that thread waits for (design note §5)."""
    said = []
    by_waiter = {(e["waiter"]["pid"], e["waiter"]["ident"]): e for e in result.waits}
    for edge in result.waits:
        if edge["on"]["kind"] != "manager" or not edge["held_by"]:
            continue
        server = edge["held_by"][0]
        inner = by_waiter.get((server["pid"], server["ident"]))
        call, at = edge["on"]["label"], _place(edge["at"])
        referent = edge["on"]["referent"]
        if lang == "zh":
            text = (
                f"{_who(edge['waiter'])} 在 {at} 调用 {call}（Manager 中的 {referent}），"
                f"这个调用在 manager 的进程里由 {_who(server)} 执行"
            )
            if inner is not None:
                timed = "带超时" if inner["timed"] else "无超时"
                ends = _NOBODY["zh"].get(inner["on"]["kind"], "")
                text += f"，它正在{timed}地等待{_object(inner['on'], lang)}{ends}"
            said.append(f"停止时的等待：{text}。")
            continue
        text = (
            f"{_who(edge['waiter'])} calls {call} at {at} on its Manager's {referent}; the call "
            f"runs in the manager's process, in {_who(server)}"
        )
        if inner is not None:
            timed = "with a timeout" if inner["timed"] else "without a timeout"
            ends = _NOBODY["en"].get(inner["on"]["kind"], "")
            text += f", which waits {timed} for {_object(inner['on'], lang)}{ends}"
        said.append(f"Waits when stopped: {text}.")
    return said


def _never_released(result: RunResult, lang: str) -> list[str]:
    told = [_edge(e, lang) for e in _stuck_edges(result)[:_SHOWN]]
    if lang == "zh":
        head = "永远等不到：运行中的每个线程都在无超时地等待，下列等待没有谁能结束："
        return [f"{head}{'；'.join(told)}。"]
    return [
        "Stuck for good: every thread of the run waits without a timeout, so no one can end "
        f"these waits: {'; '.join(told)}."
    ]


def sentences(result: RunResult, lang: str) -> list[str]:
    if not result.waits:
        return []
    if result.deadlock is None:
        # Who holds a lock is news; a join's "held by" the joined one is not (the
        # sentence of where each process waited already says it).
        locks = [e for e in result.waits if e["held_by"] and e["on"]["kind"] == "lock"]
        return _graph(locks, lang, deadlock=False) + _manager_calls(result, lang)
    kind = result.deadlock["kind"]
    try:
        if kind == "lock-order":
            return _lock_order(result, lang)
        if kind == "queue-join":
            return _queue_join(result, lang)
        if kind == "event-never-set":
            return _event_never_set(result, lang)
        if kind == "pipe-not-closed":
            return _pipe_not_closed(result, lang)
        if kind == "never-released":
            return _never_released(result, lang)
        if kind == "worker-died":
            return _worker_died(result, lang)
        if kind == "wait-cycle" and {e["on"]["kind"] for e in _loop_edges(result)} == {
            "process",
            "recv",
        }:
            return _join_recv(result, lang)
    except (StopIteration, KeyError, ValueError):
        pass  # the loop lacks an edge the pitfall needs: tell the graph instead
    return _graph(_loop_edges(result), lang, deadlock=True)


# Raised where a manager's connection broke: its process is gone.
_BROKEN = ("BrokenPipeError", "EOFError", "ConnectionRefusedError", "ConnectionResetError")


def error_pitfalls(result: RunResult, lang: str) -> list[str]:
    """Two pitfalls that end in an error, not a hang (design note §5): Pool.join()
    without close() (ValueError since 3.7), and a call through a Manager's proxy
    after the manager's process ended. Said only when the run's own events show it."""
    said: list[str] = []
    gone: dict[str, int] = {}  # a manager process that ended -> its exit code
    for event in result.events:
        detail = event.detail
        if event.kind == "child-exit" and "Manager" in str(detail.get("child", "")):
            if detail.get("exitcode"):
                gone[str(detail["child"])] = int(detail["exitcode"])
            continue
        if event.kind != "error":
            continue
        kind, message = detail.get("type"), str(detail.get("message", ""))
        if kind == "ValueError" and message == "Pool is still running":
            said.append(_POOL_JOIN[lang].format(process=event.process))
        elif kind in _BROKEN and gone:
            manager, code = next(iter(gone.items()))
            said.append(
                _MANAGER_GONE[lang].format(
                    process=event.process, error=kind, manager=manager, code=code
                )
            )
    return said


_POOL_JOIN = {
    "en": "{process} called Pool.join() before close(): join() waits for workers that would "
    "never stop, so it refuses (ValueError). Call pool.close() (or pool.terminate()) first, "
    "then pool.join().",
    "zh": "{process} 在 close() 之前调用了 Pool.join()：join() 要等永远不会停下的工作进程，所以直接"
    "拒绝（ValueError）。先调用 pool.close()（或 pool.terminate()），再调用 pool.join()。",
}
_MANAGER_GONE = {
    "en": "{process}'s call through a Manager's proxy raised {error} because the manager's "
    "process {manager} had ended (exit code {code}): a Manager whose process is gone. Keep the "
    "manager's process alive until the last call through its proxies (inside "
    "`with Manager() as manager:`, in the process that outlives them).",
    "zh": "{process} 通过 Manager 的代理调用时抛出 {error}，因为 manager 的进程 {manager} 已经结束"
    "（退出码 {code}）：这是 Manager 进程已不在的陷阱。"
    "让 manager 的进程一直活到最后一次代理调用之后"
    "（在活得比这些调用都久的进程里使用 `with Manager() as manager:`）。",
}
