"""What the hooks share: a call reported as an instant or as the span it waited,
the volume budget's say on each call, short reprs, and the tracer's own frames
(kept out of the script's tracebacks). Emitting itself is ``emitter``'s job, and
installing the hooks ``install``'s."""

from __future__ import annotations

import os
import sys

from concdemo.tracer import budget
from concdemo.tracer.emitter import _now, _state, emit, process_name, task_name, thread_name

TYPE_CHECKING = False  # as typing's, without importing typing (tracer/__init__.py)
if TYPE_CHECKING:
    from typing import Any

__all__ = [  # emitter's names, used by the hooks through this module
    "_now",
    "_state",
    "emit",
    "process_name",
    "task_name",
    "thread_name",
]

# A call that waited longer than this is shown as a span of the time it waited.
BLOCKED_NS = 1_000_000


def emit_call(kind: str, t0_ns: int, detail: dict[str, Any], end: dict[str, Any]) -> None:
    """A call that began at ``t0_ns`` and has just returned (or raised).

    Quick calls are one instant event; a call that blocked is a span of the
    time it waited. ``end`` holds what is only known afterwards (the item a
    ``get`` received, the link it carried, the exception).
    """
    t1 = _now()
    task = task_name()
    if not admitted(kind, task, t0_ns, t1, "error" in end):
        return
    if t1 - t0_ns < BLOCKED_NS:
        emit(kind, {**detail, **end}, t_ns=t0_ns, task=task)
        return
    emit(f"{kind}-start", detail, "start", t0_ns, task)
    emit(f"{kind}-end", {**end, "waited_s": round((t1 - t0_ns) / 1e9, 6)}, "end", t1, task)


def admitted(kind: str, task: str, t0_ns: int, t1_ns: int, failed: bool = False) -> bool:
    """Whether this occurrence of a call is sent on its own; if not, it is tallied:
    a million puts in a loop are counted per kind, lane and call site (budget.py)."""
    key = (kind, task, "site", _call_site())
    if budget.admit(key):
        return True
    budget.tally(key, t0_ns, t1_ns, failed)
    return False


def _call_site() -> str:
    """``file.py:line`` of the code that made the hooked call (past our wrappers)."""
    frame: Any = sys._getframe(2)
    while frame is not None and is_ours(frame):
        frame = frame.f_back
    if frame is None:
        return ""
    return f"{os.path.basename(frame.f_code.co_filename)}:{frame.f_lineno}"


_SCALARS = (int, float, bool, type(None))
_shortener: Any = None


def short(value: Any, limit: int = 60) -> str:
    """A short repr for a detail, in time bounded by ``limit`` for the usual
    types (a 10 MB string or a million-item list is not repr'd whole); never
    raises, since a user's ``__repr__`` may."""
    global _shortener
    kind = type(value)
    try:
        if kind in _SCALARS:
            text = repr(value)
        elif kind is str or kind is bytes:
            text = repr(value[: limit + 1])
        else:
            if _shortener is None:
                import reprlib  # containers: reprlib stops after a few items

                _shortener = reprlib.Repr()
                _shortener.maxstring = _shortener.maxother = limit
            text = _shortener.repr(value)
    except Exception as exc:  # any user __repr__ can fail
        text = f"<{kind.__name__}: repr failed ({type(exc).__name__})>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def caller_module(depth: int = 2) -> str:
    """The module name of the code that called the hooked function."""
    try:
        return str(sys._getframe(depth).f_globals.get("__name__", ""))
    except ValueError:
        return ""


def mark(wrapper: Any, original: Any) -> Any:
    """``wrapper`` dressed as ``original`` (what functools.wraps copies, without
    importing functools), and marked as ours so that no patch wraps twice."""
    for attribute in ("__module__", "__name__", "__qualname__", "__doc__"):
        setattr(wrapper, attribute, getattr(original, attribute, None))
    wrapper.__wrapped__ = original
    wrapper._concdemo = True
    return wrapper


# Frames of this package: a wrapper between the script and the function it called.
_TRACER_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def is_ours(frame: Any) -> bool:
    return str(frame.f_code.co_filename).startswith(_TRACER_DIR)


def without_our_frames(exc: BaseException) -> Any:
    """The exception's traceback, and those of its causes and contexts, with the
    tracer's wrapper frames unlinked: what the script would print bare."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        head = last = None
        tb = current.__traceback__
        while tb is not None:
            following = tb.tb_next
            if not is_ours(tb.tb_frame):
                if last is None:
                    head = tb
                else:
                    last.tb_next = tb
                last = tb
            tb = following
        if last is not None:
            last.tb_next = None
        current.__traceback__ = head
        pending += [current.__cause__, current.__context__]
    return exc.__traceback__


def probe_error(exc: BaseException) -> None:
    """An ``error`` event with the innermost frame of the exception, like probe's."""
    tb = exc.__traceback__
    where: dict[str, Any] = {}
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None:
        code = tb.tb_frame.f_code
        where = {
            "file": os.path.basename(code.co_filename),
            "line": tb.tb_lineno,
            "function": code.co_name,
        }
    emit("error", {"type": type(exc).__name__, "message": str(exc)[:500], **where})
