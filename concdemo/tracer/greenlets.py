"""greenlet switches and gevent's spawn, sleep, joinall, monkey.patch_all and
the children its loop reaps.

Patched when the script imports greenlet or gevent, never earlier: a gevent
script must be able to patch before anything else is imported.
"""

from __future__ import annotations

import itertools
import sys

from concdemo.tracer.core import BLOCKED_NS, _now, emit, emit_call, mark, short
from concdemo.wire.process import greenlet_lane

TYPE_CHECKING = False  # as typing's, without importing typing (tracer/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType
    from typing import Any


def current_greenlet_name(glet: Any) -> str:
    if not (getattr(glet, "concdemo_label", None) or getattr(glet, "name", None)):
        if getattr(glet, "parent", None) is None:
            return "main"
        if type(glet).__name__ == "Hub":  # gevent's event loop
            return "Hub"
    return greenlet_lane(glet)


def patch_greenlet(module: ModuleType) -> None:
    """Every switch between greenlets (chained to a tracer already installed).

    ``greenlet.settrace`` is per thread: this covers the thread that imported
    greenlet, which is where greenlet code runs in the scripts we know.
    """
    previous: Any = None
    main = module.getcurrent()  # the importing thread's own greenlet
    main_lane = "MainThread" if _in_main_thread() else "main greenlet"

    def lane(glet: Any) -> str:
        """The lane of a greenlet, as core.task_name names it while it runs."""
        if glet is main:
            return main_lane
        return current_greenlet_name(glet)

    def trace(event: str, args: Any) -> None:
        if event in ("switch", "throw"):
            origin, target = args
            emit(
                "switch",
                {"to": lane(target), "throw": event == "throw"},
                task=lane(origin),
            )
        if previous is not None:
            previous(event, args)

    previous = module.settrace(trace)


def _in_main_thread() -> bool:
    threading = sys.modules.get("threading")
    if threading is None:
        return True
    return bool(threading.current_thread() is threading.main_thread())


def patch_gevent(module: Any) -> None:
    spawn: Callable[..., Any] = module.spawn

    def gevent_spawn(func: Any, *args: Any, **kwargs: Any) -> Any:
        glet = spawn(func, *args, **kwargs)
        name = getattr(func, "__qualname__", None) or short(func)
        emit("spawn", {"greenlet": current_greenlet_name(glet), "func": name, "args": short(args)})
        return glet

    module.spawn = mark(gevent_spawn, spawn)

    sleep: Callable[..., Any] = module.sleep

    def gevent_sleep(seconds: float = 0, *args: Any, **kwargs: Any) -> Any:
        if not seconds:
            return sleep(seconds, *args, **kwargs)  # a plain yield to the hub
        t0 = _now()
        emit("sleep-start", {"seconds": seconds}, "start", t0)
        try:
            return sleep(seconds, *args, **kwargs)
        finally:
            emit("sleep-end", {}, "end")

    module.sleep = mark(gevent_sleep, sleep)

    joinall: Callable[..., Any] = module.joinall

    def gevent_joinall(greenlets: Any, *args: Any, **kwargs: Any) -> Any:
        t0 = _now()
        done = joinall(greenlets, *args, **kwargs)
        emit_call("joinall", t0, {}, {"done": len(done) if done is not None else None})
        return done

    module.joinall = mark(gevent_joinall, joinall)


def patch_gevent_monkey(module: Any) -> None:
    patch_all: Callable[..., Any] = module.patch_all

    def gevent_patch_all(*args: Any, **kwargs: Any) -> Any:
        result = patch_all(*args, **kwargs)
        saved = getattr(module, "saved", {})
        patched = sorted(name for name in saved if not name.startswith("_gevent"))
        emit("patch_all", {"patched": ",".join(patched)})
        return result

    module.patch_all = mark(gevent_patch_all, patch_all)


def patch_gevent_os(module: Any) -> None:
    """A child gevent watches (its ``subprocess``, a monkey-patched ``os.fork``
    or ``posix_spawn``): gevent's loop reaps it itself, in C, and hands the
    status to ``_on_child``, so no ``waitpid`` of the script's or ours sees the
    exit. There, a ``child-exit`` event with its real exit code (negative for a
    signal), as ``Popen.poll`` gives for multiprocessing's children (mp.py).
    ``_watch_child`` looks ``_on_child`` up as it starts each watcher."""
    on_child = getattr(module, "_on_child", None)
    if on_child is None or getattr(on_child, "_concdemo", False):
        return
    import os

    def _on_child(watcher: Any, callback: Any) -> Any:
        try:
            code = os.waitstatus_to_exitcode(watcher.rstatus)
        except (TypeError, ValueError):  # a stopped (traced) child: not an exit
            code = None
        if code is not None:
            emit("child-exit", {"child": None, "child_pid": watcher.pid, "exitcode": code})
        return on_child(watcher, callback)

    module._on_child = mark(_on_child, on_child)


_SOCKET_CALLS = ("connect", "accept", "recv", "recv_into", "send", "sendall")


def patch_gevent_socket(module: Any) -> None:
    """Blocking socket operations in patched code, as spans when they waited.

    A patched socket call that would block parks its greenlet in the hub; only
    those are reported, so a chatty protocol's quick calls cost one clock read.
    """
    mixin = module.SocketMixin

    def make(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        kind = f"socket-{name}"

        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            t0 = _now()
            try:
                return original(self, *args, **kwargs)
            finally:
                if _now() - t0 >= BLOCKED_NS:
                    emit_call(kind, t0, {}, {})

        mark(call, original)
        return call

    for name in _SOCKET_CALLS:
        original = mixin.__dict__.get(name)
        if original is not None and not getattr(original, "_concdemo", False):
            setattr(mixin, name, make(name, original))


_pool_workers = itertools.count(1)


def patch_gevent_threadpool(module: Any) -> None:
    """gevent's ``ThreadPool`` runs each worker in a real thread that it starts
    with the original ``start_new_thread``, not as a ``threading.Thread``: each
    is a lane of its own (``ThreadPoolWorker-N``), from its start to its end,
    and what its tasks do (a sleep) is shown there."""
    worker = getattr(module, "_WorkerGreenlet", None)
    begin = getattr(worker, "_begin", None)
    if worker is None or begin is None or getattr(begin, "_concdemo", False):
        return

    def _begin(self: Any, *args: Any, **kwargs: Any) -> Any:
        # Named on the worker greenlet, which runs the tasks (core.task_name);
        # this frame runs in the thread's own root greenlet, hence task= here.
        label = self.concdemo_label = f"ThreadPoolWorker-{next(_pool_workers)}"
        emit("thread-start", {"target": f"{type(self).__name__}.run"}, task=label)
        try:
            return begin(self, *args, **kwargs)
        finally:
            emit("thread-end", {}, task=label)

    worker._begin = mark(_begin, begin)
