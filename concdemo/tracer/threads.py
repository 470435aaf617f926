"""Threads and waits: thread start/end, ``time.sleep``, joins, condition and lock waits.

``time`` is built in and loaded before the script starts, so ``sleep`` is
wrapped at install; ``threading`` is patched when the script (or gevent, or
multiprocessing) imports it. Waits inside multiprocessing's, threading's and
gevent's own code are not reported: only what the script itself called.
"""

from __future__ import annotations

import os
import sys
import time
from _thread import get_ident
from typing import TYPE_CHECKING

from concdemo.tracer import budget, emitter, waits
from concdemo.tracer.core import (
    BLOCKED_NS,
    _now,
    caller_module,
    emit,
    emit_call,
    mark,
    thread_name,
)
from concdemo.tracer.output import flush_thread

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
    entered_through(module.Condition)

    patch_rlock(module)
    patch_lock(module)
    waits.patch_event(module.Event)


def patch_lock(module: ModuleType) -> None:
    """``threading.Lock()`` makes a ``TracedLock`` that knows where it was made
    (also all the wait-for graph takes in a scenario's processes: waits_mode.py)."""
    original_lock: Callable[[], Any] = module.Lock
    if getattr(original_lock, "_concdemo", False):
        return

    def lock() -> Any:
        made = TracedLock(original_lock(), "threading.Lock")
        # Where it was made, for the wait-for graph (a C call's frame is not ours).
        caller = sys._getframe(1)
        made._at = f"{caller.f_code.co_filename}:{caller.f_lineno}"
        return made

    # Looked up at call time, by the script and by threading itself (an Event's
    # Condition): waits inside the libraries are not reported (see waited). After
    # gevent's monkey.patch_all, threading.Lock is gevent's again and new locks are
    # not traced.
    module.Lock = mark(lock, original_lock)  # type: ignore[attr-defined]
    # Pickled by name (a Manager registers threading.Lock and sends its registry
    # to a spawned server): "threading.Lock" finds this function, or the original
    # where the tracer is not installed.
    lock.__module__, lock.__name__, lock.__qualname__ = module.__name__, "Lock", "Lock"


def patch_rlock(module: ModuleType) -> None:
    """``threading.RLock()`` returns a ``TracedRLock`` while it would return the C
    RLock, and the plain Python one (untraced, as bare) once something (gevent's
    ``patch_thread``) set ``threading._CRLock`` to None.

    gevent's ``_patch_existing_locks`` takes ``type(threading.RLock())`` after it
    set ``_CRLock = None`` and, walking ``gc.get_objects()``, rewrites the
    ``_owner`` of every held lock of that type (an object of it without
    ``_owner`` fails the patch). So it gets ``threading._RLock`` here, as bare:
    it finds the same Python RLocks and none of our wrappers, whose C locks it
    would not have touched bare either."""
    original_rlock: Callable[..., Any] = module.RLock
    crlock = getattr(module, "_CRLock", None)
    if getattr(original_rlock, "_concdemo", False) or crlock is None:
        return

    def rlock(*args: Any, **kwargs: Any) -> Any:
        if module._CRLock is not crlock:
            return original_rlock(*args, **kwargs)
        made = TracedRLock(crlock(*args, **kwargs), "threading.RLock")
        caller = sys._getframe(1)
        made._at = f"{caller.f_code.co_filename}:{caller.f_lineno}"
        return made

    # Looked up at call time, by the script, threading (a Condition's default
    # lock), logging and the rest. mark() keeps the name "threading.RLock", so a
    # Manager's registry (SyncManager registers threading.RLock) still pickles.
    module.RLock = mark(rlock, original_rlock)  # type: ignore[attr-defined]


class _Traced:
    """A lock that reports an acquire that had to wait, as a span.

    An acquire that succeeds at once (the usual case, a re-entered RLock
    included) costs one extra Python call; anything else (``_is_owned``,
    ``_release_save``, ``_acquire_restore``, ``_at_fork_reinit``, which
    ``Condition`` and ``threading`` use) goes straight to the real lock.
    """

    __slots__ = ("__weakref__", "_at", "_lock", "_name")

    def __init__(self, lock: Any, name: str) -> None:
        self._lock = lock
        self._name = name
        self._at: str | None = None  # where the script made it (set by the factory)

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if not blocking:  # as it was, ValueError for a timeout included
            return bool(self._lock.acquire(blocking, timeout))
        if self._lock.acquire(False):
            return True
        return self._contended((True, timeout), None if timeout < 0 else timeout)

    def __enter__(self) -> bool:
        if self._lock.acquire(False):
            return True
        return self._contended((), None)

    def _contended(self, args: tuple[Any, ...], timeout: float | None) -> bool:
        # Only a wait that blocks is noted (what it waits for; its holder is
        # inferred at a hang from the `with` blocks other threads are in).
        # Its line is read from the thread's stack at a hang, not here.
        ident = get_ident()
        waits.WAITING[ident] = ("lock", self, self._name, _now(), None, 0, timeout)
        try:
            return waited(self._lock.acquire, args, self._name, 4)
        finally:
            waits.WAITING.pop(ident, None)

    def release(self) -> None:
        self._lock.release()

    def __exit__(self, *exc_info: object) -> None:
        self._lock.release()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._lock, name)

    def __repr__(self) -> str:
        return repr(self._lock)

    def __reduce_ex__(self, protocol: Any) -> Any:
        # As bare: TypeError, cannot pickle (or copy) the lock. Without this, copy
        # makes an empty wrapper whose __getattr__ recurses for want of _lock.
        return self._lock.__reduce_ex__(protocol)


class TracedLock(_Traced):
    """``threading.Lock()`` under the tracer."""

    __slots__ = ()

    def locked(self) -> bool:
        return bool(self._lock.locked())


class TracedRLock(_Traced):
    """``threading.RLock()`` under the tracer (``locked``, where the RLock has it,
    and the rest through ``__getattr__``)."""

    __slots__ = ()


# The code of threading's and multiprocessing's Condition.__enter__: `with
# cond:` enters the lock from the library, for the code that entered the
# condition (added by patch_threading and mp.patch_synchronize).
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


# (thread ident, code, instruction offset) of a site whose short lock waits are
# past the volume budget -> its budget key: a contended acquire that waited less
# than BLOCKED_NS is then tallied in a few hundred nanoseconds, not the
# microseconds of finding its thread's name and call site again. It is tallied
# while the script holds the lock it just took, so what it costs lengthens the
# script's critical section and, with it, the contention the tool reports
# (measured: the 4-process lock benchmark ran 2.9x bare with the full path).
_SHORT_WAITS: dict[tuple[int, Any, int], Any] = {}


def waited(acquire: Callable[..., Any], args: tuple[Any, ...], name: str, depth: int) -> bool:
    """A blocking acquire after a failed try: a ``lock-wait`` span, unless a library
    (not the script) is the one waiting. ``depth``: the script's frame, from here
    (``with cond:`` counts as the code that entered the condition)."""
    frame = _waiting_frame(depth)
    if frame is None or str(frame.f_globals.get("__name__", "")).startswith(_LIBRARIES):
        return bool(acquire(*args))
    t0 = _now()
    acquired = bool(acquire(*args))
    t1 = _now()
    if t1 - t0 < BLOCKED_NS:
        site = (get_ident(), frame.f_code, frame.f_lasti)
        key = _SHORT_WAITS.get(site)
        if key is not None:
            budget.tally(key, t0, t1)
            return acquired
    emit_call("lock-wait", t0, {"lock": name}, {"acquired": acquired})
    if t1 - t0 < BLOCKED_NS and _plain_thread():
        key = ("lock-wait", thread_name(), "site", _site(frame))
        if not budget.admitting(key):
            _SHORT_WAITS[(get_ident(), frame.f_code, frame.f_lasti)] = key
    return acquired


def _plain_thread() -> bool:
    """No asyncio task or greenlet lane: a thread's task name is its own name."""
    return emitter.running_lane is None and "greenlet" not in sys.modules


def _site(frame: Any) -> str:
    """The call site as ``core._call_site`` names it, from the waiting frame."""
    return f"{os.path.basename(frame.f_code.co_filename)}:{frame.f_lineno}"


def _forget_short_waits() -> None:
    _SHORT_WAITS.clear()  # a forked child's own budget starts afresh


os.register_at_fork(after_in_child=_forget_short_waits)
