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
        held = f"，持有者：{'、'.join(holders)}" if holders else "，没有进程报告谁持有它"
        what = _zh(_object(on, lang))
        return f"{_who(edge['waiter'])} 在 {_place(edge['at'])} 等待{what}{made_zh}{held}"
    held = f", held by {', '.join(holders)}" if holders else ", which no process reported holding"
    return (
        f"{_who(edge['waiter'])} waits for {_object(on, lang)}{made} at {_place(edge['at'])}{held}"
    )


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
        if lang == "zh":
            parts.append(f"{_who(edge['waiter'])} 在 {_place(edge['at'])} 等待{_zh(what)}")
        else:
            parts.append(f"{_who(edge['waiter'])} waits for {what} at {_place(edge['at'])}")
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
        return _graph(locks, lang, deadlock=False)
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
