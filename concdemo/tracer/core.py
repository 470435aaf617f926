"""The tracer in each process: emitting events, naming lanes, and installing the hooks.

Events go through this process's end of the channel, the probe's too
(``concdemo.wire.process``: its writer, sequence numbers, step-mode gate, and the
fork handling that keeps them per process), encoded by ``channel.encode``: one
wire format for scenarios and traced scripts alike.
Unlike ``probe.event`` this module may give an event an earlier time stamp (a
call that blocked becomes a span from when it began) and it never imports
``threading`` to name a lane.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING

from concdemo.wire import process as this_process
from concdemo.wire.channel import encode

if TYPE_CHECKING:  # typing's modules are not imported at run time: start-up stays bare
    from typing import Any

_state = this_process.state
_now = time.monotonic_ns

# A call that waited longer than this is shown as a span of the time it waited.
BLOCKED_NS = 1_000_000

_process_name_override: str | None = None  # the forkserver names itself


def task_name() -> str:
    """The greenlet, else the thread, running now, without importing anything."""
    greenlet = sys.modules.get("greenlet")
    if greenlet is not None:
        current = greenlet.getcurrent()
        if current.parent is not None:  # not a thread's main greenlet
            label = getattr(current, "concdemo_label", None) or getattr(current, "name", None)
            return str(label) if label else f"greenlet-{id(current) & 0xFFFF:04x}"
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


def emit_call(kind: str, t0_ns: int, detail: dict[str, Any], end: dict[str, Any]) -> None:
    """A call that began at ``t0_ns`` and has just returned (or raised).

    Quick calls are one instant event; a call that blocked is a span of the
    time it waited. ``end`` holds what is only known afterwards (the item a
    ``get`` received, the link it carried, the exception).
    """
    t1 = _now()
    if t1 - t0_ns < BLOCKED_NS:
        emit(kind, {**detail, **end}, t_ns=t0_ns)
        return
    task = task_name()
    emit(f"{kind}-start", detail, "start", t0_ns, task)
    emit(f"{kind}-end", {**end, "waited_s": round((t1 - t0_ns) / 1e9, 6)}, "end", t1, task)


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


# --- process roles ------------------------------------------------------------


def _role() -> str:
    """What this interpreter is: the script, a spawned child, or a helper."""
    argv = getattr(sys, "orig_argv", sys.argv)
    if "--multiprocessing-fork" in argv:
        return "spawn-child"
    command = " ".join(argv)
    if "multiprocessing.forkserver" in command:
        return "forkserver"
    return "main"


def _after_fork_in_child() -> None:
    global _process_name_override
    _process_name_override = None
    # multiprocessing's own forks (popen_fork, the forkserver) are reported by
    # the wrapped Process._bootstrap, with the child's name; any other fork
    # (os.fork in the script) is reported here.
    frame = sys._getframe(1)
    for _ in range(4):
        if frame is None:
            break
        module = str(frame.f_globals.get("__name__", ""))
        if module.startswith("multiprocessing"):
            return
        frame = frame.f_back  # type: ignore[assignment]
    emit("process-start", {"start_method": "os.fork", "parent": os.getppid()})


def _report_main_start() -> None:
    import atexit

    emit(
        "process-start",
        {"start_method": None, "parent": os.getppid(), "python": sys.version.split()[0]},
    )
    main_pid = os.getpid()

    def at_exit() -> None:
        if os.getpid() == main_pid:  # atexit also runs in os.fork children that return
            from concdemo.tracer.output import flush_partial

            flush_partial()
            emit("process-end")

    atexit.register(at_exit)
    _report_uncaught()


def _report_uncaught() -> None:
    """An uncaught exception as an ``error`` event, printed as bare. In a spawned
    child (or a forkserver's, whose loop calls ``sys.excepthook`` itself) this is
    one that ended it before ``Process._bootstrap`` ran (the bootstrapping
    RuntimeError of a script without a ``__main__`` guard, a target that cannot
    be unpickled): _bootstrap reports its own."""
    previous = sys.excepthook

    def report_uncaught(kind: type[BaseException], exc: BaseException, tb: Any) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            probe_error(exc)
        if tb is exc.__traceback__:
            tb = without_our_frames(exc)
        previous(kind, exc, tb)

    sys.excepthook = report_uncaught


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


def install() -> None:
    """Called once per fresh interpreter, from the boot ``sitecustomize``."""
    global _process_name_override
    if _state.writer is None:
        return  # not under concdemo: nothing to report to
    from concdemo.tracer import hooks, output, threads

    role = _role()
    os.register_at_fork(after_in_child=_after_fork_in_child)
    hooks.install()
    threads.install_sleep()
    if sys.version_info >= (3, 12):
        from concdemo.tracer import generators
        from concdemo.tracer.env import ENV_TRACE_OWN_DIR

        generators.install(os.environ.get(ENV_TRACE_OWN_DIR, ""))
    if role == "forkserver":
        # It reports nothing of its own (the CLI names it in hang stacks), but
        # its children inherit the hooks from it. (The resource tracker is not
        # traced at all: see boot/sitecustomize.py.)
        _process_name_override = "ForkServer"
    output.install()
    from concdemo.tracer import waits

    waits.install_handler()
    os.register_at_fork(after_in_child=waits.forget)
    if role == "main":
        _report_main_start()
    else:  # a spawned child, or the forkserver, whose children call the hook too
        _report_uncaught()
