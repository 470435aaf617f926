"""Facts of the asyncio steps that held their loop (the tracer's ``loop-blocked`` events).

Each such step kept every other task and callback of its loop from running.
The longest is named with where its step ended and, when the tracer saw one in
that task's lane meanwhile, the blocking call that held it (``time.sleep``, a
lock wait).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from concdemo.core.events import of_kinds

if TYPE_CHECKING:
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
    if detail.get("coro"):
        found["loop_block_by"] = f"{detail['coro']}()"
    elif detail.get("callback"):
        found["loop_block_by"] = f"{detail['callback']}()"
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
    late = _woke_late(result, longest.pid, end)
    if late:
        found["loop_block_late"] = ", ".join(late)
    return found


# A task's step that waited on the blocked loop starts once the block ended,
# within this much (the loop's own work in between, a busy machine).
_WAKE_WINDOW_S = 0.05
_MOST_LATE = 3


def _woke_late(result: RunResult, pid: int, block_end: float) -> list[str]:
    """The sleeps of that process that woke late right after the block:
    ``ticker() +264 ms``, the latest first, at most three and "…"."""
    late = [
        e
        for e in of_kinds(result.events, "await-end")
        if e.pid == pid and "late_s" in e.detail and block_end <= e.t <= block_end + _WAKE_WINDOW_S
    ]
    late.sort(key=lambda e: -float(e.detail["late_s"]))
    shown = [
        f"{e.task.rsplit(' ', 1)[-1]} +{round(float(e.detail['late_s']) * 1000)} ms"
        for e in late[:_MOST_LATE]
    ]
    return shown + (["…"] if len(late) > _MOST_LATE else [])
