"""Threads and waits: thread start/end, ``time.sleep``, joins, condition waits, and the
span of a multiprocessing lock acquire that waited (``waited``, for mp.py).

``time`` is built in and loaded before the script starts, so ``sleep`` is
wrapped at install; ``threading`` is patched when the script (or gevent, or
multiprocessing) imports it. Waits inside multiprocessing's, threading's and
gevent's own code are not reported: only what the script itself called.
"""

from __future__ import annotations

import sys
import time
from _thread import get_ident

from concdemo.tracer import waits
from concdemo.tracer.core import (
    BLOCKED_NS,
    _now,
    caller_module,
    emit,
    emit_call,
    mark,
)
from concdemo.tracer.output import flush_thread

TYPE_CHECKING = False  # as typing's, without importing typing (tracer/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType
    from typing import Any

_LIBRARIES = (
    "multiprocessing",
    "concurrent.",
    "threading",
    "gevent",
    "queue",
    "asyncio",
    "logging",
)


def _by_library() -> bool:
    # caller_module(3): our wrapper's caller (0 is caller_module, 1 this function).
    return caller_module(3).startswith(_LIBRARIES)


def _handed_over(function: Any) -> bool:
    """The library code calling ``function`` runs it as the task the script handed
    it (``Thread(target=time.sleep)``, ``executor.submit(time.sleep, 1)``, gevent's
    ``ThreadPool.spawn(time.sleep, 1)``): then the call is the script's. Seen in the
    calling frame (2: our wrapper's caller), which holds the task in a local
    (``func``) or in its ``self`` (``self._target``, ``self.fn``)."""
    try:
        frame: Any = sys._getframe(2)
        local = frame.f_locals
        if any(value is function for value in local.values()):
            return True
        attributes = getattr(local.get("self"), "__dict__", None)
        return isinstance(attributes, dict) and any(
            value is function for value in attributes.values()
        )
    except Exception:  # a library object's odd __getattr__: not the script's call
        return False


def install_sleep() -> None:
    original = time.sleep
    if getattr(original, "_concdemo", False):
        return

    def sleep(seconds: float) -> None:
        if not seconds or seconds <= 0 or (_by_library() and not _handed_over(sleep)):
            return original(seconds)
        t0 = _now()
        emit("sleep-start", {"seconds": seconds}, "start", t0)
        try:
            original(seconds)
        finally:
            emit("sleep-end", {}, "end")

    time.sleep = mark(sleep, original)


def patch_threading(module: ModuleType) -> None:
    thread = module.Thread
    bootstrap: Callable[..., Any] = thread._bootstrap_inner
    if getattr(bootstrap, "_concdemo", False):
        return

    def _bootstrap_inner(self: Any) -> Any:
        target = getattr(self, "_target", None)
        name = getattr(target, "__qualname__", None) if target is not None else None
        emit("thread-start", {"target": name}, task=self.name)
        try:
            return bootstrap(self)
        finally:
            flush_thread(self.name)  # (named: it is no longer threading's current thread)
            emit("thread-end", {}, task=self.name)

    thread._bootstrap_inner = mark(_bootstrap_inner, bootstrap)

    join: Callable[..., Any] = thread.join

    def thread_join(self: Any, timeout: float | None = None) -> Any:
        if _by_library():
            return join(self, timeout)
        t0 = _now()
        ident = get_ident()
        file, line = waits.where(waits.user_frame(1))
        waits.WAITING[ident] = ("thread", self.ident, self.name, t0, file, line, timeout)
        try:
            return join(self, timeout)
        finally:
            waits.WAITING.pop(ident, None)
            emit_call("thread-join", t0, {"thread": self.name}, {"alive": self.is_alive()})

    thread.join = mark(thread_join, join)

    condition_wait: Callable[..., Any] = module.Condition.wait

    def wait(self: Any, timeout: float | None = None) -> Any:
        if _by_library():
            return condition_wait(self, timeout)
        t0 = _now()
        notified = condition_wait(self, timeout)
        if _now() - t0 >= BLOCKED_NS:  # only waits that blocked
            emit_call("condition-wait", t0, {}, {"notified": bool(notified)})
        return notified

    module.Condition.wait = mark(wait, condition_wait)

    patch_rlock(module)
    patch_lock(module)
    waits.patch_event(module.Event)


def patch_lock(module: ModuleType) -> None:
    """``threading.Lock()`` makes the real lock, and remembers where the script made
    it (``waits.note_lock``: the wait-for graph names it so). Nothing wraps the
    lock itself: a wrapper's Python ``__enter__``/``__exit__`` cost more than the
    C lock's own ``with`` pair (measured: +118-150 ns on 160 ns), so who waits
    for a threading lock and who holds it are read at a hang from the frames
    (``waits.py``), and an acquire that waits is no span. Also all the wait-for
    graph takes in a scenario's processes (waits_mode.py)."""
    original_lock: Callable[[], Any] = module.Lock
    if getattr(original_lock, "_concdemo", False):
        return

    def lock() -> Any:
        made = original_lock()
        waits.note_lock(made, sys._getframe(1))  # a C call's frame is not ours
        return made

    # Looked up at call time, by the script and by threading itself (an Event's
    # Condition). After gevent's monkey.patch_all, threading.Lock is gevent's.
    module.Lock = mark(lock, original_lock)  # type: ignore[attr-defined]
    # Pickled by name (a Manager registers threading.Lock and sends its registry
    # to a spawned server): "threading.Lock" finds this function, or the original
    # where the tracer is not installed.
    lock.__module__, lock.__name__, lock.__qualname__ = module.__name__, "Lock", "Lock"


def patch_rlock(module: ModuleType) -> None:
    """``threading.RLock()`` makes the real RLock and remembers where, as
    ``patch_lock`` does (its holder is in its own repr at a hang). Once something
    (gevent's ``patch_thread``) set ``threading._CRLock`` to None it makes the
    plain Python one, as bare, and notes nothing."""
    original_rlock: Callable[..., Any] = module.RLock
    crlock = getattr(module, "_CRLock", None)
    if getattr(original_rlock, "_concdemo", False) or crlock is None:
        return

    def rlock(*args: Any, **kwargs: Any) -> Any:
        made = original_rlock(*args, **kwargs)
        if module._CRLock is crlock:
            waits.note_lock(made, sys._getframe(1))
        return made

    # Looked up at call time, by the script, threading (a Condition's default
    # lock), logging and the rest. mark() keeps the name "threading.RLock", so a
    # Manager's registry (SyncManager registers threading.RLock) still pickles.
    module.RLock = mark(rlock, original_rlock)  # type: ignore[attr-defined]


# The code of multiprocessing's Condition.__enter__: `with cond:` enters the
# lock from the library, for the code that entered the condition (added by
# mp.patch_synchronize).
_CONDITION_ENTERS: set[Any] = set()


def entered_through(condition: type) -> None:
    """A wait in ``condition.__enter__`` is the wait of the code that entered it."""
    code = getattr(getattr(condition, "__enter__", None), "__code__", None)
    if code is not None:
        _CONDITION_ENTERS.add(code)


def _waiting_frame(depth: int) -> Any:
    """The frame of the code that waited, ``depth`` frames up (0 is this
    function's caller's caller, as for caller_module), past ``Condition.__enter__``
    if that is it."""
    try:
        frame: Any = sys._getframe(depth)
    except ValueError:
        return None
    if frame.f_code in _CONDITION_ENTERS and frame.f_back is not None:
        frame = frame.f_back
    return frame


def waited(acquire: Callable[..., Any], args: tuple[Any, ...], lock: Any, depth: int) -> bool:
    """A blocking acquire of a multiprocessing ``lock`` after a failed try: a
    ``lock-wait`` span when it blocked BLOCKED_NS (1 ms) or more and the script
    (not a library) waited; ``depth``: the script's frame, from here (``with
    cond:`` counts as the code that entered the condition).

    A shorter wait (the lock changing hands) is not reported, as an acquire that
    did not wait is not: whatever runs around it runs while the script holds the
    lock it held (nested) or has just taken, so it lengthens the script's critical
    section and, with it, the contention the tool would report. Counting each in
    a summary made contended locks' runs several tenths slower (measured:
    benchmarks/lock_overhead.py, split layout); two clock reads are all it costs."""
    t0 = _now()
    acquired = bool(acquire(*args))
    if _now() - t0 >= BLOCKED_NS:
        frame = _waiting_frame(depth)
        if frame is not None and not str(frame.f_globals.get("__name__", "")).startswith(
            _LIBRARIES
        ):
            name = f"multiprocessing.{type(lock).__name__}"
            emit_call("lock-wait", t0, {"lock": name}, {"acquired": acquired})
    return acquired


