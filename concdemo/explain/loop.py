"""Facts of the asyncio steps that held their loop (the tracer's ``loop-blocked`` events).

Each such step kept every other task and callback of its loop from running.
The longest is named with where its step ended and, when the tracer saw one in
that task's lane meanwhile, the blocking call that held it (``time.sleep``, a
lock wait).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from concdemo.core.events import of_kinds

if TYPE_CHECKING:
    from concdemo.core.events import Event
    from concdemo.core.runner import RunResult

# Span starts that are a blocking call when they happen inside a loop's step.
_BLOCKING = {"sleep-start": "time.sleep", "lock-wait-start": "Lock.acquire"}


def loop_block_facts(result: RunResult) -> dict[str, Any]:
    """``loop_blocks``, ``loop_block_longest_ms``, ``loop_block_threshold_ms``,
    ``loop_block_by``, ``loop_block_at`` and ``loop_block_call`` (each absent
    when unknown); none without a block."""
    blocks = of_kinds(result.events, "loop-blocked")
    if not blocks:
        return {}
    longest = max(blocks, key=lambda e: float(e.detail.get("held_s", 0)))
    detail = longest.detail
    held = float(detail.get("held_s", 0))
    found: dict[str, Any] = {
        "loop_blocks": len(blocks),
        "loop_block_longest_ms": round(held * 1000),
    }
    if "threshold_ms" in detail:
        found["loop_block_threshold_ms"] = detail["threshold_ms"]
    by = _by(longest)
    if by:
        found["loop_block_by"] = by
    if detail.get("file") and detail.get("line"):
        found["loop_block_at"] = f"{detail['file']}:{detail['line']}"
    end = longest.t + held
    calls = [
        _BLOCKING[e.kind]
        for e in of_kinds(result.events, *_BLOCKING)
        if (e.pid, e.task) == (longest.pid, longest.task) and longest.t <= e.t <= end
    ]
    if calls:
        found["loop_block_call"] = calls[0]
    return found


def loop_not_traced_facts(result: RunResult) -> dict[str, Any]:
    """``loop_not_traced``: the kinds of loop (uvloop's) that ran tasks the
    tracer could not see; none when every loop was asyncio's own."""
    told = of_kinds(result.events, "loop-not-traced")
    kinds = sorted({str(e.detail.get("loop", "?")) for e in told})
    return {"loop_not_traced": ", ".join(kinds)} if kinds else {}


# Each block is told when there are at most this many; else only the longest.
_MOST_BLOCKS = 3
# A task that waited on the blocked loop starts once the block ended, within
# this much (the loop's own work in between, a busy machine).
_WAKE_WINDOW_S = 0.05
_MOST_DELAYED = 3


@dataclass(frozen=True)
class Delayed:
    """A task of the blocked loop that was due during the block and had to wait."""

    coro: str  # ticker()
    ms: int  # how long after it was due it ran
    sleep: str | None  # asyncio.sleep(0.05) that woke late; None: its first step


@dataclass(frozen=True)
class Block:
    """One step that held its loop, and the tasks it kept waiting."""

    by: str  # fetch()
    at_s: float  # when it began, seconds into the run
    held_ms: int
    delayed: list[Delayed]
    more: int  # delayed tasks beyond those listed


def loop_blocks(result: RunResult) -> list[Block]:
    """Each block (the longest only, when there are many), with the tasks of its
    loop that the run shows were due meanwhile: a sleep whose time came before
    the block ended and that woke late right after it, a task created before it
    ended whose first step came right after it. A task woken by a future or I/O
    is not listed: the run does not show when it became ready."""
    blocks = of_kinds(result.events, "loop-blocked")
    if len(blocks) > _MOST_BLOCKS:
        blocks = [max(blocks, key=lambda e: float(e.detail.get("held_s", 0)))]
    return [_block(result, b) for b in blocks]


def _block(result: RunResult, block: Event) -> Block:
    held = float(block.detail.get("held_s", 0))
    end = block.t + held
    loop = block.task.split("/", 1)[0] + "/"  # the lanes of that loop's tasks
    created = {
        e.detail["link"]: e.t for e in of_kinds(result.events, "create_task") if "link" in e.detail
    }
    last_wait: dict[str, str] = {}  # lane -> what its current await waits for
    delayed: list[Delayed] = []
    for e in result.events:
        if e.pid != block.pid or not e.task.startswith(loop) or e.task == block.task:
            continue
        if e.kind == "await-start":
            last_wait[e.task] = str(e.detail.get("on", ""))
        if not end <= e.t <= end + _WAKE_WINDOW_S:
            continue
        if e.kind == "await-end" and "late_s" in e.detail:
            late = float(e.detail["late_s"])
            if e.t - late < end:  # its time came before the block ended
                delayed.append(Delayed(_coro(e.task), round(late * 1000), last_wait.get(e.task)))
        elif e.kind == "first-step" and e.detail.get("link") in created:
            since = created[e.detail["link"]]
            if since < end:
                delayed.append(Delayed(_coro(e.task), round((e.t - since) * 1000), None))
    delayed.sort(key=lambda d: -d.ms)
    return Block(
        by=_by(block) or "?",
        at_s=block.t,
        held_ms=round(held * 1000),
        delayed=delayed[:_MOST_DELAYED],
        more=max(0, len(delayed) - _MOST_DELAYED),
    )


def _by(block: Event) -> str | None:
    """The task whose step held the loop, by its lane's coroutine (the event's
    ``coro`` is the function its step ended in: aiohttp's, deep in an await), or
    the callback that held it."""
    if "/" in block.task and block.task.endswith(")"):
        return _coro(block.task)
    callback = block.detail.get("callback")
    return f"{callback}()" if callback else None


def _coro(lane: str) -> str:
    """``MainThread/Task-2 ticker()`` -> ``ticker()``."""
    return lane.rsplit(" ", 1)[-1]
