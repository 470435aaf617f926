"""Emitting one event from this process, and naming the lane it belongs to.

Events go through this process's end of the channel, the probe's too
(``concdemo.wire.process``: its writer, sequence numbers, step-mode gate, and the
fork handling that keeps them per process), encoded by ``channel.encode``: one
wire format for scenarios and traced scripts alike. Unlike ``probe.event`` an
event may have an earlier time stamp (a call that blocked becomes a span from
when it began), and naming a lane never imports ``threading``.
"""

from __future__ import annotations

import sys
import time

from concdemo.wire import process as this_process
from concdemo.wire.channel import encode

TYPE_CHECKING = False  # as typing's, without importing typing (tracer/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_state = this_process.state
_now = time.monotonic_ns

_process_name_override: str | None = None  # the forkserver names itself


# Set by tracer/aio.py once the script imported asyncio: the lane of the asyncio
# task running now in this thread, if any. What a task prints or sleeps is shown
# in its own lane. (Asked at each event, not set around each step: a step of a
# sleep(0) loop costs 2 us bare, and most steps emit nothing.)
running_lane: Callable[[], str | None] | None = None


def task_name() -> str:
    """The asyncio task, else the greenlet, else the thread, running now."""
    if running_lane is not None:
        lane = running_lane()
        if lane:
            return lane
    return thread_name()


def thread_name() -> str:
    """The greenlet, else the thread, running now, without importing anything."""
    lane = this_process.running_greenlet_lane()
    if lane is not None:
        return lane
    threading = sys.modules.get("threading")
    if threading is None:
        return "MainThread"  # no other thread can exist before threading is imported
    return str(threading.current_thread().name)


def process_name() -> str:
    if _process_name_override is not None:
        return _process_name_override
    return this_process.process_name()


def emit(
    kind: str,
    detail: dict[str, Any] | None = None,
    span: str = "",
    t_ns: int | None = None,
    task: str | None = None,
    process: str | None = None,
) -> None:
    writer = _state.writer
    if writer is None or writer.broken:
        return
    seq = _state.seq
    _state.seq = seq + 1
    message = encode(
        seq,
        _now() if t_ns is None else t_ns,
        _state.pid,
        process or process_name(),
        task or task_name(),
        kind,
        span,
        detail or {},
    )
    writer.write(message)
    if _state.gate is not None:
        _state.gate.wait()


def name_this_process(name: str | None) -> None:
    """The forkserver names itself (install.py); a forked child forgets it."""
    global _process_name_override
    _process_name_override = name
