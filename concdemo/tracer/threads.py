"""Threads and waits: thread start/end, ``time.sleep``, joins and condition waits.

``time`` is built in and loaded before the script starts, so ``sleep`` is
wrapped at install; ``threading`` is patched when the script (or gevent, or
multiprocessing) imports it. Waits inside multiprocessing's, threading's and
gevent's own code are not reported: only what the script itself called.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from concdemo.tracer.core import _now, caller_module, emit, emit_call

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType
    from typing import Any

_LIBRARIES = ("multiprocessing", "concurrent.", "threading", "gevent", "queue", "asyncio")


def _by_library() -> bool:
    # caller_module(3): our wrapper's caller (0 is caller_module, 1 this function).
    return caller_module(3).startswith(_LIBRARIES)


def _mark(wrapper: Any, original: Any) -> Any:
    for attribute in ("__module__", "__name__", "__qualname__", "__doc__"):
        setattr(wrapper, attribute, getattr(original, attribute, None))
    wrapper.__wrapped__ = original
    wrapper._concdemo = True
    return wrapper


def install_sleep() -> None:
    original = time.sleep
    if getattr(original, "_concdemo", False):
        return

    def sleep(seconds: float) -> None:
        if not seconds or seconds <= 0 or _by_library():
            return original(seconds)
        t0 = _now()
        emit("sleep-start", {"seconds": seconds}, "start", t0)
        try:
            original(seconds)
        finally:
            emit("sleep-end", {}, "end")

    time.sleep = _mark(sleep, original)


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
            emit("thread-end", {}, task=self.name)

    thread._bootstrap_inner = _mark(_bootstrap_inner, bootstrap)

    join: Callable[..., Any] = thread.join

    def thread_join(self: Any, timeout: float | None = None) -> Any:
        if _by_library():
            return join(self, timeout)
        t0 = _now()
        try:
            return join(self, timeout)
        finally:
            emit_call("thread-join", t0, {"thread": self.name}, {"alive": self.is_alive()})

    thread.join = _mark(thread_join, join)

    condition_wait: Callable[..., Any] = module.Condition.wait

    def wait(self: Any, timeout: float | None = None) -> Any:
        if _by_library():
            return condition_wait(self, timeout)
        t0 = _now()
        notified = condition_wait(self, timeout)
        if _now() - t0 >= 1_000_000:  # only waits that blocked
            emit_call("condition-wait", t0, {}, {"notified": bool(notified)})
        return notified

    module.Condition.wait = _mark(wait, condition_wait)
