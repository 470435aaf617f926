"""Installing the tracer in a fresh interpreter: what this process is (the script,
a spawned child, the forkserver), the hooks, and its start and end reported.

The boot ``sitecustomize`` calls ``install()`` once per interpreter; forked
children inherit everything and are reported by the at-fork hook below."""

from __future__ import annotations

import os
import sys

from concdemo.tracer.core import probe_error, without_our_frames
from concdemo.tracer.emitter import _state, emit, name_this_process

TYPE_CHECKING = False  # as typing's, without importing typing (tracer/__init__.py)
if TYPE_CHECKING:
    from typing import Any


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
    name_this_process(None)
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
            from concdemo.tracer import budget
            from concdemo.tracer.output import flush_partial

            flush_partial()
            budget.flush()
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


def install_parts(parts: list[str]) -> None:
    """Only these parts of the tracer (a variant's TRACE: ``env.PARTS``), in a
    scenario's process that reports through its probe: the rest of the tracer
    would duplicate what the probe says. ``waits`` is the wait-for graph
    (``waits_mode``); any other part is the module hook of that name."""
    if "waits" in parts:
        from concdemo.tracer import waits_mode

        waits_mode.install()
    hooked = [p for p in parts if p != "waits"]
    if not hooked or _state.writer is None:
        return  # nothing else asked for, or not under concdemo: nothing to report to
    from concdemo.tracer import hooks

    hooks.install(only=hooked)


def install() -> None:
    """Called once per fresh interpreter, from the boot ``sitecustomize``."""
    if _state.writer is None:
        return  # not under concdemo: nothing to report to
    from concdemo.tracer import hooks, output, reaping, threads

    role = _role()
    os.register_at_fork(after_in_child=_after_fork_in_child)
    hooks.install()
    reaping.install()
    threads.install_sleep()
    if sys.version_info >= (3, 12):
        from concdemo.tracer import generators
        from concdemo.tracer.env import ENV_TRACE_OWN_DIR

        generators.install(os.environ.get(ENV_TRACE_OWN_DIR, ""))
    if role == "forkserver":
        # It reports nothing of its own (the CLI names it in hang stacks), but
        # its children inherit the hooks from it. (The resource tracker is not
        # traced at all: see boot/sitecustomize.py.)
        name_this_process("ForkServer")
    output.install()
    from concdemo.tracer import waits

    waits.install_handler()
    os.register_at_fork(after_in_child=waits.forget)
    if role == "main":
        _report_main_start()
    else:  # a spawned child, or the forkserver, whose children call the hook too
        _report_uncaught()
