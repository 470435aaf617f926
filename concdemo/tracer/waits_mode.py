"""The wait-for graph alone, in a scenario's processes (the probe reports their events).

A scenario whose variant says ``TRACE = ["waits"]`` (the deadlock scenario, the
queue's join-deadlock, the pipe's forgot-close) runs with
``CONCDEMO_TRACE_PARTS=waits``: ``install.install_parts`` calls ``install()``
here instead of the whole tracer (beside any other part the TRACE names). Only
the locks, joins and queue pipes that the graph needs are wrapped; their bookkeeping
(``waits.LATEST``/``WAITING``) is read at a hang by the stack signal's handler. The
probe keeps reporting starts, ends and errors, so nothing is reported twice.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # as typing's, without importing typing (tracer/__init__.py)
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any

# The modules patched in this mode (a subset of hooks.PATCHES): multiprocessing's
# locks (a blocked acquire is a lock-wait span, as traced), where threading's
# Locks are made, its joins, Process.join and where each Queue and Pipe was made
# (bookkeeping only, below).
WAIT_PATCHES = {
    "multiprocessing.synchronize": ("concdemo.tracer.mp", "patch_synchronize"),
    "threading": ("concdemo.tracer.waits_mode", "patch_thread_locks"),
    "multiprocessing.process": ("concdemo.tracer.waits_mode", "patch_join"),
    "multiprocessing.queues": ("concdemo.tracer.waits_mode", "patch_queue_made"),
    "multiprocessing.connection": ("concdemo.tracer.waits_mode", "patch_pipe_made"),
}


def patch_pipe_made(module: ModuleType) -> None:
    """Where each Pipe() the script made was made, and which end is whose peer
    (``waits.note_pipe``): send/recv stay the probe's, their wire format bare."""
    from concdemo.tracer import mp, waits
    from concdemo.tracer.core import mark

    original = module.Pipe
    if getattr(original, "_concdemo", False):
        return

    def Pipe(*args: Any, **kwargs: Any) -> Any:  # multiprocessing's name, as it shows
        ends = original(*args, **kwargs)
        if mp._made_by_the_script():
            waits.note_pipe(ends, waits.place(waits.user_frame(1)))
        return ends

    setattr(module, "Pipe", mark(Pipe, original))  # noqa: B010


def patch_queue_made(module: ModuleType) -> None:
    """Where each Queue was made (its pipe names it in the graph); put/get stay the probe's."""
    from concdemo.tracer import mp

    mp._wrap(module.Queue, "__init__", mp._make_queue_init)


def patch_thread_locks(module: ModuleType) -> None:
    """Where each ``threading.Lock()`` was made (its waits and holders are read
    from the frames at a hang) and ``Thread.join`` noted: the whole tracer's thread
    events (starts, ends, joins) stay off, so a scenario's lanes are its own."""
    from threading import get_ident

    from concdemo.tracer import waits
    from concdemo.tracer.core import _now
    from concdemo.tracer.threads import patch_lock

    patch_lock(module)
    thread = module.Thread
    join = thread.join
    if getattr(join, "_concdemo", False):
        return

    def thread_join(self: Any, timeout: float | None = None) -> Any:
        ident = get_ident()
        file, line = waits.where(waits.user_frame(1))
        waits.WAITING[ident] = ("thread", self.ident, self.name, _now(), file, line, timeout)
        try:
            return join(self, timeout)
        finally:
            waits.WAITING.pop(ident, None)

    thread_join._concdemo = True  # type: ignore[attr-defined]
    thread.join = thread_join


def patch_join(module: ModuleType) -> None:
    """``Process.join`` noted in ``WAITING`` while it waits, and nothing sent: the
    probe's own events tell the story; the graph needs who waits for which child."""
    from threading import get_ident

    from concdemo.tracer import waits
    from concdemo.tracer.core import _now

    cls = module.BaseProcess
    original = cls.join
    if getattr(original, "_concdemo", False):
        return

    def join(self: Any, timeout: float | None = None) -> Any:
        ident = get_ident()
        file, line = waits.where(waits.user_frame(1))
        waits.WAITING[ident] = ("process", self.pid, self.name, _now(), file, line, timeout)
        try:
            return original(self, timeout)
        finally:
            waits.WAITING.pop(ident, None)

    join._concdemo = True  # type: ignore[attr-defined]
    cls.join = join


def install() -> None:
    """Called once per fresh interpreter, from the boot ``sitecustomize``."""
    from concdemo.tracer import hooks, waits

    for name in WAIT_PATCHES:
        module = sys.modules.get(name)
        if module is not None:
            hooks._patch(name, module, WAIT_PATCHES)
    sys.meta_path.insert(0, hooks.PostImportFinder(WAIT_PATCHES))
    waits.install_handler()
    os.register_at_fork(after_in_child=waits.forget)
