"""This process's end of the channel: what every process of a run keeps to report.

The writer, the sequence numbers and the step-mode gate; the stack file that the
CLI's stack signal (``stack_signal()``) makes faulthandler write (where a hung
process waits); dying with
the parent, so that no process outlives the CLI; and the fork handling that makes
all of these a forked child's own. Both the probe (a scenario's calls) and the
tracer (a user's script) emit through ``state``; this module is imported once per
process and sets the process up on import when it runs under concdemo. Standard
library only, and nothing started: every process of a run imports it.
"""

from __future__ import annotations

# signal's own C module (no stubs), always loaded: signal itself imports enum
# (2 ms of a traced interpreter's start-up), and its enum conversions cost a
# fork child more than the calls themselves (see _die_with_parent)
import _signal  # type: ignore[import-not-found]
import contextlib
import os
import sys
import time

from concdemo.wire.channel import ENV_CLI_PID, ENV_EVENTS, ENV_RUN_DIR, ENV_T0, Writer
from concdemo.wire.gate import ENV_GATE, Gate

TYPE_CHECKING = False  # as typing's, without importing typing (tracer/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

STACK_SIGNAL_NAME = "SIGRTMIN+4"
# SIGRTMIN + 4: the signal that asks a process for its stacks (and the tracer's
# wait-for graph). A real-time signal that no script or library here uses, so a
# script's own SIGUSR1 handler (or its signal.getsignal(SIGUSR1)) is left as it
# is bare. SIGRTMIN + 3 is the parent-death signal (below); glibc keeps the two
# below SIGRTMIN for itself. Where there are no real-time signals: SIGUSR1.
_STACK_SIGNAL_OFFSET = 4


def stack_signal() -> int:
    rtmin = getattr(_signal, "SIGRTMIN", None)
    if rtmin is None:
        return int(_signal.SIGUSR1)
    return int(rtmin) + _STACK_SIGNAL_OFFSET


def set_signal_handler(signum: int, handler: Callable[[int, Any], None]) -> None:
    """``signal.signal`` without importing signal (see the import of _signal)."""
    _signal.signal(signum, handler)


_STACK_FD_MIN = 520  # see _move_high; the channel keeps 512 and up (channel.py)


class State:
    """Per-process state; a forked child notices the new pid and starts afresh."""

    def __init__(self) -> None:
        path = os.environ.get(ENV_EVENTS)
        self.writer: Writer | None = Writer(path) if path else None
        self.run_dir = os.environ.get(ENV_RUN_DIR)
        # Where each process's stack file goes (``PID.txt`` after it), made once:
        # a fork child starts with it.
        self.stacks_prefix = os.path.join(self.run_dir, "stacks", "") if self.run_dir else None
        t0 = os.environ.get(ENV_T0)
        self.t0_ns = int(t0) if t0 else time.monotonic_ns()
        self.pid = os.getpid()
        self.seq = 0
        # faulthandler's dump file for this process, as a bare descriptor (no file
        # object whose finalizer could close a number the scenario reused).
        self.stack_fd = -1
        self.stack_ident = (0, 0)  # (st_dev, st_ino) of the file behind stack_fd
        self.channel_reopens = 0
        # The tracer's Python stack-signal handler runs after faulthandler's dump (the
        # wait-for graph); False elsewhere, where chaining would re-raise into SIG_DFL.
        self.stack_chain = False
        gate = os.environ.get(ENV_GATE)
        self.gate: Gate | None = Gate(gate) if gate and self.writer is not None else None


state = State()


def reporting() -> bool:
    """True when running under concdemo (events go to the CLI)."""
    return state.writer is not None


def process_name() -> str:
    """multiprocessing's name for this process, without importing multiprocessing."""
    # Not yet imported, or still being imported (an event from code that runs
    # during the import: current_process is not defined yet).
    current = getattr(sys.modules.get("multiprocessing"), "current_process", None)
    if current is None:
        return "MainProcess"
    return str(current().name)


def greenlet_lane(glet: Any) -> str:
    """A greenlet's lane: its label (``probe.label``), else its name (gevent's), else an id."""
    label = getattr(glet, "concdemo_label", None) or getattr(glet, "name", None)
    return str(label) if label else f"greenlet-{id(glet) & 0xFFFF:04x}"


# Set by the tracer's asyncio part (tracer/aio.py) in a process it runs in: the
# lane of the asyncio task running now in this thread, if any. The probe files
# its events there too, so a scenario's own events share the task's lane.
running_task_lane: Callable[[], str | None] | None = None


def running_greenlet_lane() -> str | None:
    """The lane of the greenlet running now; None in a thread's own main greenlet,
    or where greenlet was never imported (nothing is imported to find out)."""
    greenlet = sys.modules.get("greenlet")
    if greenlet is None:
        return None
    current = greenlet.getcurrent()
    return None if current.parent is None else greenlet_lane(current)


def open_stack_file() -> None:
    """Let the CLI ask this process where it is blocked (faulthandler, on stack_signal()).

    faulthandler writes from its C signal handler, so the dump works even when
    the process is stuck in a blocking call that holds no Python lock.
    """
    import faulthandler

    fd = _create_stack_file()
    if fd < 0:
        return
    old_fd, old_ours = state.stack_fd, _is_open_on(state.stack_fd, state.stack_ident)
    fd = _move_high(fd)
    faulthandler.register(stack_signal(), file=fd, all_threads=True, chain=state.stack_chain)
    if old_ours:  # (a closed one's number may belong to the scenario now: leave it)
        with contextlib.suppress(OSError):
            os.close(old_fd)
    _now_stack_fd(fd)


def _own_stack_file_after_fork() -> None:
    """A fork child's own stack file, at the number its parent's had.

    The child inherits the parent's faulthandler registration (the C handler,
    its descriptor number and flags) along with that descriptor: putting the new
    file at the same number (dup2 closes the parent's copy) makes the
    registration the child's own, without registering again or moving the file
    high. (Measured in fork children on one CPU, where every first call is cold:
    open_stack_file() took 240 us, of which the move, the registration and the
    close 100; this and the parent-death changes below saved 25 us per child.)
    """
    old_fd = state.stack_fd
    if not _is_open_on(old_fd, state.stack_ident):  # the parent closed it: start afresh
        open_stack_file()
        return
    fd = _create_stack_file()
    if fd < 0:
        return
    try:
        os.dup2(fd, old_fd, inheritable=False)
    except OSError:
        os.close(fd)
        return
    os.close(fd)
    _now_stack_fd(old_fd)


def _create_stack_file() -> int:
    """This process's stack file (run_dir/stacks/PID.txt), opened afresh; -1 if it cannot be."""
    if state.stacks_prefix is None:
        return -1
    try:
        return os.open(
            f"{state.stacks_prefix}{os.getpid()}.txt",
            os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC,
            0o600,
        )
    except OSError:
        return -1


def _now_stack_fd(fd: int) -> None:
    st = os.fstat(fd)
    state.stack_fd, state.stack_ident = fd, (st.st_dev, st.st_ino)


def _move_high(fd: int) -> int:
    """Far above the numbers the scenario's own files get: after it closed every
    descriptor, a dump on the stack signal then fails on a closed one instead of being
    written into whichever of its files took the old, low number."""
    import fcntl

    try:
        high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, _STACK_FD_MIN)
    except OSError:
        return fd  # e.g. a descriptor limit below it: keep the low number
    os.close(fd)
    return high


def _is_open_on(fd: int, ident: tuple[int, int]) -> bool:
    try:
        st = os.fstat(fd)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) == ident


# The parent-death signal of every process but the run's main one (see below).
_PARENT_DEATH_SIGNAL_OFFSET = 3  # SIGRTMIN + 3: a real-time signal no library here uses


# Set up once, in the first process that needs them, and inherited by every
# fork child, which sets itself up on its way to the script's code: there each
# step touches memory the fork shares with the parent, and every page touched
# costs a copy (measured, fork children on one CPU: looking up libc's prctl
# through ctypes, signal.signal's enum conversions and a new handler per child
# were the largest Python part of a traced child's start-up).
_CLI_PID = os.environ.get(ENV_CLI_PID)
_prctl: Any = None  # libc's prctl (ctypes), once looked up
_watched_parent = 0  # the parent whose death _parent_gone looks for, per process


def _set_parent_death_signal(signum: int) -> None:
    global _prctl
    if _prctl is None:
        import ctypes

        _prctl = ctypes.CDLL(None, use_errno=True).prctl
    pr_set_pdeathsig = 1
    _prctl(pr_set_pdeathsig, signum, 0, 0, 0)


def _parent_gone(_signum: int, _frame: Any) -> None:
    if os.getppid() != _watched_parent:
        os.kill(os.getpid(), _signal.SIGKILL)


def _die_with_parent(parent: int | None = None) -> None:
    """If our parent process dies (even by SIGKILL), die too, so no run outlives the CLI.

    Linux sends the parent-death signal when the *thread* that made this
    process ends, not its process. The run's main process, made by the CLI's
    main thread, gets SIGKILL. Any other may have been made by a thread that
    ends long before its process: Pool's maintenance thread forks the workers
    that replace retired ones (``maxtasksperchild``), and with SIGKILL they died
    when the pool closed, one of them holding the task queue's lock in get(),
    so the script hung at exit. These get a real-time signal instead, sent
    again when the process itself ends; the handler kills this process only
    if the parent is really gone (our parent pid changed).
    """
    global _watched_parent
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid() if parent is None else parent
    signum: int = _signal.SIGKILL
    if not (_CLI_PID and parent == int(_CLI_PID)):
        signum = _signal.SIGRTMIN + _PARENT_DEATH_SIGNAL_OFFSET
        _watched_parent = parent
        # A fork child inherits the handler (unless its parent was past its atexit
        # callbacks, which ignore the signal from there on).
        if _signal.getsignal(signum) is not _parent_gone:
            try:
                _signal.signal(signum, _parent_gone)
            except ValueError:  # not the main thread: cannot be, at start-up or after fork
                return
            _ignore_at_exit(signum)
    try:
        _set_parent_death_signal(signum)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before we asked: no signal will come
        os.kill(os.getpid(), _signal.SIGKILL)


_ignoring_at_exit = False  # inherited by a fork child, with the atexit entry it stands for


def _ignore_at_exit(signum: int) -> None:
    """At exit, ignore the parent-death signal before Python lets go of its handler.

    Once the atexit callbacks have run, the interpreter puts every signal it
    handles back to the default, and a real-time signal's default is to end the
    process. A spawned pool worker that retires (``maxtasksperchild``) or leaves
    with its pool is ending just as the pool's thread that started it ends and
    the kernel sends it our signal: without this it died of SIGRTMIN+3, exit
    code -37, where bare it exits 0 or is stopped by the pool's SIGTERM. A
    process past its atexit callbacks is ending anyway; a fork child that leaves
    by ``os._exit`` never gets here and keeps its handler to the end.
    """
    global _ignoring_at_exit
    if _ignoring_at_exit:
        return
    import atexit

    def ignore() -> None:
        with contextlib.suppress(ValueError, OSError):  # ValueError: not the main thread
            _signal.signal(signum, _signal.SIG_IGN)

    atexit.register(ignore)
    _ignoring_at_exit = True


def _after_fork_in_child() -> None:
    parent = state.pid  # still the parent's, which is ours only from here on
    state.pid, state.seq = os.getpid(), 0
    if reporting():
        _own_stack_file_after_fork()
        _die_with_parent(parent)


def _setup_reporting_process() -> None:
    forkserver = sys.modules.get("multiprocessing.forkserver")
    if forkserver is not None and sys.argv[:1] == ["-c"]:
        # We are being preloaded by the forkserver itself: name it, or its
        # events would pass for the scenario's main process.
        sys.modules["multiprocessing"].current_process().name = "ForkServer"
    open_stack_file()
    _die_with_parent()


os.register_at_fork(after_in_child=_after_fork_in_child)
if reporting():
    _setup_reporting_process()
