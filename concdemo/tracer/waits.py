"""Who holds what and who waits for what, in this process: the wait-for graph's own half.

The lock wrappers (``mp.patch_synchronize``, ``threads``) keep two plain dicts,
written under the GIL without a lock of ours (a signal may land mid-update):
``LATEST`` (a multiprocessing Lock/RLock's key -> who took it last here, when,
where; at a hang, a taken lock's holder is its latest acquirer in any process)
and ``WAITING`` (a thread's ident -> what it blocks on, since when).
Nothing is sent per call: at a hang the CLI's stack signal (SIGRTMIN+4, see
``wire.process.stack_signal``; not SIGUSR1, which scripts use) first makes faulthandler
dump the stacks, then (chained) runs ``_on_signal`` in the main thread, which
writes ``stacks/PID.waits.json`` with those tables, the holders of bare
``threading`` locks inferred from the source (a thread inside ``with a:`` holds
``a``: marked ``inferred``), the queue feeder waits read from the frames, and the
pipes this process can read. The CLI joins the processes' files into edges
(``concdemo.core.waits``).
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING

from concdemo.tracer import ipc_waits
from concdemo.tracer.core import _now, process_name
from concdemo.wire import process as this_process

if TYPE_CHECKING:
    from types import FrameType
    from typing import Any

# key -> (ident, t_ns, code, instruction offset): the latest acquisition in this
# process of a multiprocessing Lock/RLock, and the caller that took it (its line
# is found at a hang). Never popped on release (no release hook: see
# mp.patch_synchronize); the lock's semaphore says at a hang whether it is held.
LATEST: dict[Any, tuple[int, int, Any, int]] = {}
# key -> a weak reference to the Lock/RLock, to read its semaphore at a hang
# (weak: the script's lock is freed when the script drops it, as bare).
_LOCKS: dict[Any, Any] = {}
# ident -> (kind, key or object, label, t_ns, file, line, timeout)
WAITING: dict[int, tuple[Any, ...]] = {}
# key -> "file:line" where this process (or the parent it forked from) made it.
CREATED: dict[Any, str] = {}

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


def remember(key: Any, lock: Any) -> None:
    """Keep a way back to a multiprocessing lock (once per lock and process)."""
    import weakref

    with contextlib.suppress(TypeError):  # not weak-referenceable: its hold is not judged
        _LOCKS[key] = weakref.ref(lock)


def forget() -> None:
    """In a forked child: the parent's acquisitions and waits are not its own."""
    LATEST.clear()
    WAITING.clear()


def _taken(key: Any) -> bool | None:
    """Whether the lock's semaphore is taken now (shared by every process); None
    if unknown (the lock is gone here, or sem_getvalue is missing: macOS)."""
    ref = _LOCKS.get(key)
    lock = ref() if ref is not None else None
    if lock is None:
        return None
    try:
        return bool(lock._semlock._get_value() == 0)
    except (AttributeError, NotImplementedError, OSError):
        return None


def place(frame: Any) -> str:
    file, line = where(frame)
    return f"{file}:{line}"


def install_handler() -> None:
    """Chain a Python handler of the stack signal after faulthandler's dump (main
    thread only)."""
    import faulthandler
    import signal

    if this_process.state.run_dir is None:
        return
    signum = this_process.stack_signal()
    try:
        faulthandler.unregister(signum)
        signal.signal(signum, _on_signal)
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


def _is_traced_lock(value: Any) -> bool:
    return type(value).__name__ in ("TracedLock", "TracedRLock")


def _chain(frame: Any) -> list[Any]:
    frames = []
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    return frames  # innermost first


def _line(code: Any, offset: int) -> int:
    """The line of the instruction at ``offset`` (bytes, as ``frame.f_lasti``)."""
    for start, end, line in code.co_lines():
        if start <= offset < end and line is not None:
            return int(line)
    return int(code.co_firstlineno)


def _text(file: str, line: int) -> str:
    return f"{file}:{line}"


def _pipe_inode(connection: Any) -> int | None:
    try:
        return os.fstat(connection.fileno()).st_ino
    except (OSError, ValueError, AttributeError):
        return None


def _pipes() -> tuple[list[int], list[int]]:
    """The inodes of the pipes this process holds open (reading, writing)."""
    found: tuple[list[int], list[int]] = ([], [])
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return found
    for name in names:
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
            if not target.startswith("pipe:["):
                continue
            with open(f"/proc/self/fdinfo/{name}") as info:
                flags = next(x for x in info if x.startswith("flags:")).split()[1]
            # O_RDONLY 0, O_WRONLY 1 (a pipe end is never O_RDWR)
            found[int(flags, 8) & 3 != 0].append(int(target[6:-1]))
        except (OSError, StopIteration, ValueError):
            continue
    return sorted(set(found[0])), sorted(set(found[1]))


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
    made = getattr(owner, "_concdemo_at", None)
    if made is not None:
        return str(made), None
    semlock = getattr(getattr(owner, "_flag", None), "_semlock", None)
    if semlock is None:
        return None, None
    key = str(semlock.name or f"sem:{semlock.handle:x}")
    return CREATED.get(key), key


def patch_event(event: type) -> None:
    """threading.Event: its creation line kept on it (``_concdemo_at``), so a wait
    on it at a hang says where it was made. Creation time only; an Event that
    threading makes for itself (each Thread's ``_started``) is skipped at once."""
    init = event.__init__  # type: ignore[misc]
    if getattr(init, "_concdemo", False):
        return
    own = getattr(init, "__code__", None)
    library = own.co_filename if own is not None else ""
    getframe = sys._getframe

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        if getframe(1).f_code.co_filename != library:
            self._concdemo_at = place(user_frame(1))

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
    awaited: dict[int, Any] = {}  # ident -> the threading lock object it waits for
    for ident, top in frames_by_thread.items():
        thread = active.get(ident)
        name = str(thread.name) if thread is not None else "?"
        threads[ident] = {"ident": ident, "name": name}
        frames = [f for f in _chain(top) if not f.f_code.co_filename.startswith(_TRACER_DIR)]
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
            if kind == "lock" and _is_traced_lock(key):
                awaited[ident] = key
                wait["key"] = f"obj:{os.getpid()}:{id(key)}"
                wait["created_at"] = getattr(key, "_at", None)
                if own:
                    wait["label"] = _label_at(own[0], key) or label
            elif kind == "thread":
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
            waits.append(stdlib)
        elif (far := _ipc_wait(frames, own)) is not None:
            waits.append({**far, "thread": name, "ident": ident})
        else:
            queued = _queue_wait(frames)
            if queued is not None:
                queued.update(thread=name, ident=ident, since_ns=None, timeout=None)
                queued.setdefault("at", "")
                queued["inferred"] = False
                waits.append(queued)
        # Holders of threading locks, inferred from `with` blocks the thread is inside.
        for position, frame in enumerate(own):
            for value, text, line in _withs_around(frame, innermost=position == 0):
                if not _is_traced_lock(value):
                    continue
                held.append(
                    {
                        "key": f"obj:{os.getpid()}:{id(value)}",
                        "label": text,
                        "created_at": getattr(value, "_at", None),
                        "thread": name,
                        "ident": ident,
                        "since_ns": None,
                        "at": _text(frame.f_code.co_filename, line),
                        "inferred": True,
                    }
                )
    for key, (ident, t_ns, code, offset) in list(LATEST.items()):
        taken = _taken(key)
        if not taken:
            continue  # released since (or unknown here: not claimed)
        file, line = code.co_filename, _line(code, offset)
        held.append(
            {
                "key": key,
                "label": "",
                "created_at": CREATED.get(key),
                "thread": threads.get(ident, {}).get("name", "?"),
                "ident": ident,
                "since_ns": t_ns,
                "at": _text(file, line),
                "inferred": False,
                "latest": True,  # the holder is the latest of these across processes
            }
        )
    ipc_waits.mark_served(waits, frames_by_thread)
    reading, writing = _pipes()
    return {
        "pid": os.getpid(),
        "process": process_name(),
        "now_ns": _now(),
        "threads": list(threads.values()),
        "waits": waits,
        "held": held,
        "created": {str(k): v for k, v in CREATED.items()},
        "read_pipes": reading,
        "write_pipes": writing,
        **ipc_waits.facts(),
    }


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
