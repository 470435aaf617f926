"""asyncio: a lane per Task, what each await waited for, create_task and Queue links,
and every step that held the loop.

Patched when the script imports asyncio, at class level, so every loop is
covered (the one ``asyncio.run`` makes later, loops in other threads). The
user's coroutines are never wrapped and the Task class never replaced
(the project's asyncio design note: tracers that did broke ``inspect``,
``cr_frame`` and task identity); we patch the loop's machinery instead:

- ``Handle._run``, which runs every task step and every callback: a handle
  whose callback is bound to a Task (``TaskStepMethWrapper``, the wakeup) is a
  step of that task. It is timed with two clock reads; what the task waits for
  is read only when the step ended suspended on a future (``_fut_waiter``).
- ``BaseEventLoop.create_task``, which ``asyncio.create_task``, ``gather``,
  ``TaskGroup`` and ``asyncio.run`` all reach: the creator's ``create_task``
  event and the task's ``first-step`` share a link. An eager task's first step
  (3.12+) runs inside it, with no handle: it is reported from there.
- ``Queue.put_nowait``/``get_nowait``, which ``put``/``get`` call: each item's
  put and the get that received it share a link.
- ``BaseEventLoop.call_soon``, through which a done future schedules the
  wakeup of the task awaiting it: who made it done (a task's step, a timer, an
  I/O readiness, an executor's result) becomes a ``wake`` event linked to the
  end of that task's await span; a cancelled future's caller of ``cancel()``
  is what the task's end says cancelled it.
- ``BaseEventLoop.run_in_executor``: the work is a linked span where it ran.

Nothing is emitted for a step that neither waited, blocked nor ended, so a
``sleep(0)`` loop pays only the wrapper.
"""

from __future__ import annotations

import os
import sys
import threading

from concdemo.tracer import emitter
from concdemo.tracer.core import (
    BLOCKED_NS,
    _now,
    _state,
    admitted,
    emit,
    mark,
    short,
    task_name,
    thread_name,
)
from concdemo.tracer.env import ENV_LOOP_BLOCK_MS, ENV_TRACE_OWN_DIR
from concdemo.tracer.links import TaskCall, new_link
from concdemo.wire import process as this_process

TYPE_CHECKING = False  # as typing's, without importing typing (tracer/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType
    from typing import Any

# A step (or callback) that held the loop this long is reported: no other task
# or callback of that loop could run meanwhile. `run PATH.py --loop-block-ms N`
# sets it through the environment (read once, when asyncio is patched).
LOOP_BLOCKED_NS = 20_000_000
# A sleep that ended this much after its delay is reported as late.
LATE_S = 0.005


def _loop_blocked_ns() -> int:
    """The threshold the CLI passed (validated there); the default otherwise."""
    given = os.environ.get(ENV_LOOP_BLOCK_MS, "")
    try:
        ms = float(given)
    except ValueError:
        return LOOP_BLOCKED_NS
    return int(ms * 1_000_000) if ms > 0 else LOOP_BLOCKED_NS

_ATTR = "_concdemo_aio"  # our state on a Task (C tasks take instance attributes)
_LINKS = "_concdemo_links"  # on a Queue: id(item) -> the links of its pending puts
_WORK = "_concdemo_work"  # on run_in_executor's future: what runs, and its link

_LIBRARY_MARKS = (f"{os.sep}site-packages{os.sep}", f"{os.sep}dist-packages{os.sep}")


class _Task:
    """What we know of one task: its lane, and the wait its last step ended in."""

    __slots__ = ("cancel", "first", "info", "lane", "link", "quiet", "wait_from", "wait_on", "woke")

    def __init__(self, lane: str, link: str | None, info: dict[str, Any], quiet: bool) -> None:
        self.lane = lane
        self.link = link
        self.info = info  # name, coroutine, library: told at its first step
        # the loop's own housekeeping: no lane, only a step that held the loop
        self.quiet = quiet
        self.first = not quiet
        self.wait_from = 0  # when the last step ended suspended on a future
        self.wait_on: dict[str, Any] = {}
        # what made the awaited future done, as it did: (its lane, when, how);
        # told as a ``wake`` event linked to the wait's end, if the wait is shown
        self.woke: tuple[str, int, dict[str, Any]] | None = None
        self.cancel: dict[str, Any] | None = None  # who called cancel(), where


def _is_library(filename: str, own_dir: str = "") -> bool:
    if own_dir and os.path.abspath(filename).startswith(own_dir):
        return False  # a scenario's own code, even where the package is installed
    if filename.startswith("<"):
        return True
    if any(mark in filename for mark in _LIBRARY_MARKS):
        return True
    stdlib = os.path.dirname(os.__file__)
    return filename.startswith(stdlib + os.sep)


def _coro_name(coro: Any) -> str:
    return str(getattr(coro, "__qualname__", None) or type(coro).__name__)


def _chain(coro: Any) -> list[Any]:
    """The frames of the coroutine and of those it awaits, outermost first."""
    found = []
    while coro is not None:
        frame = (
            getattr(coro, "cr_frame", None)
            or getattr(coro, "gi_frame", None)
            or getattr(coro, "ag_frame", None)
        )
        if frame is None:
            break
        found.append(frame)
        coro = (
            getattr(coro, "cr_await", None)
            or getattr(coro, "gi_yieldfrom", None)
            or getattr(coro, "ag_await", None)
        )
    return found


def patch_asyncio(module: ModuleType) -> None:
    events: Any = module.events
    base: Any = module.base_events
    tasks: Any = module.tasks
    run: Callable[[Any], None] = events.Handle._run
    if getattr(run, "_concdemo", False):
        return
    blocked_ns = _loop_blocked_ns()
    own = os.environ.get(ENV_TRACE_OWN_DIR, "")
    own_dir = os.path.join(os.path.abspath(own), "") if own else ""
    threshold_ms = blocked_ns / 1_000_000  # told in each event: the summary says it
    if threshold_ms == int(threshold_ms):
        threshold_ms = int(threshold_ms)
    task_types = tuple({tasks.Task, getattr(tasks, "_PyTask", tasks.Task)})
    asyncio_dir = os.path.dirname(os.path.abspath(tasks.__file__)) + os.sep
    # The loop's own coroutines (asyncio.run's shutdown_asyncgens and
    # shutdown_default_executor): housekeeping, not the script's concurrency.
    loop_file = os.path.abspath(base.__file__)
    waits = _wait_kinds(module)
    gathering = getattr(tasks, "_GatheringFuture", None)

    def user_frame(chain: list[Any]) -> Any:
        """The innermost frame of the chain that is not asyncio's own."""
        for frame in reversed(chain):
            if not frame.f_code.co_filename.startswith(asyncio_dir):
                return frame
        return None

    def where(chain: list[Any]) -> dict[str, Any]:
        frame = user_frame(chain)
        if frame is None:
            return {}
        code = frame.f_code
        return {
            "coro": getattr(code, "co_qualname", code.co_name),
            "file": os.path.basename(code.co_filename),
            "line": frame.f_lineno,
        }

    def awaited(task: Any, waiter: Any) -> dict[str, Any]:
        """What a suspended task waits for, and where in its own code."""
        chain = _chain(task.get_coro())
        on = None
        found: dict[str, Any] = {}
        if chain:
            frame = chain[-1]
            kind = waits.get(frame.f_code)
            if kind == "asyncio.sleep":
                delay = frame.f_locals.get("delay")
                on = f"asyncio.sleep({short(delay)})"
                if type(delay) in (int, float):
                    found["seconds"] = delay  # how late it woke is told at its end
            elif kind is not None:
                on = kind
        if on is None:
            work = getattr(waiter, _WORK, None)
            if work is not None:  # run_in_executor's future: the work's link
                return {**work, **where(chain)}
            if isinstance(waiter, task_types):
                on = f"task {waiter.get_name()} {_coro_name(waiter.get_coro())}()"
            elif gathering is not None and isinstance(waiter, gathering):
                on = f"gather({len(getattr(waiter, '_children', ()))})"
            else:
                on = f"future {type(waiter).__name__}"
        return {"on": on, **found, **where(chain)}

    def register(task: Any, link: str | None, coro: Any) -> _Task:
        """(An eager task that already finished has no coroutine left: ``coro``
        is the one create_task was given.)"""
        code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
        name = _coro_name(coro)
        info = {
            "coro": name,
            "library": code is None or _is_library(code.co_filename, own_dir),
        }
        if code is not None and os.path.abspath(code.co_filename) == loop_file:
            state = _Task(thread_name(), None, info, True)
        else:
            state = _Task("", link, info, False)  # its lane is named at its first step
        setattr(task, _ATTR, state)  # a Task without a __dict__ raises: caller's except
        return state

    named: dict[str, int] = {}  # lanes of tasks named by the script: how many so far

    def first_step(task: Any, state: _Task, t0: int) -> None:
        """The task's lane, named now: 3.10 and 3.11's ``asyncio.create_task``
        set the name given to it after ``loop.create_task`` returned."""
        state.first = False
        name = task.get_name()
        lane = f"{thread_name()}/{name} {state.info['coro']}()"
        if not (name.startswith("Task-") and name[5:].isdigit()):  # asyncio's are unique
            count = named[lane] = named.get(lane, 0) + 1
            if count > 1:  # two tasks of one name and coroutine: two lanes
                lane = f"{lane} #{count}"
        state.lane = lane
        detail = dict(state.info, task=name)
        if state.link is not None:
            detail["link"] = state.link
        emit("first-step", detail, t_ns=t0, task=state.lane)

    def waited(task: Any, state: _Task, t0: int) -> None:
        start = state.wait_from
        state.wait_from = 0
        woke = state.woke
        state.woke = None
        if t0 - start >= BLOCKED_NS:
            waited_s = (t0 - start) / 1e9
            end: dict[str, Any] = {"waited_s": round(waited_s, 6)}
            late = waited_s - state.wait_on.get("seconds", waited_s)
            if late >= LATE_S:  # a sleep that woke late: something held the loop
                end["late_s"] = round(late, 6)
            if woke is not None:
                # Only now, with the wait shown: a wake whose wait is too short to
                # show costs no event (a sleep(0) loop never gets here at all).
                lane, when, how = woke
                link = new_link(_state.pid)
                emit("wake", {**how, "task": task.get_name(), "link": link}, t_ns=when, task=lane)
                end["link"] = link
                end["woken_by"] = how["by"]
            emit("await-start", state.wait_on, "start", start, state.lane)
            emit("await-end", end, "end", t0, state.lane)
        elif "link" in state.wait_on:  # run_in_executor's work, too quick for a span
            emit("run_in_executor", state.wait_on, t_ns=start, task=state.lane)

    def after_step(task: Any, state: _Task, t0: int, t1: int) -> None:
        """After an eager first step; ``_run`` does the same inline (every step)."""
        if t1 - t0 >= blocked_ns:
            emit("loop-blocked", blocked(task, state, t0, t1), t_ns=t0, task=state.lane)
        waiter = task._fut_waiter
        if waiter is not None:
            state.wait_from = t1
            state.wait_on = awaited(task, waiter)
        elif task.done():
            ended(task, state, t1)

    def blocked(task: Any, state: _Task, t0: int, t1: int) -> dict[str, Any]:
        """A step that held the loop: the task, and where its step ended (the
        line it is suspended at; a step that finished the task has none)."""
        detail = {
            "held_s": round((t1 - t0) / 1e9, 6),
            "threshold_ms": threshold_ms,
            "task": task.get_name(),
            "coro": state.info["coro"],
        }
        if not task.done():
            detail.update(where(_chain(task.get_coro())))
        return detail

    def ended(task: Any, state: _Task, t1: int) -> None:
        detail: dict[str, Any]
        if task.cancelled():
            detail = {"outcome": "cancelled", **(state.cancel or {})}
        else:
            # _exception, not exception(): that would mark the error as retrieved
            # and silence asyncio's "Task exception was never retrieved".
            exc = getattr(task, "_exception", None)
            if exc is None:
                detail = {"outcome": "returned"}
            else:
                detail = {
                    "outcome": "raised",
                    "error": type(exc).__name__,
                    "message": str(exc)[:200],
                }
        emit("task-done", detail, t_ns=t1, task=state.lane)

    def _run(self: Any) -> None:
        task = getattr(self._callback, "__self__", None)
        if task is None or not isinstance(task, task_types):
            here.handle = self  # the callback that may make a future done (woke())
            t0 = _now()
            try:
                run(self)
            finally:  # (run() lets only SystemExit and KeyboardInterrupt out)
                here.handle = None
            if _now() - t0 >= blocked_ns:
                callback_blocked(self, t0)
            return
        state = getattr(task, _ATTR, None)
        t0 = _now()
        try:
            if state is None:  # made by Task(...) itself, not through create_task
                state = register(task, None, task.get_coro())
            if state.wait_from:
                waited(task, state, t0)
            elif state.first:
                first_step(task, state, t0)
        except Exception:  # a slip of ours must never break the script's loop
            state = None
        run(self)
        if state is None:
            return
        # after_step, inlined: this is the path of every step of every task
        t1 = _now()
        try:
            if t1 - t0 >= blocked_ns:
                emit("loop-blocked", blocked(task, state, t0, t1), t_ns=t0, task=state.lane)
            waiter = task._fut_waiter
            if waiter is not None:
                if not state.quiet:
                    state.wait_from = t1
                    state.wait_on = awaited(task, waiter)
            elif task.done() and not state.quiet:
                ended(task, state, t1)
        except Exception:
            state.wait_from = 0

    get_running_loop = events._get_running_loop
    current_task = tasks.current_task

    def running_lane() -> str | None:
        loop = get_running_loop()
        if loop is None:
            return None
        state = getattr(current_task(loop), _ATTR, None)
        return None if state is None or state.quiet else state.lane

    emitter.running_lane = running_lane
    this_process.running_task_lane = running_lane  # the probe's events too (a scenario's)

    def callback_blocked(handle: Any, t0: int) -> None:
        held = _now() - t0
        callback = handle._callback
        name = getattr(callback, "__qualname__", None) or type(callback).__name__
        emit(
            "loop-blocked",
            {"held_s": round(held / 1e9, 6), "threshold_ms": threshold_ms, "callback": str(name)},
            t_ns=t0,
        )

    events.Handle._run = mark(_run, run)
    here = threading.local()  # per loop thread: the plain callback running now
    here.handle = None
    run_code = _run.__code__
    timer_type = events.TimerHandle

    def resolver(loop: Any) -> tuple[str, dict[str, Any]]:
        """Who is making a future done now: a task's step, or a plain callback
        (a timer, an I/O readiness, an executor's result, another)."""
        current = current_task(loop)
        if current is not None:
            state = getattr(current, _ATTR, None)
            lane = thread_name() if state is None or state.quiet else state.lane
            return lane, {"by": "task", "by_task": current.get_name()}
        handle = getattr(here, "handle", None)
        if handle is None:
            return thread_name(), {"by": "call"}
        callback = handle._callback
        name = str(getattr(callback, "__qualname__", None) or type(callback).__name__)
        args = handle._args
        if args and isinstance(args[0], task_types):  # gather's: a child task ended
            return thread_name(), {"by": "task-done", "by_task": args[0].get_name()}
        if type(handle) is timer_type or isinstance(handle, timer_type):
            by = "timer"
        elif "_read_ready" in name or "_sock_" in name or "_accept_connection" in name:
            by = "io"  # the selector found the socket ready: a read/accept completing
        elif name.endswith("_set_state"):  # _chain_future's, from the pool's thread
            by = "executor"  # run_in_executor's work done in its thread or process
        else:
            by = "callback"
        return thread_name(), {"by": by, "callback": name}

    def woke(loop: Any, callback: Any, future: Any, caller: Any) -> None:
        """A task's awaited future is done: remember who did it (and who
        cancelled, if it was cancelled) for the task's next step."""
        try:
            found_waker(loop, callback, future, caller)
        except Exception:  # a slip of ours must never fail the script's call_soon
            return

    def found_waker(loop: Any, callback: Any, future: Any, caller: Any) -> None:
        task = getattr(callback, "__self__", None)
        if task is None or not isinstance(task, task_types):
            return
        state = getattr(task, _ATTR, None)
        if state is None or state.quiet or not state.wait_from:
            return
        now = _now()
        lane, how = resolver(loop)
        if future.cancelled():
            how["done"] = "cancel"
            if state.cancel is None:
                state.cancel = canceller(future, caller, how)
        elif isinstance(future, task_types):
            how["done"] = "task-done"
        elif getattr(future, "_exception", None) is not None:
            how["done"] = "set_exception"
        else:
            how["done"] = "set_result"
        state.woke = (lane, now, how)

    def canceller(future: Any, caller: Any, how: dict[str, Any]) -> dict[str, Any] | None:
        """Who called cancel(): the frame that called it (C's cancel runs no
        Python frame of its own), or, for an awaited task that ended cancelled,
        whoever cancelled that one. A cascade from a step's end has none."""
        if isinstance(future, task_types):
            inner = getattr(future, _ATTR, None)
            return None if inner is None else inner.cancel
        if caller is None or caller.f_code is run_code:
            return None
        found: dict[str, Any] = {"cancelled_by": how.get("by_task") or thread_name()}
        frame = caller
        if frame.f_code.co_filename.startswith(asyncio_dir):
            code = frame.f_code
            found["cancelled_via"] = str(getattr(code, "co_qualname", code.co_name))
        while frame is not None and frame.f_code.co_filename.startswith(asyncio_dir):
            frame = frame.f_back
        if frame is not None and frame.f_code is not run_code:
            found["cancelled_at"] = f"{os.path.basename(frame.f_code.co_filename)}:{frame.f_lineno}"
        return found

    call_soon: Callable[..., Any] = base.BaseEventLoop.call_soon

    def soon(self: Any, callback: Any, *args: Any, context: Any = None) -> Any:
        handle = call_soon(self, callback, *args, context=context)
        if args:  # a future's done callback (a task's step has no argument)
            woke(self, callback, args[0], sys._getframe(1))
        return handle

    def soon_inline(self: Any, callback: Any, *args: Any, context: Any = None) -> Any:
        """``call_soon``'s own body (the same in 3.10-3.13), then ours: every
        task step is scheduled through it, and a wrapper's extra call cost a
        ``sleep(0)`` loop 0.16x of bare (1.20x -> 1.36x, benchmarks/)."""
        self._check_closed()
        if self._debug:
            self._check_thread()
            self._check_callback(callback, "call_soon")
        handle = self._call_soon(callback, args, context)
        if handle._source_traceback:
            del handle._source_traceback[-1]
        if args:  # a future's done callback (a task's step has no argument)
            woke(self, callback, args[0], sys._getframe(1))
        return handle

    # Only where call_soon is that body, checked by the names it uses; elsewhere
    # the wrapper, slower but right.
    inline = call_soon.__code__.co_names == _CALL_SOON_NAMES
    base.BaseEventLoop.call_soon = mark(soon_inline if inline else soon, call_soon)

    create_task: Callable[..., Any] = base.BaseEventLoop.create_task

    def create(self: Any, coro: Any, *args: Any, **kwargs: Any) -> Any:
        t0 = _now()
        task = create_task(self, coro, *args, **kwargs)
        if not isinstance(task, task_types) or getattr(task, _ATTR, None) is not None:
            return task  # another kind of task (a factory's), or already ours
        try:
            link = new_link(_state.pid)
            state = register(task, link, coro)
            if state.quiet:
                return task
            emit("create_task", {"coro": state.info["coro"], "link": link}, t_ns=t0)
            if _ran_eagerly(coro):
                first_step(task, state, t0)
                after_step(task, state, t0, _now())
        except Exception:  # a slip of ours must never fail the script's create_task
            pass
        return task

    base.BaseEventLoop.create_task = mark(create, create_task)
    _patch_run_in_executor(base.BaseEventLoop)
    _patch_queue(module.queues.Queue)
    _watch_running_loops(module)


def _watch_running_loops(module: Any) -> None:
    """A loop whose machinery is not asyncio's (uvloop's Cython loop, another C
    loop) runs its tasks without ``Handle._run`` or ``create_task``: nothing of
    them is seen. Every loop sets itself running through ``_set_running_loop``
    (uvloop takes it from asyncio when it is imported, after us), so such a loop
    is told once per kind, and the explanation says what it could not see."""
    events: Any = module.events
    set_running: Callable[[Any], None] = events._set_running_loop
    if getattr(set_running, "_concdemo", False):
        return
    ours = module.base_events.BaseEventLoop
    told: set[type] = set()

    def set_running_loop(loop: Any) -> None:
        set_running(loop)
        kind = type(loop)
        if loop is None or kind in told or isinstance(loop, ours):
            return
        told.add(kind)
        try:
            emit("loop-not-traced", {"loop": f"{kind.__module__}.{kind.__qualname__}"})
        except Exception:  # a slip of ours must never stop the script's loop
            told.discard(kind)

    wrapped = mark(set_running_loop, set_running)
    events._set_running_loop = wrapped
    if getattr(module, "_set_running_loop", None) is set_running:
        module._set_running_loop = wrapped


# The attributes BaseEventLoop.call_soon uses in 3.10-3.13 (its body, which
# soon_inline repeats).
_CALL_SOON_NAMES = (
    "_check_closed",
    "_debug",
    "_check_thread",
    "_check_callback",
    "_call_soon",
    "_source_traceback",
)


def _patch_run_in_executor(loop_class: Any) -> None:
    """``run_in_executor``: the work item runs as a linked ``task`` span where it
    ran, and the future awaited for it carries the link, so the await span says
    run_in_executor and points to the work. A thread pool's work is the span
    ``mp._run_task`` reports for a process pool's task, in the worker thread; a
    process pool's is that task itself (``TaskCall``, which mp.py's ``submit``
    passes on unwrapped). The user's function is called as it is, once."""
    original: Callable[..., Any] = loop_class.run_in_executor

    def run_in_executor(self: Any, executor: Any, func: Any, *args: Any) -> Any:
        call: Callable[..., Any]
        try:
            # Here, not at the top: a scenario that loads only the asyncio part
            # (TRACE) must not load mp's hooks and their imports with it.
            from concdemo.tracer.mp import _func_name, _run_task

            link = new_link(_state.pid)
            pool = executor if executor is not None else self._default_executor
            process = sys.modules.get("concurrent.futures.process")  # never imported by us
            if process is not None and isinstance(pool, process.ProcessPoolExecutor):
                call, call_args = TaskCall(func, link), args
            elif pool is None or _is_thread_pool(pool):
                call, call_args = _run_task, (TaskCall(func, link), args, {})
            else:  # an executor of the script's own making: the call as it is
                call, call_args, link = func, args, ""
            name = _func_name(func)
        except Exception:  # a slip of ours must never fail the script's call
            return original(self, executor, func, *args)
        future = original(self, executor, call, *call_args)
        work = {"on": f"run_in_executor({name})", "func": name}
        if link:
            work["link"] = link
        try:
            setattr(future, _WORK, work)
        except Exception:  # a future type without attributes: no label
            return future
        return future

    loop_class.run_in_executor = mark(run_in_executor, original)


def _is_thread_pool(pool: Any) -> bool:
    thread = sys.modules.get("concurrent.futures.thread")
    return thread is not None and isinstance(pool, thread.ThreadPoolExecutor)


def _ran_eagerly(coro: Any) -> bool:
    """The task's first step ran inside create_task (an eager task, 3.12+)."""
    if not hasattr(coro, "cr_suspended"):
        return False  # before 3.11 there are no eager tasks either
    return bool(coro.cr_suspended or coro.cr_frame is None)


def _wait_kinds(module: Any) -> dict[Any, str]:
    """The code objects of asyncio's own awaits, by what they wait for."""
    found: dict[Any, str] = {}
    names = (
        ("asyncio.sleep", module.tasks, "sleep"),
        ("asyncio.wait_for", module.tasks, "wait_for"),
        ("asyncio.wait", module.tasks, "_wait"),
        ("Queue.get", module.queues.Queue, "get"),
        ("Queue.put", module.queues.Queue, "put"),
        ("Lock.acquire", module.locks.Lock, "acquire"),
        ("Event.wait", module.locks.Event, "wait"),
        ("Condition.wait", module.locks.Condition, "wait"),
        ("Semaphore.acquire", module.locks.Semaphore, "acquire"),
        ("Barrier.wait", getattr(module.locks, "Barrier", None), "_block"),
        ("TaskGroup", getattr(module, "TaskGroup", None), "__aexit__"),
        ("stream read", module.streams.StreamReader, "_wait_for_data"),
        ("stream drain", module.streams.StreamWriter, "drain"),
        ("socket read", module.selector_events.BaseSelectorEventLoop, "sock_recv"),
        ("socket read", module.selector_events.BaseSelectorEventLoop, "sock_recv_into"),
        ("socket accept", module.selector_events.BaseSelectorEventLoop, "sock_accept"),
        ("socket connect", module.selector_events.BaseSelectorEventLoop, "sock_connect"),
        ("socket send", module.selector_events.BaseSelectorEventLoop, "sock_sendall"),
        ("open_connection", module.streams, "open_connection"),
        ("asyncio.to_thread", getattr(module, "threads", None), "to_thread"),
    )
    for label, owner, attribute in names:
        code = getattr(getattr(owner, attribute, None), "__code__", None)
        if code is not None:
            found[code] = label
    return found


def _patch_queue(queue: Any) -> None:
    """Each item's put and the get that received it share a link (exact for a
    FIFO queue; for equal items in a LIFO or priority queue, the first pending
    put of an item with that identity)."""
    put_nowait: Callable[..., Any] = queue.put_nowait
    get_nowait: Callable[..., Any] = queue.get_nowait

    def put(self: Any, item: Any) -> None:
        put_nowait(self, item)  # QueueFull: nothing was put
        attributes = getattr(self, "__dict__", None)
        if attributes is None:  # a subclass with __slots__: not linked
            return
        now = _now()
        if not admitted("put", task_name(), now, now):
            return  # counted, not sent (nor linked: its get finds no link)
        link = new_link(_state.pid)
        attributes.setdefault(_LINKS, {}).setdefault(id(item), []).append(link)
        emit("put", {"queue": type(self).__name__, "item": short(item), "link": link})

    def get(self: Any) -> Any:
        item = get_nowait(self)  # QueueEmpty: nothing was taken
        pending = getattr(self, "__dict__", {}).get(_LINKS, {})
        links = pending.get(id(item))
        detail = {"queue": type(self).__name__, "item": short(item)}
        if links:
            detail["link"] = links.pop(0)
            if not links:
                del pending[id(item)]
        now = _now()
        if admitted("get", task_name(), now, now):
            emit("get", detail)
        return item

    queue.put_nowait = mark(put, put_nowait)
    queue.get_nowait = mark(get, get_nowait)
