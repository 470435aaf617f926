"""multiprocessing hooks: processes, queues, pipes, pools and manager proxies.

Each patch wraps a few methods of one module right after it was imported
(see ``hooks.py``). The wrappers call the original with the same arguments,
return what it returned and raise what it raised; they only add events, and
for ``put``/``apply_async`` an envelope or task wrapper that carries the link
id to the receiving side (``links.py``), for a pipe's ``send``/``send_bytes`` a
link frame written just before the payload.

multiprocessing's own calls (the pool's task and result pipes, a manager's
requests, a ProcessPoolExecutor's queues) pass straight through: the hooks only
report what the script asked for; the executor's ``submit``/``map`` are hooked
as a Pool's calls are.
"""

from __future__ import annotations

import contextlib
import os
import signal
import struct
import sys
from _thread import get_ident

from concdemo.tracer import budget, links, waits
from concdemo.tracer.core import (
    _now,
    _state,
    caller_module,
    emit,
    emit_call,
    is_ours,
    mark,
    probe_error,
    short,
    task_name,
)
from concdemo.tracer.env import ENV_TRACE_START_METHOD
from concdemo.tracer.links import (
    FRAMED,
    TaskCall,
    envelope,
    is_envelope,
    link_name,
    new_link,
    new_link_parts,
)
from concdemo.tracer.output import flush_partial

TYPE_CHECKING = False  # as typing's, without importing typing (tracer/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType
    from typing import Any

_INTERNAL = ("multiprocessing.", "concurrent.futures.")


def _wrap(cls: type, name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    original = cls.__dict__.get(name)
    if original is None or getattr(original, "_concdemo", False):
        return
    setattr(cls, name, mark(make(original), original))


def _func_name(func: Any) -> str:
    return str(getattr(func, "__qualname__", None) or getattr(func, "__name__", None) or func)


# --- the start method ---------------------------------------------------------


def patch_context(module: ModuleType) -> None:
    """``--start-method M``: M becomes the default, as if ``set_start_method(M)``
    had run first, yet the script may still call ``set_start_method`` itself."""
    method = os.environ.get(ENV_TRACE_START_METHOD)
    contexts = getattr(module, "_concrete_contexts", {})
    if method and method in contexts:
        module._default_context._default_context = contexts[method]


# --- processes ----------------------------------------------------------------


def _child_start_method(process: Any) -> str | None:
    method = getattr(process, "_start_method", None)
    if method:
        return str(method)
    context = sys.modules.get("multiprocessing.context")
    if context is None:
        return None
    default = context._default_context
    actual = default._actual_context or default._default_context
    return str(actual._name)


def patch_process(module: ModuleType) -> None:
    cls = module.BaseProcess

    def make_bootstrap(original: Callable[..., Any]) -> Callable[..., Any]:
        def _bootstrap(self: Any, *args: Any, **kwargs: Any) -> Any:
            target = getattr(self, "_target", None)
            emit(
                "process-start",
                {
                    "start_method": _child_start_method(self),
                    "parent": os.getppid(),
                    "target": _func_name(target) if target is not None else None,
                },
                process=self.name,  # the original makes us current_process() only later
            )
            code = original(self, *args, **kwargs)
            flush_partial()
            budget.flush()
            emit("process-end", {"exitcode": code})
            return code

        return _bootstrap

    def make_start(original: Callable[..., Any]) -> Callable[..., Any]:
        def start(self: Any) -> Any:
            result = original(self)
            _started[self.pid] = self.name
            emit("start", {"child": self.name, "child_pid": self.pid})
            return result

        return start

    def make_stop(original: Callable[..., Any], signum: int) -> Callable[..., Any]:
        def stop(self: Any) -> Any:
            # A pool stopping its own workers (Pool.terminate(), which leaving its
            # with-block calls): noted for the exit its Popen will see, not reported.
            module = caller_module()
            if module.startswith(_INTERNAL) and self.pid is not None:
                _stopped_by[self.pid] = (module, signum)
            return original(self)

        return stop

    def make_join(original: Callable[..., Any]) -> Callable[..., Any]:
        def join(self: Any, timeout: float | None = None) -> Any:
            t0 = _now()
            ident = get_ident()
            file, line = waits.where(waits.user_frame(1))
            waits.WAITING[ident] = ("process", self.pid, self.name, t0, file, line, timeout)
            try:
                return original(self, timeout)
            finally:
                waits.WAITING.pop(ident, None)
                emit_call("join", t0, {"child": self.name}, {"exitcode": self.exitcode})

        return join

    _wrap(cls, "_bootstrap", make_bootstrap)
    _wrap(cls, "start", make_start)
    _wrap(cls, "join", make_join)
    _wrap(cls, "terminate", lambda original: make_stop(original, signal.SIGTERM))
    _wrap(cls, "kill", lambda original: make_stop(original, signal.SIGKILL))


# Children this process started, pid -> name, for the exit its Popen sees, and
# those that multiprocessing or concurrent.futures itself stopped -> which one.
_started: dict[int, str] = {}
_stopped_by: dict[int, tuple[str, int]] = {}  # pid -> (library, the signal its call sends)


def _make_poll(original: Callable[..., Any]) -> Callable[..., Any]:
    """``Popen.poll``, through which join(), is_alive(), exitcode and a pool's
    worker handler all learn that a child ended: the first time it returns the
    exit code (negative for a signal, as join() sees it), a ``child-exit``
    event. It is the one true account of a child killed before it could report
    anything itself (SIGKILL right after start, a spawn child that failed while
    it prepared)."""

    def poll(self: Any, *args: Any, **kwargs: Any) -> Any:
        known = self.returncode
        code = original(self, *args, **kwargs)
        if known is None and code is not None:
            detail = {"child": _started.get(self.pid), "child_pid": self.pid, "exitcode": code}
            stopped_by = _stopped_by.get(self.pid)
            # Stopped by that call only if it died of the signal the call sends: a
            # child the script had killed otherwise (its own SIGHUP), and that the
            # library then "terminated" dead, was not stopped by the library.
            if stopped_by is not None and code == -stopped_by[1]:
                detail["stopped_by"] = stopped_by[0]
            emit("child-exit", detail)
        return code

    return poll


def patch_popen(module: ModuleType) -> None:
    """popen_fork's Popen (also spawn's, a subclass) and the forkserver's, which
    has its own poll."""
    _wrap(module.Popen, "poll", _make_poll)


def patch_traceback(module: Any) -> None:
    """A child's uncaught exception as an ``error`` event.

    ``Process._bootstrap`` prints it with ``traceback.print_exc()`` inside its
    ``except``; hooking that call (rather than wrapping ``run``) reports the
    exception itself and leaves no frame of ours in the traceback it prints.
    """
    original = module.print_exc
    if getattr(original, "_concdemo", False):
        return

    def print_exc(*args: Any, **kwargs: Any) -> Any:
        if caller_module() == "multiprocessing.process":
            exc = sys.exc_info()[1]
            # KeyboardInterrupt is not an error, as in the main process: most
            # often it is the SIGINT that stops a hung run.
            if exc is not None and not isinstance(exc, KeyboardInterrupt):
                probe_error(exc)
        return original(*args, **kwargs)

    module.print_exc = mark(print_exc, original)
    # Every formatted traceback (print_exc, format_exception, logging, a pool
    # task's error sent back to the parent) walks the frames with one of these
    # (3.11+ the second): leave out the tracer's wrappers, as bare.
    for name in ("walk_tb", "_walk_tb_with_full_positions"):
        walk = getattr(module, name, None)
        if walk is not None:
            setattr(module, name, _skipping_ours(walk))


def _skipping_ours(walk: Callable[..., Any]) -> Callable[..., Any]:
    def walk_tb(tb: Any, *args: Any, **kwargs: Any) -> Any:
        for item in walk(tb, *args, **kwargs):
            if not is_ours(item[0]):
                yield item

    mark(walk_tb, walk)
    return walk_tb


# --- queues -------------------------------------------------------------------


def _internal(own: str) -> bool:
    """Called by multiprocessing or concurrent.futures itself. A call from
    ``own`` (put_nowait -> put, get_nowait -> get) is made by whoever called
    that: the script's put_nowait is the script's, an executor's is internal."""
    module = caller_module(3)
    if own and module == own:
        module = caller_module(4)
    return module.startswith(_INTERNAL)


def _make_put(kind: str, own: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def make(original: Callable[..., Any]) -> Callable[..., Any]:
        def put(self: Any, obj: Any, *args: Any, **kwargs: Any) -> Any:
            if is_envelope(obj) or _internal(own):
                return original(self, obj, *args, **kwargs)
            link = new_link(_state.pid)
            t0 = _now()
            try:
                result = original(self, envelope(link, obj), *args, **kwargs)
            except BaseException as exc:
                emit_call(kind, t0, {"item": short(obj)}, {"error": type(exc).__name__})
                raise
            emit_call(kind, t0, {"item": short(obj), "link": link}, {})
            return result

        return put

    return make


def _make_get(kind: str, own: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def make(original: Callable[..., Any]) -> Callable[..., Any]:
        def get(self: Any, *args: Any, **kwargs: Any) -> Any:
            if _internal(own):
                # Not reported, but never handed an envelope: whoever put the
                # item, the reader gets what was put.
                if (
                    budget.pending()
                    and type(self).__name__ == "SimpleQueue"
                    and caller_module(2) == _POOL
                ):  # a pool worker asking for its next task
                    _flush_when_terminated()
                    item = _get_or_flush(self)
                else:
                    item = original(self, *args, **kwargs)
                return item[2] if is_envelope(item) else item
            t0 = _now()
            try:
                item = original(self, *args, **kwargs)
            except BaseException as exc:
                emit_call(kind, t0, {}, {"error": type(exc).__name__})
                raise
            if is_envelope(item):
                _, link, item = item
                emit_call(kind, t0, {}, {"item": short(item), "link": link})
            else:
                emit_call(kind, t0, {}, {"item": short(item)})
            return item

        return get

    return make


_POOL = "multiprocessing.pool"
# A worker that waits this long for its next task sends its tallies (the live
# view then shows what it did). Not at once: a pool fed one item at a time
# keeps its workers waiting microseconds between tasks, which would make a
# summary span of every few tasks.
_IDLE_S = 0.005


def _get_or_flush(queue: Any) -> Any:
    """``SimpleQueue.get`` (the same three lines in 3.10-3.13) in a pool worker
    that has tallies of summarised events: they are sent if it waits longer than
    ``_IDLE_S``, for the queue's read lock (another worker holds it, or the
    pool, which takes it for good as it terminates) or, holding it, for a task.
    (A worker terminated here sends them from its SIGTERM handler, see
    ``_flush_when_terminated``.) The lock is taken through its C semaphore: the
    wrapped lock would report this wait as the script's own."""
    reader = queue._reader
    recv_bytes = type(reader).recv_bytes
    recv_bytes = getattr(recv_bytes, "__wrapped__", recv_bytes)  # not the script's recv
    lock = queue._rlock._semlock
    if not lock.acquire(True, _IDLE_S):
        budget.flush()
        _wait_interruptibly(lock.acquire, True)
    try:
        if not reader.poll(_IDLE_S):
            budget.flush()
            _wait_interruptibly(reader.poll)
        data = recv_bytes(reader)
    finally:
        lock.release()
    from multiprocessing.reduction import ForkingPickler  # imported by the queue already

    return ForkingPickler.loads(data)


# Waits in a worker that has the SIGTERM handler below are timed, in a loop: a
# Python handler runs only when the interpreter gets back to Python code, and a
# SIGTERM that arrives after it last looked and before an untimed wait begins
# interrupts nothing. Pool.terminate() sends it just then, to a worker idle in
# get(): the handler never ran, the worker outlived the pool (bare, SIGTERM's
# default action ends it wherever it is) and the script hung in the pool's join
# (1 run in 15 to 30 of tests/fixtures/scripts/big_map.py on 3.12). Each timeout
# is a way back into Python; most waits end at their first one, by EINTR.
_SIGNAL_CHECK_S = 0.05


def _wait_interruptibly(wait: Callable[..., bool], *args: Any) -> None:
    """``wait(*args, timeout)`` until it returns True (a lock's acquire(True, ...),
    a connection's poll(...)), going back into Python at every timeout."""
    while True:
        if wait(*args, _SIGNAL_CHECK_S):
            return


_terminated_handled: list[bool] = []


def _flush_when_terminated() -> None:
    """In a pool worker with tallies: SIGTERM (``Pool.terminate()``, which the
    pool's ``with`` block calls) sends them before the worker dies of it, as it
    would have bare (the default action, with the same exit status): the pool
    terminates its workers as soon as the script has its last result, when a
    worker may have waited less than ``_IDLE_S``, or not yet had the CPU to
    send them. Only where SIGTERM has its default action: a handler of the
    script's own is left alone."""
    import contextlib
    import signal

    if _terminated_handled:
        return
    _terminated_handled.append(True)
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return

    def terminated(signum: int, frame: Any) -> None:
        budget.flush()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)

    with contextlib.suppress(ValueError):  # not the main thread: not a process pool's worker
        signal.signal(signal.SIGTERM, terminated)
        budget.guard_sigterm = True


def _with_link(end: dict[str, Any], link: str | None) -> dict[str, Any]:
    if link is not None:
        end["link"] = link
    return end


def _make_queue_init(original: Callable[..., Any]) -> Callable[..., Any]:
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        # Where the script made it, by its pipe: a feeder thread blocked on that
        # pipe at a hang names the queue (waits.py, read only then).
        reader = getattr(self, "_reader", None)
        if reader is not None:
            try:
                inode = os.fstat(reader.fileno()).st_ino
            except (OSError, ValueError):
                return
            waits.note_made(f"pipe:{inode}", waits.user_frame(1))

    return __init__


def patch_queues(module: ModuleType) -> None:
    for cls in (module.Queue, module.JoinableQueue, module.SimpleQueue):
        _wrap(cls, "put", _make_put("put", module.__name__))
        _wrap(cls, "get", _make_get("get", module.__name__))
    _wrap(module.Queue, "__init__", _make_queue_init)


# --- pipes --------------------------------------------------------------------


# Raw bytes have no room for an envelope, so a script's ``send_bytes`` (and
# ``send``, whose pickle the script may read raw) on an end made by the
# script's ``Pipe()`` writes a link frame just before the payload, in the same
# write as the payload's length header (CPython's ``_send_bytes`` writes header
# and payload in one write up to 16384 bytes, apart above that: a message that
# was one write bare is one write traced).
# The frame starts with a 4-byte length header that no CPython sender writes
# (lengths are >= 0, or -1 before an 8-byte length), so the receiver knows it
# from the header alone, before any ``maxlength`` check and without reading a
# byte of a real message: the frame never counts against ``maxlength``, and a
# message too long is refused with its body unread, as bare. The link id (the
# sending pid and a counter) travels with the data, so every read takes the
# link of the very write it reads, even when forked children share an end.
# Frames are written only where every reader is traced (a connection from
# ``Listener``/``Client`` may reach a process that is not: it gets none).
#
# multiprocessing's own ``_send_bytes`` and ``_recv_bytes`` still run, with
# the frame added and taken off one level down (``_send``, ``_recv``): a
# traceback through them (EOFError, BrokenPipeError) prints as it does bare.
_FRAME_MARK = -0x434F4E43  # b"\xbc\xb0\xb1\xbd" on the wire
_FRAME = struct.Struct("!iQQ")  # the mark, the sending pid, the link number
_FRAME_MARK_BYTES = _FRAME.pack(_FRAME_MARK, 0, 0)[:4]
_LINK_AND_HEADER = struct.Struct("!QQ4s")  # the rest of a frame, then the payload's header
_SENDING = "_concdemo_sending"  # thread id -> (pid, number) of the frame to write
_AT_HEADER = "_concdemo_at_header"  # the next _recv of 4 bytes reads a length header
_RECEIVED = "_concdemo_received"  # thread id -> the link of the frame just read


def _take_received(conn: Any) -> str | None:
    """The link of the frame this thread's last read on ``conn`` found, if any."""
    received = conn.__dict__.get(_RECEIVED)
    return received.pop(get_ident(), None) if received else None


def _make_sender(
    kind: str, describe: Callable[[tuple[Any, ...]], dict[str, Any]]
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A script's send/send_bytes: reported, and on a framed connection linked.

    The original checks the arguments (and raises what it raises); the first
    ``_send`` of its ``_send_bytes`` finds the frame this thread left for it on
    the connection. multiprocessing's own calls (a queue's feeder thread, the
    authentication handshake) are untouched."""

    def make(original: Callable[..., Any]) -> Callable[..., Any]:
        def send(self: Any, *args: Any, **kwargs: Any) -> Any:
            if _internal(""):
                return original(self, *args, **kwargs)
            t0 = _now()
            detail = describe(args)
            ident = 0
            pending: dict[int, tuple[int, int]] | None = None
            parts = (0, 0)
            if getattr(self, FRAMED, False):  # only then is a frame left for _send
                ident = get_ident()
                pending = self.__dict__.setdefault(_SENDING, {})
                parts = pending[ident] = new_link_parts(_state.pid)
            try:
                result = original(self, *args, **kwargs)
            except BaseException as exc:
                if pending is not None:
                    pending.pop(ident, None)
                emit_call(kind, t0, detail, {"error": type(exc).__name__})
                raise
            # Taken by _send: the frame went out with the payload's header. The
            # link goes with what was sent (on the start of a send that blocked),
            # as a put's does.
            if pending is not None and pending.pop(ident, None) is None:
                detail["link"] = link_name(*parts)
            emit_call(kind, t0, detail, {})
            return result

        return send

    return make


def _framed_send(original: Callable[..., Any]) -> Callable[..., Any]:
    """``Connection._send``: the frame send/send_bytes left, if any, goes in
    front of the first write of the message (its length header)."""

    def _send(self: Any, buf: Any, *args: Any) -> Any:
        pending = self.__dict__.get(_SENDING)
        parts = pending.pop(get_ident(), None) if pending else None
        if parts is not None:
            buf = _FRAME.pack(_FRAME_MARK, *parts) + buf
        return original(self, buf, *args)

    return _send


def _header_next(original: Callable[..., Any]) -> Callable[..., Any]:
    """``Connection._recv_bytes``, which every reader goes through (recv,
    recv_bytes, recv_bytes_into): its first ``_recv`` reads a length header,
    which may be a frame's. One flag per connection is enough: two reads of one
    connection at once garble the stream bare already (each is two reads of
    the fd), so readers of one end take turns."""

    def _recv_bytes(self: Any, *args: Any, **kwargs: Any) -> Any:
        self.__dict__[_AT_HEADER] = True
        return original(self, *args, **kwargs)

    return _recv_bytes


def _framed_recv(original: Callable[..., Any]) -> Callable[..., Any]:
    """``Connection._recv``: a length header that is a frame's is read with the
    rest of the frame and the payload's own header, which is returned in its
    place; the link is left on the connection for this thread. (A header read
    is always of 4 bytes; a payload's body of 4 bytes comes after its header
    read took the flag off.)"""

    def _recv(self: Any, size: int, *args: Any) -> Any:
        buf = original(self, size, *args)
        if size != 4 or not self.__dict__.pop(_AT_HEADER, False):
            return buf
        if buf.getvalue() != _FRAME_MARK_BYTES:
            return buf
        rest = original(self, _LINK_AND_HEADER.size, *args).getvalue()
        pid, number, header = _LINK_AND_HEADER.unpack(rest)
        self.__dict__.setdefault(_RECEIVED, {})[get_ident()] = link_name(pid, number)
        return type(buf)(header)  # an io.BytesIO, as _recv returns

    return _recv


def _make_receiver(
    kind: str, key: str, limit: int
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """recv/recv_bytes/recv_bytes_into: reported (what was received, under
    ``key``), with the link of the frame that came before the payload (also
    when the payload is refused: too long for ``maxlength``, or for the buffer)."""

    def make(original: Callable[..., Any]) -> Callable[..., Any]:
        def receive(self: Any, *args: Any, **kwargs: Any) -> Any:
            if _internal(""):
                return original(self, *args, **kwargs)
            _take_received(self)  # none left over from a read of multiprocessing's
            t0 = _now()
            try:
                result = original(self, *args, **kwargs)
            except BaseException as exc:
                link = _take_received(self)
                emit_call(kind, t0, {}, _with_link({"error": type(exc).__name__}, link))
                raise
            end = {key: short(result, limit)}
            emit_call(kind, t0, {}, _with_link(end, _take_received(self)))
            return result

        return receive

    return make


def _framed_class(plain: type) -> type:
    """The class of a script's ``Pipe()`` ends: ``Connection`` with the frame
    added and taken off. Only these ends pay for it (a queue's, a pool's and a
    manager's connections stay plain), and the subclass keeps the name, module
    and repr of the original."""
    framed = type(
        plain.__name__,
        (plain,),
        {
            "__module__": plain.__module__,
            "__qualname__": plain.__qualname__,
            FRAMED: True,
            "_send": _framed_send(plain._send),  # type: ignore[attr-defined]
            "_recv_bytes": _header_next(plain._recv_bytes),  # type: ignore[attr-defined]
            "_recv": _framed_recv(plain._recv),  # type: ignore[attr-defined]
        },
    )
    return framed


def _made_by_the_script() -> bool:
    """Pipe() called by the script (through multiprocessing.Pipe or not), not by
    a queue, a pool or a manager of multiprocessing's (frame 3: our wrapper's caller)."""
    module = caller_module(3)
    if module == "multiprocessing.context":  # multiprocessing.Pipe(): one more up
        module = caller_module(4)
    return not module.startswith(_INTERNAL)


def patch_connection(module: ModuleType) -> None:
    cls = module._ConnectionBase

    def describe_item(args: tuple[Any, ...]) -> dict[str, Any]:
        return {"item": short(args[0])} if args else {}

    def describe_bytes(args: tuple[Any, ...]) -> dict[str, Any]:
        return {"bytes": short(args[0], 40)} if args else {}

    _wrap(cls, "send", _make_sender("send", describe_item))
    _wrap(cls, "recv", _make_receiver("recv", "item", 60))
    _wrap(cls, "send_bytes", _make_sender("send_bytes", describe_bytes))
    _wrap(cls, "recv_bytes", _make_receiver("recv_bytes", "bytes", 40))
    _wrap(cls, "recv_bytes_into", _make_receiver("recv_bytes_into", "bytes", 40))
    plain = module.Connection
    if not hasattr(plain, "_send") or not hasattr(plain, "_recv"):
        return  # not the length-prefixed wire format: no frames
    if getattr(module.Pipe, "_concdemo", False):
        return
    framed = links.framed_class = _framed_class(plain)

    def make_pipe(original: Callable[..., Any]) -> Callable[..., Any]:
        def Pipe(*args: Any, **kwargs: Any) -> Any:
            ends = original(*args, **kwargs)
            if _made_by_the_script():
                made = waits.place(waits.user_frame(1))
                for end in ends:
                    if type(end) is plain:
                        end.__class__ = framed
                # Where it was made, by its inodes: a recv blocked on it at a hang
                # names the pipe and who holds its other end (waits.py, read then).
                waits.note_pipe(ends, made)
            return ends

        return Pipe

    setattr(module, "Pipe", mark(make_pipe(module.Pipe), module.Pipe))  # noqa: B010
    # A framed end passed to a child (spawn, forkserver, or through a queue)
    # is pickled by multiprocessing's reducer for its class: the child's copy
    # is framed too.
    reduction = module.reduction
    reduce = reduction.ForkingPickler._extra_reducers.get(plain)
    if reduce is not None:

        def reduce_framed(end: Any) -> Any:
            return links.rebuild_framed, reduce(end)

        reduction.register(framed, reduce_framed)


# --- locks and semaphores -------------------------------------------------------


def patch_synchronize(module: ModuleType) -> None:
    """multiprocessing's Lock, RLock, Semaphore: an acquire that waited is a span.

    ``SemLock._make_methods`` binds ``acquire`` to the C semaphore, in the
    creating process and again in each child that unpickles the lock; our
    version binds a wrapper that tries without blocking first, so an acquire
    that did not wait costs one Python call and records nothing. A blocked
    acquire notes what it waits for in ``waits.WAITING`` while it waits.

    Who holds a Lock or RLock is not recorded per acquire (measured: keeping the
    latest acquirer made a ``with`` pair 1.9x bare): at a hang, each process finds
    the locks it holds from the semaphore's own per-process count
    (``_semlock._count()``, kept by multiprocessing in C) through the weak
    references kept here (``waits.remember``), and its threads' frames say
    which thread took it and where (``waits.py``). Releases are multiprocessing's
    own."""
    from concdemo.tracer import waits
    from concdemo.tracer.threads import entered_through, waited

    entered_through(module.Condition)  # `with cond:` on a multiprocessing Condition
    waiting, now = waits.WAITING, _now

    def contended(self: Any, acquire: Any, args: tuple[Any, ...], timeout: float | None) -> bool:
        """A blocking acquire (the try failed): noted in WAITING while it waits
        (its line is read from the thread's stack at a hang, not here)."""
        key = self._concdemo_key
        if key is None:
            return semaphore_waited(self, acquire, args, timeout, 5)
        ident = get_ident()
        waiting[ident] = ("lock", key, self._concdemo_name, now(), None, 0, timeout)
        try:
            return waited(acquire, args, self, 4)
        finally:
            waiting.pop(ident, None)

    def make(make_methods: Callable[..., Any]) -> Callable[..., Any]:
        def _make_methods(self: Any) -> None:
            make_methods(self)
            plain = self.acquire
            kind = type(self).__name__
            if kind in ("Lock", "RLock"):
                semlock = self._semlock
                key = waits.semaphore_key(semlock)
                if sys._getframe(1).f_code.co_name == "__init__":  # made here, not unpickled
                    waits.note_made(key, waits.user_frame(1))
                waits.remember(key, self)
                self._concdemo_key, self._concdemo_name = key, f"multiprocessing.{kind}"
            else:
                made_here(self, sys._getframe(1))

            def acquire(block: bool = True, timeout: float | None = None) -> bool:
                if plain(False):
                    return True
                return block and contended(self, plain, (True, timeout), timeout)

            self.acquire = acquire

        return _make_methods

    def __enter__(self: Any) -> bool:
        # ``with lock:`` goes to the C semaphore directly, not through ``acquire``.
        # As few steps as the fast path allows: a local and a bool() around the
        # try made a ``with`` pair 13% slower than bare, this is 4-5% (measured
        # in a forked child, A/B in one process: 226 ns bare, 255 and 236-241).
        return self._semlock.acquire(False) or contended(
            self, self._semlock.acquire, (), None
        )

    # A Semaphore's, an Event's: no holder kept (a class default: read fast).
    module.SemLock._concdemo_key = None
    _wrap(module.SemLock, "_make_methods", make)
    _wrap(module.SemLock, "__enter__", lambda _original: __enter__)


def made_here(sem: Any, caller: Any) -> None:
    """Where the script made a Semaphore, BoundedSemaphore (and so an Event, whose
    flag is one), noted once at creation (not when a child unpickles it): a wait on
    it at a hang names that line."""
    if caller.f_code.co_name == "__init__":
        with contextlib.suppress(AttributeError, ValueError):
            waits.CREATED[waits.semaphore_key(sem._semlock)] = waits.place(waits.user_frame(2))


def semaphore_waited(
    sem: Any, acquire: Any, args: tuple[Any, ...], timeout: float | None, depth: int
) -> bool:
    """A Semaphore's acquire that failed its try and blocks: noted in
    ``waits.WAITING`` while it waits, when the script called it (a library's own,
    e.g. an Event's wait or a full Queue's put, is read from its frames at a hang).
    ``depth``: the script's frame for ``threads.waited``, counted from there."""
    from concdemo.tracer.threads import _LIBRARIES, waited

    caller = sys._getframe(depth - 2)
    if str(caller.f_globals.get("__name__", "")).startswith(_LIBRARIES):
        return waited(acquire, args, sem, depth)
    ident, key = get_ident(), waits.semaphore_key(sem._semlock)
    name = f"multiprocessing.{type(sem).__name__}"
    waits.WAITING[ident] = ("semaphore", key, name, _now(), None, 0, timeout)
    try:
        return waited(acquire, args, sem, depth)
    finally:
        waits.WAITING.pop(ident, None)


# --- pools --------------------------------------------------------------------


def _run_task(call: TaskCall, args: tuple[Any, ...], kwds: dict[str, Any]) -> Any:
    """In the worker: one task as a span, with the link of the call that submitted
    it; past the budget of its function in this thread, a tally (``budget.py``)."""
    func = _func_name(call.func)
    key = ("task", task_name(), "func", func)
    if not budget.admit(key):
        t0 = _now()
        try:
            result = call.func(*args, **kwds)
        except BaseException:
            budget.tally(key, t0, _now(), error=True)
            raise
        budget.tally(key, t0, _now())
        return result
    detail = {"func": func, "args": short(args), "link": call.link}
    emit("task-start", detail, "start")
    end: dict[str, Any] = {"func": func}
    try:
        result = call.func(*args, **kwds)
    except BaseException as exc:
        end["error"] = f"{type(exc).__name__}: {short(exc)}"
        raise
    finally:
        emit("task-end", end, "end")
    return result


def _run_chunk(call: TaskCall, chunk: Any, run: Callable[[], Any]) -> Any:
    """In the worker: a chunk of ``map``'s items is one task of the pool (one
    message, one result), and one span, whose ``items`` says how many it held;
    the items themselves run bare, without a Python call of ours each."""
    func = _func_name(call.func)
    key = ("task", task_name(), "func", func)
    items = len(chunk)
    if not budget.admit(key):
        t0 = _now()
        try:
            result = run()
        except BaseException:
            budget.tally(key, t0, _now(), error=True)
            raise
        budget.tally(key, t0, _now())
        return result
    emit(
        "task-start",
        {"func": func, "items": items, "args": short(chunk), "link": call.link},
        "start",
    )
    end: dict[str, Any] = {"func": func, "items": items}
    try:
        return run()
    except BaseException as exc:
        end["error"] = f"{type(exc).__name__}: {short(exc)}"
        raise
    finally:
        emit("task-end", end, "end")


def _wrap_chunks(module: ModuleType, name: str, star: bool) -> None:
    """``mapstar``/``starmapstar`` (Pool) or ``_process_chunk`` (ProcessPoolExecutor):
    the function a chunk of items runs in. Pickled by reference to the worker,
    where the patched module gives this wrapper (its name is the original's)."""
    original = getattr(module, name, None)
    if original is None or getattr(original, "_concdemo", False):
        return
    if star:  # mapstar(args) / starmapstar(args): args is (func, chunk)

        def chunked(args: Any) -> Any:
            func, chunk = args
            if type(func) is not TaskCall or TaskCall.report is None:
                return original(args)
            return _run_chunk(func, chunk, lambda: original((func.func, chunk)))

    else:  # _process_chunk(fn, chunk)

        def chunked(fn: Any, chunk: Any) -> Any:  # type: ignore[misc]
            if type(fn) is not TaskCall or TaskCall.report is None:
                return original(fn, chunk)
            return _run_chunk(fn, chunk, lambda: original(fn.func, chunk))

    setattr(module, name, mark(chunked, original))


def _noted(result: Any, link: str) -> Any:
    """A pool's result keeps its call's link and line: a ``get()`` blocked on it at
    a hang names the call, and the task of that link that a worker started and
    never finished (its worker died: bpo-22393). Once per call, not per wait."""
    with contextlib.suppress(AttributeError):
        result._concdemo_link = link
        result._concdemo_at = waits.place(waits.user_frame(2))
    return result


def patch_pool(module: ModuleType) -> None:
    TaskCall.report = staticmethod(_run_task)
    cls = module.Pool

    def submitted(kind: str, func: Any, link: str, **more: Any) -> None:
        name = _func_name(func)
        key = (kind, task_name(), "func", name)
        if budget.admit(key):
            emit(kind, {"func": name, **more, "link": link})
        else:  # a loop of a million apply_async: tallied (budget.py)
            now = _now()
            budget.tally(key, now, now)

    def make_apply_async(original: Callable[..., Any]) -> Callable[..., Any]:
        def apply_async(self: Any, func: Any, args: Any = (), *rest: Any, **kwargs: Any) -> Any:
            frame = sys._getframe(1)
            by_apply = (
                frame.f_code.co_name == "apply"
                and frame.f_globals.get("__name__") == "multiprocessing.pool"
            )
            link = new_link(_state.pid)
            submitted("apply" if by_apply else "apply_async", func, link, args=short(args))
            return _noted(original(self, TaskCall(func, link), args, *rest, **kwargs), link)

        return apply_async

    def make_map_async(original: Callable[..., Any]) -> Callable[..., Any]:
        def _map_async(self: Any, func: Any, iterable: Any, *rest: Any, **kwargs: Any) -> Any:
            caller = sys._getframe(1).f_code.co_name
            link = new_link(_state.pid)
            submitted(caller.lstrip("_") or "map", func, link)
            return _noted(original(self, TaskCall(func, link), iterable, *rest, **kwargs), link)

        return _map_async

    def make_imap(kind: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def make(original: Callable[..., Any]) -> Callable[..., Any]:
            def imap(self: Any, func: Any, *rest: Any, **kwargs: Any) -> Any:
                link = new_link(_state.pid)
                submitted(kind, func, link)
                return original(self, TaskCall(func, link), *rest, **kwargs)

            return imap

        return make

    _wrap_chunks(module, "mapstar", star=True)
    _wrap_chunks(module, "starmapstar", star=True)
    _wrap(cls, "apply_async", make_apply_async)
    _wrap(cls, "_map_async", make_map_async)
    _wrap(cls, "imap", make_imap("imap"))
    _wrap(cls, "imap_unordered", make_imap("imap_unordered"))
    # (get() waiting for itself: the pool's own call.)
    _wrap(module.ApplyResult, "get", _make_result_wait("result-get", ("multiprocessing.pool",)))
    _wrap(module.ApplyResult, "wait", _make_result_wait("result-wait", ("multiprocessing.pool",)))


# --- concurrent.futures' process pool ------------------------------------------


def patch_futures(module: ModuleType) -> None:
    """``ProcessPoolExecutor.submit`` and ``map``: reported, and each task a span
    in the worker that ran it, linked to the call, as for a Pool. The executor's
    own queues are multiprocessing's and pass through (``_INTERNAL``)."""
    TaskCall.report = staticmethod(_run_task)
    cls = module.ProcessPoolExecutor

    def handed_over(kind: str, fn: Any, call: Callable[[TaskCall], Any], **more: Any) -> Any:
        """The call with ``fn`` as a linked task; reported with its start time
        once it returned (a refused one, e.g. after shutdown, with its error
        and no link: no task comes of it)."""
        t0 = _now()
        link = new_link(_state.pid)
        detail = {"func": _func_name(fn), **more}
        try:
            result = call(TaskCall(fn, link))
        except BaseException as exc:
            emit(kind, {**detail, "error": type(exc).__name__}, t_ns=t0)
            raise
        key = (kind, task_name(), "func", detail["func"])
        if budget.admit(key):
            emit(kind, {**detail, "link": link}, t_ns=t0)
        else:  # a loop of a million submit: tallied (budget.py)
            budget.tally(key, t0, t0)
        return result

    def make_submit(original: Callable[..., Any]) -> Callable[..., Any]:
        def submit(self: Any, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            # map's chunks; or asyncio's run_in_executor, whose work is a TaskCall
            # already (tracer/aio.py: its await links to it)
            if type(fn) is TaskCall or caller_module().startswith("concurrent.futures."):
                return original(self, fn, *args, **kwargs)
            return handed_over(
                "submit", fn, lambda task: original(self, task, *args, **kwargs), args=short(args)
            )

        return submit

    def make_map(original: Callable[..., Any]) -> Callable[..., Any]:
        def map(self: Any, fn: Any, *iterables: Any, **kwargs: Any) -> Any:
            # Each chunk's _process_chunk calls the task once per item.
            return handed_over("map", fn, lambda task: original(self, task, *iterables, **kwargs))

        return map

    _wrap(cls, "submit", make_submit)
    _wrap(cls, "map", make_map)
    _wrap_chunks(module, "_process_chunk", star=False)


def patch_futures_base(module: ModuleType) -> None:
    """``Future.result`` called by the script (a process or a thread pool's
    future): an event, or a span of the time it waited, as ``AsyncResult.get``."""
    make = _make_result_wait("result-get", ("concurrent.", "asyncio"), with_item=True)
    _wrap(module.Future, "result", make)


def _make_result_wait(
    kind: str, libraries: tuple[str, ...], with_item: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A wait for a result (``AsyncResult.get/wait``, ``Future.result``): an
    event, or a span of the time it waited, unless ``libraries`` made the call."""

    def make(original: Callable[..., Any]) -> Callable[..., Any]:
        def wait(self: Any, *args: Any, **kwargs: Any) -> Any:
            if caller_module().startswith(libraries):
                return original(self, *args, **kwargs)
            t0 = _now()
            try:
                value = original(self, *args, **kwargs)
            except BaseException as exc:
                emit_call(kind, t0, {}, {"error": type(exc).__name__})
                raise
            emit_call(kind, t0, {}, {"item": short(value)} if with_item else {})
            return value

        return wait

    return make


# --- managers -----------------------------------------------------------------


def patch_managers(module: ModuleType) -> None:
    def make(original: Callable[..., Any]) -> Callable[..., Any]:
        def _callmethod(self: Any, methodname: str, args: Any = (), kwds: Any = None) -> Any:
            if methodname.startswith("#"):  # the proxy's own bookkeeping
                return original(self, methodname, args, kwds or {})
            t0 = _now()
            detail = {"call": f"{self._token.typeid}.{methodname}", "args": short(args)}
            try:
                result = original(self, methodname, args, kwds or {})
            except BaseException as exc:
                emit_call("proxy", t0, detail, {"error": type(exc).__name__})
                raise
            emit_call("proxy", t0, detail, {})
            return result

        return _callmethod

    _wrap(module.BaseProxy, "_callmethod", make)
