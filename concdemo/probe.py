"""What a scenario script calls to report what it does.

Under ``concdemo run`` every call becomes one event on the channel; run as a
plain script (``python scenarios/2_pipe/pipe_duplex.py``) the same calls print
readable lines instead. The module is imported by every process a scenario
starts, so it imports little and starts no thread.

    from concdemo import probe

    def foo(conn):
        probe.event("send", msg="hello world")
        ...

    if __name__ == "__main__":
        params = probe.start()          # start method and parameters
        with probe.phase("talk"):
            ...
        probe.check("parent got the child's greeting", got == "hello world")
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from types import TracebackType

from concdemo.wire import process as _process

# The environment names live with the wire (the CLI reads them there); the
# "X as X" form re-exports them for scenario code: ``from concdemo.probe import ENV_T0``.
from concdemo.wire.channel import ENV_CLI_PID as ENV_CLI_PID
from concdemo.wire.channel import ENV_EVENTS as ENV_EVENTS
from concdemo.wire.channel import ENV_PARAMS as ENV_PARAMS
from concdemo.wire.channel import ENV_RUN_DIR as ENV_RUN_DIR
from concdemo.wire.channel import ENV_START_METHOD as ENV_START_METHOD
from concdemo.wire.channel import ENV_T0 as ENV_T0
from concdemo.wire.channel import encode
from concdemo.wire.process import (
    open_stack_file,
    process_name,
    reporting,
    running_greenlet_lane,
    state,
)

TYPE_CHECKING = False  # as typing's, without importing typing (tracer/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any


def _task_name() -> str:
    """The asyncio task (when the tracer's asyncio part runs here: a variant's
    TRACE), else the greenlet, else the thread, that is running now."""
    task_lane = _process.running_task_lane
    if task_lane is not None:
        lane = task_lane()
        if lane:
            return lane
    return running_greenlet_lane() or str(_threading().current_thread().name)


def _threading() -> Any:
    # Imported on first use, not at module import: gevent scenarios patch
    # threading first, and the probe must not be the one importing it early.
    return sys.modules.get("threading") or __import__("threading")


def label(obj: Any, name: str) -> Any:
    """Name a greenlet so its events show in a lane of its own; returns obj."""
    obj.concdemo_label = name
    return obj


def _emit(kind: str, span: str, task: str | None, detail: dict[str, Any]) -> None:
    t_ns = time.monotonic_ns()
    pid = state.pid  # kept current by the at-fork hook in concdemo.wire.process
    seq = state.seq
    state.seq = seq + 1
    process = process_name()
    task = task or _task_name()
    if state.writer is not None:
        state.writer.write(encode(seq, t_ns, pid, process, task, kind, span, detail))
        if state.writer.reopened != state.channel_reopens:
            # The process closed descriptors (the channel's among them): the stack
            # file's may be gone too, and faulthandler must not dump into
            # whatever file took its number.
            state.channel_reopens = state.writer.reopened
            open_stack_file()
        if state.gate is not None:
            state.gate.wait()  # step mode: the CLI shows this event, then lets us go
        return
    shown = "  ".join(f"{k}={v!r}" for k, v in detail.items())
    elapsed = (t_ns - state.t0_ns) / 1e9
    _print_line(f"{elapsed:8.3f}s  {process}[{pid}]  {task}  {kind}  {shown}".rstrip())


def _print_line(line: str) -> None:
    # One write per line, so lines from several processes never run together.
    try:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
    except (OSError, ValueError):
        pass  # the reader went away (`| head`): the scenario goes on regardless


def event(kind: str, /, *, task: str | None = None, **detail: Any) -> None:
    """Report one instant event, e.g. ``probe.event("recv", msg=msg)``.

    ``task`` names the lane for code that is neither a thread nor a greenlet
    (a generator coroutine reports as "producer" or "consumer").
    """
    _emit(kind, "", task, detail)


def relay(
    kind: str,
    /,
    *,
    t_ns: int,
    pid: int,
    process: str,
    task: str,
    seq: int,
    span: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """Pass on an event that another process could not send itself.

    A Dask worker on another machine cannot reach the channel; its events come
    home another way (Dask's event log) and the scenario re-emits them here
    with the worker's own pid, name, sequence number and a time already on
    this run's clock (``time.monotonic_ns()`` here). No step-mode gate: the
    caller is a network thread, and the worker that made the event is not
    waiting for it.
    """
    detail = detail or {}
    if state.writer is not None:
        state.writer.write(encode(seq, t_ns, pid, process, task, kind, span, detail))
        return
    shown = "  ".join(f"{k}={v!r}" for k, v in detail.items())
    elapsed = (t_ns - state.t0_ns) / 1e9
    _print_line(f"{elapsed:8.3f}s  {process}[{pid}]  {task}  {kind}  {shown}".rstrip())


class Span:
    """A piece of work with a beginning and an end (a pool task, a fetch)."""

    def __init__(self, name: str, task: str | None, detail: dict[str, Any]) -> None:
        self.name = name
        self.task = task
        self.detail = detail
        self.end_detail: dict[str, Any] = {}

    def note(self, **detail: Any) -> None:
        """Add details to the end event (a status code, a byte count)."""
        self.end_detail.update(detail)

    def __enter__(self) -> Span:
        _emit(f"{self.name}-start", "start", self.task, self.detail)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is not None:
            self.end_detail["error"] = f"{type(exc).__name__}: {exc}"
        _emit(f"{self.name}-end", "end", self.task, {**self.detail, **self.end_detail})


def span(name: str, /, *, task: str | None = None, **detail: Any) -> Span:
    """``with probe.span("task", n=3): ...`` reports ``task-start`` and ``task-end``."""
    return Span(name, task, detail)


def phase(name: str, theory_s: float | None = None) -> Span:
    """A measured stage of the main story; the summary compares it with theory."""
    detail: dict[str, Any] = {"name": name}
    if theory_s is not None:
        detail["theory_s"] = round(theory_s, 6)
    return Span("phase", None, detail)


def check(what: str, ok: bool, /, **detail: Any) -> bool:
    """Record whether the article's claim was observed; the run fails without it."""
    if reporting():
        _emit("check", "", None, {"what": what, "ok": bool(ok), **detail})
    else:
        mark = "ok  " if ok else "FAIL"
        extra = "  ".join(f"{k}={v!r}" for k, v in detail.items())
        _print_line(f"  [{mark}] {what}  {extra}".rstrip())
    return bool(ok)


class Raised:
    """What ``probe.raises`` caught, for the lines after the ``with`` block."""

    value: BaseException | None = None


@contextlib.contextmanager
def raises(expected: type[BaseException], what: str = "") -> Iterator[Raised]:
    """``with probe.raises(OSError, "the read end refuses to send"): r.send(1)``.

    The exception the article promises is caught and reported; anything else
    (or nothing at all) fails the check, and a different exception propagates.
    """
    caught = Raised()
    what = what or f"raises {expected.__name__}"
    try:
        yield caught
    except expected as exc:
        caught.value = exc
        event("raised", type=type(exc).__name__, message=str(exc))
        check(what, True, raised=type(exc).__name__)
    else:
        check(what, False, raised=None)


# --- the main process -------------------------------------------------------


class Params:
    """Scenario parameters: ``params.delay``; ``params.fail_rate`` reads ``fail-rate``."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = dict(values)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    def __getattr__(self, name: str) -> Any:
        for key in (name, name.replace("_", "-")):
            if key in self._values:
                return self._values[key]
        raise AttributeError(f"no parameter {name!r}; known: {', '.join(self._values)}")


def start() -> Params:
    """Call first under ``if __name__ == "__main__":``.

    Picks the start method and parameters (from concdemo, or from this script's
    own command line: ``--start-method spawn delay=0.5``) and reports the start.
    """
    method = os.environ.get(ENV_START_METHOD)
    if reporting():
        values = json.loads(os.environ.get(ENV_PARAMS, "{}"))
    else:
        # Run by hand (``python scenarios/…/x.py delay=0.5``): only then, and only in
        # the script's main process, does a scenario read its parameters through the
        # catalogue. Under concdemo the CLI has done that (the one exception in the
        # import contracts, .importlinter).
        from concdemo.catalogue.standalone import parse_script_args

        method, values = parse_script_args(sys.argv[1:], sys.modules["__main__"].__file__ or "")
        # Children started by spawn re-read the clock origin from here.
        os.environ[ENV_T0] = str(state.t0_ns)
    if method:
        import multiprocessing

        multiprocessing.set_start_method(method, force=True)
        if method == "forkserver" and reporting():
            # The forkserver must import the probe itself, so that it too dies
            # with its parent and answers for its stack. It would get it from
            # preloading __main__, but before CPython 3.12.8/3.13.1 that preload
            # silently does nothing (gh-126631); the probe is found through the
            # PYTHONPATH the runner sets.
            multiprocessing.set_forkserver_preload(["__main__", "concdemo.probe"])
    if reporting():
        cli_pid = os.environ.get(ENV_CLI_PID)
        if cli_pid and os.getppid() != int(cli_pid):
            os._exit(1)  # the CLI died before we asked to die with it
        if "multiprocessing" in sys.modules:
            _wrap_process_run()
    _install_main_hooks()
    event("process-start", start_method=_start_method(), python=sys.version.split()[0])
    return Params(values)


def _start_method() -> str | None:
    mp = sys.modules.get("multiprocessing")
    return mp.get_start_method() if mp is not None else None


def _install_main_hooks() -> None:
    import atexit
    import signal

    previous = sys.excepthook

    def report_uncaught(
        kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            _report_error(exc)
        previous(kind, exc, tb)

    sys.excepthook = report_uncaught
    atexit.register(lambda: event("process-end"))
    if reporting():
        # SIGTERM from the CLI should unwind like an exception so that
        # multiprocessing's exit handlers release queues and semaphores
        # (otherwise the resource tracker reports them as leaked).
        signal.signal(signal.SIGTERM, _raise_system_exit)


def _raise_system_exit(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def _report_error(exc: BaseException) -> None:
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    where: dict[str, Any] = {}
    if frames:
        last = frames[-1]
        where = {
            "file": os.path.basename(last.filename),
            "line": last.lineno,
            "function": last.name,
        }
    event("error", type=type(exc).__name__, message=str(exc), **where)


# --- every process under concdemo --------------------------------------------


def _wrap_process_run() -> None:
    """Report the start, errors and end of every multiprocessing child.

    ``Process.run`` is the documented override point; wrapping it at class
    level covers plain children, pool workers and manager servers alike.
    """
    from multiprocessing.process import BaseProcess

    original: Callable[[BaseProcess], None] = BaseProcess.run
    if getattr(original, "_concdemo", False):
        return

    def run(self: BaseProcess) -> None:
        event("process-start")
        try:
            original(self)
        except SystemExit as exc:
            if exc.code not in (0, None):
                _report_error(exc)
            raise
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            _report_error(exc)
            raise
        finally:
            event("process-end")

    run._concdemo = True  # type: ignore[attr-defined]
    BaseProcess.run = run  # type: ignore[method-assign]


def _after_fork_in_child() -> None:
    import signal

    if signal.getsignal(signal.SIGTERM) is _raise_system_exit:
        # Only the scenario's main process unwinds on SIGTERM; a forked child
        # (a pool worker that Pool.terminate() stops) must die the usual way.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


os.register_at_fork(after_in_child=_after_fork_in_child)
if reporting() and "multiprocessing" in sys.modules:
    _wrap_process_run()
