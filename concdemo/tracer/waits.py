"""Who holds what and who waits for what, in this process: the wait-for graph's own half.

Nothing is recorded per acquire. A blocked multiprocessing acquire (the
wrappers of ``mp.patch_synchronize``, only once their non-blocking try failed)
and a join (``threads``, ``mp``) note in ``WAITING`` (a thread's ident -> what
it blocks on, since when) what they wait for, a plain dict written under the GIL
without a lock of ours (a signal may land mid-update); a threading lock has no
wrapper: a thread blocked in one is read from its frame at the hang. At a hang
the CLI's stack signal (SIGRTMIN+4, see ``wire.process.stack_signal``; not
SIGUSR1, which scripts use) first makes
faulthandler dump the stacks, then (chained) runs ``_on_signal`` in the main
thread, which writes ``stacks/PID.waits.json``: those waits; the
multiprocessing locks this process holds (their semaphore's own per-process
count, kept by multiprocessing in C) and the bare ``threading`` locks its
threads hold, each with the thread and line read from the source (a thread
inside ``with a:``, or past ``a.acquire()`` in the function it is in, holds
``a``: marked ``inferred``); the queue feeder waits read from the frames; and
the pipes this process can read. The CLI joins the processes' files into edges
(``concdemo.core.waits``).
"""

from __future__ import annotations

import _thread
import contextlib
import os
import sys
import weakref

from concdemo.tracer import ipc_waits
from concdemo.tracer.core import _now, process_name
from concdemo.wire import process as this_process

TYPE_CHECKING = False  # as typing's, without importing typing (tracer/__init__.py)
if TYPE_CHECKING:
    from types import FrameType
    from typing import Any

# key -> a weak reference to a multiprocessing Lock/RLock made or unpickled here,
# to read its semaphore at a hang (weak: the script's lock is freed when the
# script drops it, as bare).
_LOCKS: dict[Any, Any] = {}
# ident -> (kind, key or object, label, t_ns, file, line, timeout)
WAITING: dict[int, tuple[Any, ...]] = {}
# key -> "file:line" where this process (or the parent it forked from) made it,
# and how many objects that line had made before it (`a, b = Lock(), Lock()`:
# b is the second, which names it in the graph).
CREATED: dict[Any, str] = {}
CREATED_NTH: dict[Any, int] = {}
_MADE_AT: dict[str, int] = {}

# threading's Lock and RLock as the script gets them (their C types, taken before
# gevent can patch _thread), and those the script made -> (made at, nth there).
_THREAD_LOCKS = (type(_thread.allocate_lock()), _thread.RLock)
_MADE_LOCKS: weakref.WeakKeyDictionary[Any, tuple[str, int]] = weakref.WeakKeyDictionary()
# threading Events the script made -> where (patch_event).
_MADE_EVENTS: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()
# More parts of a snapshot, registered by the patches of what the script imports
# (waits_greenlets, once gevent is imported): each adds to the snapshot's dict.
PARTS: list[Any] = []

_TRACER_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_STDLIB = os.path.dirname(os.__file__) + os.sep


def user_frame(depth: int) -> Any:
    """The first frame from ``depth`` up that is neither ours nor the standard library's."""
    try:
        frame: Any = sys._getframe(depth + 1)
    except ValueError:
        return None
    while frame is not None:
        file = frame.f_code.co_filename
        if not file.startswith((_TRACER_DIR, _STDLIB)) and not file.startswith("<frozen"):
            return frame
        frame = frame.f_back
    return None


def where(frame: Any) -> tuple[str, int]:
    if frame is None:
        return ("?", 0)
    return (frame.f_code.co_filename, frame.f_lineno or 0)


def semaphore_key(semlock: Any) -> str:
    """A multiprocessing semaphore's key across processes: its name (spawn,
    forkserver) or its address (fork: the same in every forked child)."""
    return str(semlock.name or f"sem:{semlock.handle:x}")


def remember(key: Any, lock: Any) -> None:
    """Keep a way back to a multiprocessing lock (once per lock and process)."""
    with contextlib.suppress(TypeError):  # not weak-referenceable: its hold is not judged
        _LOCKS[key] = weakref.ref(lock)


def forget() -> None:
    """In a forked child: the parent's waits are not its own."""
    WAITING.clear()


def _held_here(lock: Any) -> tuple[bool, bool]:
    """(held by this process, by the thread running this: the main one) of a
    multiprocessing Lock/RLock, from its semaphore's per-process count
    (multiprocessing zeroes it in a child it forks)."""
    try:
        semlock = lock._semlock
        return semlock._count() > 0, bool(semlock._is_mine())
    except (AttributeError, OSError):
        return False, False


def place(frame: Any) -> str:
    file, line = where(frame)
    return f"{file}:{line}"


def note_made(key: Any, frame: Any) -> None:
    """Where the script made the object known by ``key`` (once per object)."""
    at = place(frame)
    CREATED[key] = at
    CREATED_NTH[key] = _MADE_AT.get(at, 0)
    _MADE_AT[at] = CREATED_NTH[key] + 1


def note_lock(lock: Any, frame: Any) -> None:
    """Where a threading Lock/RLock was made, kept as long as the lock lives."""
    at = place(frame)
    nth = _MADE_AT.get(at, 0)
    _MADE_AT[at] = nth + 1
    with contextlib.suppress(TypeError):
        _MADE_LOCKS[lock] = (at, nth)


def install_handler() -> None:
    """Chain a Python handler of the stack signal after faulthandler's dump (main
    thread only)."""
    import faulthandler

    if this_process.state.run_dir is None:
        return
    signum = this_process.stack_signal()
    try:
        faulthandler.unregister(signum)
        this_process.set_signal_handler(signum, _on_signal)
    except (ValueError, OSError, RuntimeError):
        return  # not the main thread, or no such signal: stacks only, as before
    this_process.state.stack_chain = True
    this_process.open_stack_file()


# --- at hang time -----------------------------------------------------------------

_SOURCES: dict[str, Any] = {}


def _tree(file: str) -> Any:
    if file not in _SOURCES:
        import ast

        try:
            with open(file, encoding="utf-8") as source:
                _SOURCES[file] = ast.parse(source.read())
        except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
            _SOURCES[file] = None
    return _SOURCES[file]


def _evaluate(node: Any, frame: Any) -> Any:
    """A Name or an Attribute chain, read from the frame without calling anything."""
    import ast

    if isinstance(node, ast.Name):
        for scope in (frame.f_locals, frame.f_globals):
            if node.id in scope:
                return scope[node.id]
        raise LookupError(node.id)
    if isinstance(node, ast.Attribute):
        owner = _evaluate(node.value, frame)
        attributes = getattr(owner, "__dict__", None)
        if isinstance(attributes, dict) and node.attr in attributes:
            return attributes[node.attr]
        raise LookupError(node.attr)
    raise LookupError("not a name")


def _withs_around(frame: Any, innermost: bool) -> list[tuple[Any, str, int]]:
    """(object, source text, line) of each ``with X:`` whose body the frame is in."""
    import ast

    tree = _tree(frame.f_code.co_filename)
    if tree is None:
        return []
    line = frame.f_lineno or 0
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.With, ast.AsyncWith)) or not node.body:
            continue
        if not node.body[0].lineno <= line <= (node.body[-1].end_lineno or 0):
            continue
        if innermost and node.lineno == line:
            continue  # `with b: pass` on the line it blocks at: b is awaited, not held
        for item in node.items:
            try:
                value = _evaluate(item.context_expr, frame)
            except Exception:  # a name not bound (yet), an attribute not plain
                continue
            found.append((value, ast.unparse(item.context_expr), node.lineno))
    return found


def _function_node(tree: Any, frame: Any) -> Any:
    """The ``def`` the frame runs (the innermost one around its line), else the module."""
    import ast

    line, name = frame.f_lineno or 0, frame.f_code.co_name
    found = tree
    for node in ast.walk(tree):
        if (
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.name == name
            and node.lineno <= line <= (node.end_lineno or 0)
            and (found is tree or node.lineno > found.lineno)
        ):
            found = node
    return found


def _acquires_before(frame: Any) -> list[tuple[Any, str, int]]:
    """(object, source text, line) of each ``X.acquire()`` of the frame's function
    whose last ``X.acquire()``/``X.release()`` before the current line (in the
    source's order: a loop's release below has not run yet) is the acquire."""
    import ast

    tree = _tree(frame.f_code.co_filename)
    if tree is None:
        return []
    line = frame.f_lineno or 0
    last: dict[int, tuple[str, Any, str, int]] = {}
    calls = [
        node
        for node in ast.walk(_function_node(tree, frame))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("acquire", "release")
        and node.lineno < line
    ]
    for call in sorted(calls, key=lambda node: (node.lineno, node.col_offset)):
        try:
            value = _evaluate(call.func.value, frame)  # type: ignore[attr-defined]
        except Exception:  # a name not bound (yet), an attribute not plain
            continue
        text = ast.unparse(call.func.value)  # type: ignore[attr-defined]
        last[id(value)] = (call.func.attr, value, text, call.lineno)  # type: ignore[attr-defined]
    return [(value, text, at) for verb, value, text, at in last.values() if verb == "acquire"]


def _label_at(frame: Any, wanted: Any) -> str | None:
    """The source text naming ``wanted`` on the frame's current line (``with b:``)."""
    import ast

    tree = _tree(frame.f_code.co_filename)
    if tree is None:
        return None
    line = frame.f_lineno or 0
    for node in ast.walk(tree):
        if isinstance(node, (ast.Name, ast.Attribute)) and getattr(node, "lineno", 0) == line:
            try:
                if _evaluate(node, frame) is wanted:
                    return ast.unparse(node)
            except Exception:
                continue
    return None


def _thread_lock(value: Any) -> Any:
    """The threading Lock/RLock behind ``value`` (a Condition's own), else None."""
    if type(value).__name__ == "Condition" and type(value).__module__ == "threading":
        value = getattr(value, "_lock", None)
    return value if isinstance(value, _THREAD_LOCKS) else None


def _taken_by(lock: Any) -> tuple[bool, int | None]:
    """(locked, the owning thread's ident if the lock says: an RLock's repr does)."""
    if isinstance(lock, _thread.RLock):
        words = repr(lock).split()
        owner = next((w[6:] for w in words if w.startswith("owner=")), "")
        return words[0] == "<locked", int(owner) if owner.isdigit() else None
    return bool(lock.locked()), None


def _opname_at(code: Any, offset: int) -> str:
    import dis

    for instruction in dis.get_instructions(code):
        if instruction.offset == offset:
            return instruction.opname
    return ""


def _timeout_of(call: Any, frame: Any) -> Any:
    """An ``acquire(...)`` call's timeout: None (waits for good), a number, or "?"
    (not a plain value: taken as timed, so never part of a claimed deadlock)."""
    args: dict[int | str, Any] = dict(enumerate(call.args))
    args.update({k.arg: k.value for k in call.keywords if k.arg})
    blocking, timeout = args.get(0, args.get("blocking")), args.get(1, args.get("timeout"))
    try:
        if blocking is not None and not _value(blocking, frame):
            return 0  # a try that does not block
        if timeout is None:
            return None
        seconds = float(_value(timeout, frame))
        return None if seconds < 0 else seconds
    except Exception:  # a name not bound, an expression: not judged
        return "?"


def _value(node: Any, frame: Any) -> Any:
    import ast

    if isinstance(node, ast.Constant):
        return node.value
    return _evaluate(node, frame)


def _catches_eof(frame: Any) -> bool:
    """Whether the frame's current line is inside a ``try`` that catches EOFError:
    a reader that loops until EOF (which only the last write end's close brings),
    not one waiting for a message."""
    import ast

    tree = _tree(frame.f_code.co_filename)
    line = frame.f_lineno or 0
    for node in ast.walk(tree) if tree is not None else ():
        if not isinstance(node, ast.Try) or not node.body:
            continue
        if not node.body[0].lineno <= line <= (node.body[-1].end_lineno or 0):
            continue
        for handler in node.handlers:
            caught = handler.type
            names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
            if any(isinstance(n, ast.Name) and n.id == "EOFError" for n in names):
                return True
    return False


def _lock_awaited(frame: Any) -> tuple[Any, str, Any] | None:
    """(lock, source text, timeout) of the threading lock the script's frame is
    blocked on in C (no frame of its own): ``with X:`` at a with-instruction (of
    ``with a, b:``, the item whose turn it is), else ``X.acquire(...)``; read from
    the source, the frame's values and the lock's own state (it must be taken)."""
    import ast

    tree = _tree(frame.f_code.co_filename)
    if tree is None:
        return None
    line, code = frame.f_lineno or 0, frame.f_code
    found: list[tuple[Any, Any, Any]] = []  # (expression, call or None)
    if _opname_at(code, frame.f_lasti) in ("BEFORE_WITH", "SETUP_WITH"):
        import dis

        lines = {start: at for start, _, at in code.co_lines()}
        turn, current = 0, None
        for i in dis.get_instructions(code):
            current = lines.get(i.offset, current)
            if i.opname in ("BEFORE_WITH", "SETUP_WITH") and i.offset < frame.f_lasti:
                turn += current == line
        items = [
            item.context_expr
            for node in ast.walk(tree)
            if isinstance(node, ast.With) and node.lineno == line
            for item in node.items
        ]
        found = [(items[turn], None, None)] if turn < len(items) else []
    else:
        found = [
            (node.func.value, node, None)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "acquire"
            and node.lineno == line
        ]
    for expression, call, _ in found:
        try:
            lock = _thread_lock(_evaluate(expression, frame))
        except Exception:  # a name not bound (yet), an attribute not plain
            continue
        if lock is None or not _taken_by(lock)[0]:
            continue
        timeout = _timeout_of(call, frame) if call is not None else None
        if timeout == 0:
            continue
        return lock, ast.unparse(expression), timeout
    return None


def _chain(frame: Any) -> list[Any]:
    frames = []
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    return frames  # innermost first


def _text(file: str, line: int) -> str:
    return f"{file}:{line}"


def note_pipe(ends: Any, made: str) -> None:
    """Where the script made this Pipe(), by the inodes of its ends (and which end
    is whose peer): a recv blocked on it at a hang names it and its writers."""
    inodes = [inode for inode in map(_pipe_inode, ends) if inode is not None]
    for inode in inodes:
        CREATED[f"pipe:{inode}"] = made
    if len(inodes) == 2 and inodes[0] != inodes[1]:  # a socket pair (an os.pipe: one inode)
        ipc_waits.pair(*inodes)


def _pipe_inode(connection: Any) -> int | None:
    try:
        return os.fstat(connection.fileno()).st_ino
    except (OSError, ValueError, AttributeError):
        return None


def _open_ends() -> tuple[list[int], list[int], list[int]]:
    """The inodes of the pipes this process holds open (reading, writing) and of
    its sockets (a duplex Pipe()'s ends among them: both read and write, no
    direction to tell), from one scan of ``/proc/self/fd``."""
    found: tuple[list[int], list[int], list[int]] = ([], [], [])
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return found
    for name in names:
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
            if target.startswith("socket:["):
                found[2].append(int(target[8:-1]))
                continue
            if not target.startswith("pipe:["):
                continue
            with open(f"/proc/self/fdinfo/{name}") as info:
                flags = next(x for x in info if x.startswith("flags:")).split()[1]
            # O_RDONLY 0, O_WRONLY 1 (a pipe end is never O_RDWR)
            found[int(flags, 8) & 3 != 0].append(int(target[6:-1]))
        except (OSError, StopIteration, ValueError):
            continue
    reading, writing, sockets = (sorted(set(inodes)) for inodes in found)
    return reading, writing, sockets


# The standard library's blocking waits, read from its own frames at a hang (no
# cost before): (file, function) -> the kind of what ``self`` is, by its class.
_FRAME_WAITS = {
    ("threading.py", "wait"): {"Event": "event", "Condition": "condition", "Barrier": "barrier"},
    ("threading.py", "acquire"): {"Semaphore": "semaphore", "BoundedSemaphore": "semaphore"},
    ("synchronize.py", "wait"): {"Event": "event", "Condition": "condition", "Barrier": "barrier"},
    ("connection.py", "_recv"): {"Connection": "recv"},
    ("connection.py", "_recv_bytes"): {"Connection": "recv"},
}


def _called_by_the_script(frame: Any) -> bool:
    """Only the same library file (and our wrappers) between the frame and the script."""
    file = frame.f_code.co_filename
    caller = frame.f_back
    while caller is not None:
        other = caller.f_code.co_filename
        if other != file and not other.startswith(_TRACER_DIR):
            return not other.startswith((_STDLIB, "<"))
        caller = caller.f_back
    return False


def _frame_wait(frames: list[Any]) -> dict[str, Any] | None:
    """What the outermost of these standard-library waits is on (an Event's wait
    shows as the Condition's inside it: the outer one is the script's)."""
    found = None
    for frame in frames:  # innermost first: keep the last (outermost) match
        code = frame.f_code
        kinds = _FRAME_WAITS.get((os.path.basename(code.co_filename), code.co_name))
        if not kinds or not code.co_filename.startswith(_STDLIB):
            continue
        if not _called_by_the_script(frame):
            continue  # a library's own wait (a queue's idle feeder thread): not shown
        owner = frame.f_locals.get("self")
        kind = kinds.get(type(owner).__name__) if owner is not None else None
        if kind is None:
            continue
        timeout = frame.f_locals.get("timeout")
        found = {"kind": kind, "owner": owner, "timeout": timeout}
    if found is None:
        return None
    owner, kind = found.pop("owner"), found["kind"]
    if kind == "recv":
        inode = _pipe_inode(owner)
        found["key"] = f"pipe:{inode}" if inode is not None else f"obj:{os.getpid()}:{id(owner)}"
        found["created_at"] = CREATED.get(found["key"])
    else:
        found["key"] = f"obj:{os.getpid()}:{id(owner)}"
        found["created_at"], found["created_key"] = _made_at(owner)
    found["label_of"] = owner
    return found


def _made_at(owner: Any) -> tuple[str | None, str | None]:
    """Where an Event was made, noted when it was (never per wait or set): a
    threading Event's own note (``patch_event``), or a multiprocessing Event's flag
    semaphore's line (``mp.made_here``), whose key the CLI looks up in every
    process's table (a spawned child only unpickled it)."""
    made = _MADE_EVENTS.get(owner) if type(owner).__name__ == "Event" else None
    if made is not None:
        return made, None
    semlock = getattr(getattr(owner, "_flag", None), "_semlock", None)
    if semlock is None:
        return None, None
    key = semaphore_key(semlock)
    return CREATED.get(key), key


def patch_event(event: type) -> None:
    """threading.Event: its creation line kept beside it (``_MADE_EVENTS``, a weak
    reference: nothing is added to the script's object), so a wait on it at a hang
    says where it was made. Creation time only; an Event that threading makes for
    itself (each Thread's ``_started``) is skipped at once."""
    init = event.__init__  # type: ignore[misc]
    if getattr(init, "_concdemo", False):
        return
    own = getattr(init, "__code__", None)
    library = own.co_filename if own is not None else ""
    getframe = sys._getframe

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        if getframe(1).f_code.co_filename != library:
            with contextlib.suppress(TypeError):
                _MADE_EVENTS[self] = place(user_frame(1))

    __init__._concdemo = True  # type: ignore[attr-defined]
    event.__init__ = __init__  # type: ignore[misc]


def _ipc_wait(frames: list[Any], own: list[Any]) -> dict[str, Any] | None:
    """A wait on another process's work (a Manager's call, a Pool's result) or a
    manager's server thread running a call, as an edge (``ipc_waits``)."""
    found = ipc_waits.frame_wait(frames) or ipc_waits.serving(frames)
    if found is None:
        return None
    owner = found.pop("label_of", None)
    label = (_label_at(own[0], owner) if own and owner is not None else None) or ""
    at = _text(*where(own[0])) if own else ""
    if owner is not None:
        found.setdefault("created_at", getattr(owner, "_concdemo_at", None))
    return {"label": label, "since_ns": None, "at": at, "inferred": False, **found}


def _queue_wait(frames: list[Any]) -> dict[str, Any] | None:
    """A queue's feeder thread joined at exit, or writing into a full pipe (§3 of the
    design note), read from multiprocessing's own frames: observed, not inferred."""
    for frame in frames:
        code = frame.f_code
        if not code.co_filename.endswith(os.sep + "queues.py"):
            continue
        if code.co_name == "_finalize_join":
            thread = frame.f_locals.get("thread")
            if thread is None:  # 3.10-3.12 keep a weak reference, `twr`
                twr = frame.f_locals.get("twr")
                thread = twr() if twr is not None else None
            if thread is not None:
                return {
                    "kind": "thread",
                    "key": f"thread:{os.getpid()}:{thread.ident}",
                    "label": str(thread.name),
                    "at": _text(*where(frame)),
                }
        if code.co_name == "_feed":
            send = frame.f_locals.get("send_bytes")
            inode = _pipe_inode(getattr(send, "__self__", None))
            if inode is not None and any(
                f.f_code.co_name in ("_send", "send_bytes", "_send_bytes") for f in frames
            ):
                return {"kind": "pipe", "key": f"pipe:{inode}", "label": "", "at": ""}
    return None


def _thread_lock_key(lock: Any, made: dict[str, tuple[str, int]]) -> str:
    """A threading lock's key in the graph (this process's object), and where the
    script made it, noted in ``made`` for the snapshot."""
    key = f"obj:{os.getpid()}:{id(lock)}"
    made[key] = _MADE_LOCKS.get(lock, ("", 0))
    return key


def _inferred_hold(key: str, label: str, created_at: str | None) -> dict[str, Any]:
    return {
        "key": key,
        "label": label,
        "created_at": created_at,
        "thread": "?",
        "ident": None,
        "since_ns": None,
        "at": None,
        "inferred": True,
    }


def _mp_holds(
    in_frames: dict[int, list[tuple[int, str, str, str]]], main_ident: int | None
) -> list[dict[str, Any]]:
    """The multiprocessing locks this process holds now, each with the thread(s)
    whose frames show they took it. The hold is observed (the semaphore's count);
    the thread is observed for the main thread (``_is_mine`` asked here, in the
    signal handler), else inferred from the frames; the line always is."""
    found = []
    for key, ref in list(_LOCKS.items()):
        lock = ref()
        if lock is None:
            continue
        held, mine = _held_here(lock)
        if not held:
            continue
        takers = in_frames.get(id(lock), [])
        if mine:
            takers = [t for t in takers if t[0] == main_ident] or [
                (main_ident or 0, "MainThread", "", "")
            ]
        else:
            takers = [t for t in takers if t[0] != main_ident]
        unknown: list[tuple[int | None, str, str, str]] = [(None, "?", "", "")]
        for ident, name, text, at in takers or unknown:
            entry = _inferred_hold(key, text, CREATED.get(key))
            entry.update(thread=name, ident=ident, at=at or None, inferred=not mine)
            found.append(entry)
    return found


def _thread_lock_holds(
    in_frames: dict[int, list[tuple[int, str, str, str]]],
    objects: dict[int, Any],
    threads: dict[int, dict[str, Any]],
    made: dict[str, tuple[str, int]],
) -> list[dict[str, Any]]:
    """The taken threading locks the threads' frames show they took. An RLock names
    its owner itself (its repr: observed, as is the owner of one no frame shows);
    a Lock has no owner: each thread whose frames show it took it (inferred)."""
    found = []
    for number, takers in in_frames.items():
        lock = objects[number]
        if not isinstance(lock, _THREAD_LOCKS):
            continue
        locked, owner = _taken_by(lock)
        if not locked:
            continue
        if owner is not None:
            name = threads.get(owner, {}).get("name", "?")
            takers = [t for t in takers if t[0] == owner] or [(owner, name, "", "")]
        key = _thread_lock_key(lock, made)
        for ident, name, text, at in takers:
            entry = _inferred_hold(key, text, made[key][0] or None)
            entry.update(thread=name, ident=ident, at=at or None, inferred=owner is None)
            found.append(entry)
    return found


def snapshot(interrupted: FrameType | None) -> dict[str, Any]:
    threading = sys.modules.get("threading")
    active: dict[int, Any] = dict(getattr(threading, "_active", {}) or {})
    main_ident = threading.main_thread().ident if threading is not None else None
    frames_by_thread = sys._current_frames()
    if interrupted is not None and main_ident is not None:
        frames_by_thread[main_ident] = interrupted  # past this handler's own frame
    threads: dict[int, dict[str, Any]] = {}
    waits: list[dict[str, Any]] = []
    held: list[dict[str, Any]] = []
    # id(object) -> (ident, thread name, source text, "file:line") of each thread
    # whose frames show it took that object (a multiprocessing lock's holder)
    in_frames: dict[int, list[tuple[int, str, str, str]]] = {}
    objects: dict[int, Any] = {}  # id -> the object itself (alive: the frames hold it)
    seen: set[tuple[int, int]] = set()
    made: dict[str, tuple[str, int]] = {}  # a threading lock's key -> (made at, nth)
    tops: set[int] = set()
    # The main thread first: under gevent's patching it is listed twice, under
    # gevent's ident and the real one, with one stack: the real one is skipped.
    for ident, top in sorted(frames_by_thread.items(), key=lambda item: item[0] != main_ident):
        frames = [f for f in _chain(top) if not f.f_code.co_filename.startswith(_TRACER_DIR)]
        if frames and id(frames[0]) in tops:
            continue
        tops.update(id(f) for f in frames[:1])
        thread = active.get(ident)
        name = str(thread.name) if thread is not None else "?"
        threads[ident] = {"ident": ident, "name": name}
        own = [f for f in frames if not f.f_code.co_filename.startswith((_STDLIB, "<"))]
        if own:
            threads[ident]["at"] = _text(*where(own[0]))
        record = WAITING.get(ident)
        if record is not None:
            kind, key, label, t_ns, file, line, timeout = record
            if file is None:  # not noted when it blocked: the thread's own frame says
                file, line = where(own[0] if own else None)
            wait = {
                "thread": name,
                "ident": ident,
                "kind": kind,
                "label": label,
                "since_ns": t_ns,
                "at": _text(file, line),
                "timeout": timeout,
                "inferred": False,
            }
            if kind == "thread":
                wait["key"] = f"thread:{os.getpid()}:{key}"
            elif kind == "process":
                wait["key"] = f"process:{key}"
            else:
                wait["key"] = key
                wait["created_at"] = CREATED.get(key)
            waits.append(wait)
        elif (stdlib := _frame_wait(frames)) is not None:
            owner = stdlib.pop("label_of")
            label = (_label_at(own[0], owner) if own else None) or ""
            stdlib.update(
                thread=name,
                ident=ident,
                label=label,
                since_ns=None,
                at=_text(*where(own[0] if own else None)),
                inferred=False,
            )
            if stdlib["kind"] == "recv" and own:
                stdlib["until_eof"] = _catches_eof(own[0])
            waits.append(stdlib)
        elif (far := _ipc_wait(frames, own)) is not None:
            waits.append({**far, "thread": name, "ident": ident})
        elif (queued := _queue_wait(frames)) is not None:
            queued.update(thread=name, ident=ident, since_ns=None, timeout=None)
            queued.setdefault("at", "")
            queued["inferred"] = False
            waits.append(queued)
        elif own and frames[0] is own[0] and (awaited := _lock_awaited(own[0])) is not None:
            # In a C acquire of a threading lock, read from its frame (not recorded).
            lock, text, timeout = awaited
            key = _thread_lock_key(lock, made)
            waits.append(
                {
                    "thread": name,
                    "ident": ident,
                    "kind": "lock",
                    "key": key,
                    "label": text,
                    "created_at": made.get(key, ("", 0))[0] or None,
                    "since_ns": None,
                    "at": _text(*where(own[0])),
                    "timeout": timeout,
                    "inferred": True,
                }
            )
        # What its frames say it holds: `with` blocks it is inside, acquires not
        # yet released in the function each frame runs.
        for position, frame in reversed(list(enumerate(own))):  # the outermost first
            taken = _withs_around(frame, innermost=position == 0) + _acquires_before(frame)
            for value, text, line in taken:
                value = _thread_lock(value) or value
                if (ident, id(value)) not in seen:
                    seen.add((ident, id(value)))  # an RLock re-entered: its outermost taking
                    at = _text(frame.f_code.co_filename, line)
                    in_frames.setdefault(id(value), []).append((ident, name, text, at))
                    objects[id(value)] = value
    held.extend(_mp_holds(in_frames, main_ident))
    held.extend(_thread_lock_holds(in_frames, objects, threads, made))
    ipc_waits.mark_served(waits, frames_by_thread)
    reading, writing, sockets = _open_ends()
    doc = {
        "pid": os.getpid(),
        "process": process_name(),
        "now_ns": _now(),
        "threads": list(threads.values()),
        "waits": waits,
        "held": held,
        "created": {str(k): v for k, v in CREATED.items()}
        | {k: at for k, (at, _) in made.items() if at},
        "created_nth": {str(k): v for k, v in CREATED_NTH.items()}
        | {k: nth for k, (_, nth) in made.items()},
        "read_pipes": reading,
        "write_pipes": writing,
        **ipc_waits.facts(sockets),
    }
    for add in PARTS:  # e.g. the greenlets' waits (waits_greenlets.py)
        add(doc)
    return doc


def _on_signal(signum: int, frame: FrameType | None) -> None:
    run_dir = this_process.state.run_dir
    if run_dir is None:
        return
    try:
        import json

        doc = snapshot(frame)
        path = os.path.join(run_dir, "stacks", f"{os.getpid()}.waits.json")
        with open(path + ".tmp", "w", encoding="utf-8") as out:
            json.dump(doc, out, default=str)
        os.replace(path + ".tmp", path)
    except Exception as exc:  # the script must never see our failure
        with contextlib.suppress(Exception):
            sys.stderr.write(f"concdemo tracer: no wait-for graph here ({exc!r})\n")
