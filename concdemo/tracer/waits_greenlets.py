"""The greenlets' half of the wait-for graph (design note §7): what each suspended
greenlet of this thread waits for, and which greenlet holds it.

Read only when a snapshot is taken (the hang's stack signal, or gevent's hub
giving up with ``LoopExit``): nothing is added per call or per switch. The
greenlets are found by ``gc.get_objects()``; each one's frames (``gr_frame``)
say where it waits. gevent's compiled primitives leave no frame of their own,
so the wait is read from the pure-Python frames where there are some
(``gevent/thread.py`` ``acquire`` for a monkey-patched ``threading.Lock``,
``threading.py`` for an ``RLock`` or ``Condition``) and else from the source of
the user's line (``ev.wait()``, ``g.join()``), as for threads in ``waits``.
Holders: an RLock's ``_owner`` (observed); a lock a greenlet is inside
``with lock:`` of (inferred). Each waiter is named by its lane, as the tracer
names greenlet lanes (``greenlets.current_greenlet_name``).
"""

from __future__ import annotations

import contextlib
import os
import sys

from concdemo.tracer import waits
from concdemo.tracer.greenlets import current_greenlet_name

TYPE_CHECKING = False  # as typing's, without importing typing (tracer/__init__.py)
if TYPE_CHECKING:
    from typing import Any

# gevent's lock types under monkey-patching; "lock" unless it counts past one.
_LOCKS = {"LockType": "lock", "RLock": "lock", "_RLock": "lock"}
_SEMAPHORES = {"Semaphore": "semaphore", "BoundedSemaphore": "semaphore"}
_EVENTS = {"Event": "event", "AsyncResult": "event"}
_WAIT_CALLS = ("acquire", "wait", "get", "join")


def _gevent_dir() -> str:
    gevent = sys.modules.get("gevent")
    file = getattr(gevent, "__file__", None)
    return os.path.dirname(os.path.abspath(file)) + os.sep if file else "\0"


def _is_gevent(value: Any) -> bool:
    module = type(value).__module__ or ""
    return module.startswith("gevent") or (
        module == "threading" and type(value).__name__ == "_RLock"
    )


def _kind_of(value: Any) -> str | None:
    if not _is_gevent(value):
        return None
    name = type(value).__name__
    return _LOCKS.get(name) or _SEMAPHORES.get(name) or _EVENTS.get(name)


def _key(value: Any) -> str:
    return f"obj:{os.getpid()}:{id(value)}"


def _bound_name(scope: dict[str, Any], value: Any) -> str | None:
    for name, bound in list(scope.items()):
        if bound is value and not name.startswith("__"):
            return str(name)
    return None


def _label(frame: Any, value: Any, spawner: list[Any]) -> str:
    """The name the script gave the object: at module level (``a = threading.Lock()``),
    else in the frames of the thread's own greenlet, which spawned the others
    (``a`` rather than the ``first`` parameter of each greenlet's function), else
    the text the waiting line names it by."""
    for scope in [frame.f_globals] + [f.f_locals for f in reversed(spawner)]:
        name = _bound_name(scope, value)
        if name is not None:
            return name
    return waits._label_at(frame, value) or ""


def _timed(timeout: Any, blocking: Any = True) -> Any:
    """What the wait's timeout is: None for an untimed wait."""
    if blocking is False:
        return 0
    return None if timeout in (None, -1) else timeout


def _from_frames(frames: list[Any], gevent_dir: str) -> dict[str, Any] | None:
    """The outermost library frame that says exactly what is awaited (its ``self``)."""
    found = None
    for frame in frames:  # innermost first: the last match is the outermost
        code, local = frame.f_code, frame.f_locals
        owner = local.get("self")
        base = os.path.basename(code.co_filename)
        if code.co_name != "acquire" or owner is None:
            continue
        in_gevent = code.co_filename.startswith(gevent_dir) and base in ("thread.py", "lock.py")
        in_threading = code.co_filename.startswith(waits._STDLIB) and base == "threading.py"
        if (in_gevent or in_threading) and _kind_of(owner) is not None:
            timeout = _timed(local.get("timeout"), local.get("blocking", True))
            found = {"kind": _kind_of(owner), "object": owner, "timeout": timeout}
    # A Condition/Semaphore/Barrier of threading.py (Python classes even when
    # patched) is outer to the lock acquire it blocks in: it is what was awaited.
    stdlib = waits._frame_wait(frames)
    if stdlib is not None:
        return {"kind": stdlib["kind"], "object": stdlib["label_of"], "timeout": stdlib["timeout"]}
    return found


_AT_LINE: dict[tuple[str, int], list[Any]] = {}


def _statements_at(file: str, line: int) -> list[Any]:
    """The ``with`` statements and calls that start on the line, in ``ast.walk``
    order (kept: a thousand greenlets parked on one line walk the tree once)."""
    import ast

    if (file, line) not in _AT_LINE:
        tree = waits._tree(file)
        _AT_LINE[(file, line)] = [
            node
            for node in (ast.walk(tree) if tree is not None else ())
            if isinstance(node, (ast.With, ast.AsyncWith, ast.Call)) and node.lineno == line
        ]
    return _AT_LINE[(file, line)]


def _from_source(frame: Any) -> dict[str, Any] | None:
    """A compiled gevent wait, read from the user's line: ``x.wait()``, ``x.acquire()``,
    ``g.join()``, ``gevent.joinall([...])``, ``with x:`` (calls nothing but a gevent
    lock's ``locked()``)."""
    import ast

    for node in _statements_at(frame.f_code.co_filename, frame.f_lineno or 0):
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in reversed(node.items):  # `with a, b:` blocks on the last taken
                with contextlib.suppress(Exception):
                    value = waits._evaluate(item.context_expr, frame)
                    if _kind_of(value) in ("lock", "semaphore") and value.locked():
                        return {"kind": _kind_of(value), "object": value, "timeout": None}
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        method = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if method == "joinall" and node.args:
            joined = _greenlets_in(node.args[0], frame)
            alive = [g for g in joined if not g.dead]
            if alive:
                timeout = _keyword(node, "timeout", position=1)
                return {"kind": "thread", "object": alive[0], "timeout": timeout}
            continue
        if method not in _WAIT_CALLS or not isinstance(func, ast.Attribute):
            continue
        try:
            value = waits._evaluate(func.value, frame)
        except Exception:  # not a plain name: not judged
            continue
        if method == "join" and hasattr(value, "gr_frame") and not value.dead:
            timeout = _keyword(node, "timeout", position=0)
            return {"kind": "thread", "object": value, "timeout": timeout}
        kind = _kind_of(value)
        if kind is not None and method in ("acquire", "wait", "get"):
            # acquire(blocking, timeout); wait(timeout); get(block, timeout)
            position = 0 if method == "wait" else 1
            timeout = _keyword(node, "timeout", position=position)
            if method == "acquire" and _keyword(node, "blocking", position=0) == "False":
                timeout = 0  # (does not block: never reached here, but never untimed)
            return {"kind": kind, "object": value, "timeout": timeout}
    return None


def _keyword(call: Any, name: str, position: int) -> Any:
    """The argument's source text, None when absent or ``None``/``True`` (no limit)."""
    import ast

    arg = next((k.value for k in call.keywords if k.arg == name), None)
    if arg is None and len(call.args) > position:
        arg = call.args[position]
    if arg is None or (isinstance(arg, ast.Constant) and arg.value in (None, True, -1)):
        return None
    return ast.unparse(arg)


def _greenlets_in(node: Any, frame: Any) -> list[Any]:
    import ast

    items = node.elts if isinstance(node, (ast.List, ast.Tuple)) else [node]
    found = []
    for item in items:
        with contextlib.suppress(Exception):
            value = waits._evaluate(item, frame)
            values = value if isinstance(value, (list, tuple)) else [value]
            found += [v for v in values if hasattr(v, "gr_frame")]
    return found


def _thread_root_name(root: Any) -> tuple[str, int]:
    """The lane and node of this thread's own greenlet: its thread's (the tracer
    names the main thread's main greenlet MainThread, greenlets.patch_greenlet).
    Patched, the main thread's ident is gevent's ``get_ident()``, the main
    greenlet's id; its native id is the OS thread's."""
    threading = sys.modules.get("threading")
    if threading is not None:
        main = threading.main_thread()
        with contextlib.suppress(Exception):
            if main.native_id == threading.get_native_id() and main.ident is not None:
                return "MainThread", int(main.ident)
    return "main greenlet", id(root)


def add_to(doc: dict[str, Any]) -> None:
    """Add this thread's suspended greenlets to a snapshot (``waits.snapshot``): their
    nodes to ``threads``, their waits and the locks they hold, and ``hub_active``
    (the hub's active watchers: a timer or I/O may still wake a greenlet)."""
    greenlet = sys.modules.get("greenlet")
    if greenlet is None:
        return
    import gc

    current = greenlet.getcurrent()
    root = current
    while root.parent is not None:
        root = root.parent
    root_name, root_node = _thread_root_name(root)

    def of_this_thread(glet: Any) -> bool:
        while glet.parent is not None:
            glet = glet.parent
        return glet is root

    glets = [
        g
        for g in gc.get_objects()
        if isinstance(g, greenlet.greenlet)
        and g.gr_frame is not None
        and g is not current
        and type(g).__name__ != "Hub"
        and of_this_thread(g)
    ]
    nodes = {
        id(g): (root_name, root_node) if g is root else (current_greenlet_name(g), id(g))
        for g in glets
    }
    nodes[id(root)] = (root_name, root_node)  # may hold a lock while it runs
    tops = {id(g): g.gr_frame for g in glets}
    tops.setdefault(id(root), sys._getframe() if root is current else None)  # running: us
    gevent_dir = _gevent_dir()
    spawner = [  # the script's frames in the thread's own greenlet, innermost first
        f
        for f in waits._chain(tops[id(root)])
        if not f.f_code.co_filename.startswith((waits._TRACER_DIR, waits._STDLIB, "<", gevent_dir))
    ]
    # Patched, this OS thread is listed twice: under gevent's ident (its main
    # greenlet's id, named) and under the real one (unnamed: threading._active no
    # longer knows it). The real one is the hub or the main greenlet, both told
    # here (hub_active, the root's node): drop it, or it would read as a live
    # thread that might still end someone's wait (core.waits._stuck).
    here = sys._getframe()
    real = next((i for i, f in sys._current_frames().items() if f is here), None)
    if real is not None and real != root_node:
        doc["threads"] = [t for t in doc["threads"] if t["ident"] != real or t["name"] != "?"]
    known = {t["ident"] for t in doc["threads"]}
    waiting = {w["ident"] for w in doc["waits"]}
    owned: set[int] = set()
    for glet in glets:
        name, node = nodes[id(glet)]
        frames = [
            f
            for f in waits._chain(glet.gr_frame)
            if not f.f_code.co_filename.startswith(waits._TRACER_DIR)
        ]
        own = [
            f
            for f in frames
            if not f.f_code.co_filename.startswith((waits._STDLIB, "<", gevent_dir))
        ]
        at = waits._text(*waits.where(own[0] if own else None))
        if node not in known:
            doc["threads"].append({"ident": node, "name": name, "at": at, "greenlet": True})
        found = _from_frames(frames, gevent_dir) or (_from_source(own[0]) if own else None)
        if found is not None and node not in waiting:
            doc["waits"].append(_wait(found, name, node, at, own, nodes, spawner))
            if found["kind"] == "lock" and id(found["object"]) not in owned:
                owned.add(id(found["object"]))  # one holder entry per lock, not per waiter
                doc["held"] += _owner(found["object"], nodes, tops)
        for position, frame in enumerate(own):
            for value, text, line in waits._withs_around(frame, innermost=position == 0):
                if _kind_of(value) != "lock" or hasattr(value, "_owner"):
                    continue  # an RLock says its owner itself (_owner)
                doc["held"].append(
                    {
                        "key": _key(value),
                        "label": text,
                        "created_at": None,
                        "thread": name,
                        "ident": node,
                        "since_ns": None,
                        "at": waits._text(frame.f_code.co_filename, line),
                        "inferred": True,
                        "greenlet": True,
                    }
                )
    doc["hub_active"] = _hub_active()


def _wait(
    found: dict[str, Any],
    name: str,
    node: int,
    at: str,
    own: list[Any],
    nodes: dict[int, tuple[str, int]],
    spawner: list[Any],
) -> dict[str, Any]:
    value, pid = found["object"], os.getpid()
    if found["kind"] == "thread":  # a join on a greenlet: its lane is what it waits for
        lane, other = nodes.get(id(value), (current_greenlet_name(value), id(value)))
        key, label = f"thread:{pid}:{other}", lane
    else:
        key, label = _key(value), _label(own[0], value, spawner) if own else ""
    return {
        "thread": name,
        "ident": node,
        "kind": found["kind"],
        "key": key,
        "label": label,
        "created_at": None,
        "since_ns": None,
        "at": at,
        "timeout": found["timeout"],
        "inferred": False,
        "greenlet": True,
    }


def _owner(
    lock: Any, nodes: dict[int, tuple[str, int]], tops: dict[int, Any]
) -> list[dict[str, Any]]:
    """An RLock's owner, read from it: gevent's RLock keeps the greenlet, threading's
    (patched) keeps gevent's get_ident(), the greenlet's id."""
    owner = getattr(lock, "_owner", None)
    if owner is None:
        return []
    ident = owner if isinstance(owner, int) else id(owner)
    if ident not in nodes:
        return []
    name, node = nodes[ident]
    taken = None
    for frame in waits._chain(tops.get(ident)):  # the `with` that took it, if one did
        if frame.f_code.co_filename.startswith(waits._TRACER_DIR):
            continue
        for value, _text, line in waits._withs_around(frame, innermost=False):
            if value is lock:
                taken = waits._text(frame.f_code.co_filename, line)
    return [
        {
            "key": _key(lock),
            "label": "",
            "created_at": None,
            "thread": name,
            "ident": node,
            "since_ns": None,
            "at": taken,
            "inferred": False,
            "greenlet": True,
        }
    ]


def _hub_active() -> int | None:
    """libev's count of active, referenced watchers of this thread's hub (timers, I/O):
    above 0 the loop runs on and may wake a greenlet; -1 when it cannot be read;
    None without gevent (plain greenlets have no hub)."""
    if "gevent" not in sys.modules:
        return None
    local = sys.modules.get("gevent._hub_local")
    find = getattr(local, "get_hub_if_exists", None)  # never makes a hub, as get_hub would
    if find is None:
        return -1
    hub = find()
    if hub is None:
        return None
    try:
        return int(hub.loop.activecnt)
    except (AttributeError, TypeError, ValueError):
        return -1


def patch_gevent_exceptions(module: Any) -> None:
    """From gevent's import on, snapshots read the greenlets too (``add_to``).

    When gevent's hub has nothing left to run it throws ``LoopExit`` ("This
    operation would block forever") into its parent: the one moment every
    greenlet of the thread is known blocked. The snapshot is written then (the
    class is made once, so the hook costs nothing before); the CLI uses it only
    if that LoopExit ends the run (a caught one, as in ``gevent.wait()``, is not
    shown)."""
    if add_to not in waits.PARTS:
        waits.PARTS.append(add_to)
    loop_exit = module.LoopExit
    init = loop_exit.__init__
    if getattr(init, "_concdemo", False):
        return

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        if len(args) == 3:  # thrown by the hub itself (Hub.run)
            waits._on_signal(0, None)

    __init__._concdemo = True  # type: ignore[attr-defined]
    loop_exit.__init__ = __init__
