"""The waits on another process's work, read at a hang: a duplex Pipe's far end,
a Manager's server, a Pool's result (design note §4, §5).

Nothing here runs per call. ``Pipe()`` made by the script notes its two socket
inodes once (``pair``), because ``/proc/net/unix`` has no peer column; an
``apply_async``/``map_async`` result keeps the link of its call (``mp.patch_pool``).
At a hang ``tracer.waits.snapshot`` adds what this module reads from the
threads' frames, the sockets this process holds (``waits._open_ends``), the
manager it serves, a blocked proxy call or pool result. The CLI joins them
(``concdemo.core.waits``).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # as typing's, without importing typing (tracer/__init__.py)
if TYPE_CHECKING:
    from typing import Any

# socket inode -> the inode of the other end of the same Pipe() (both directions)
PEERS: dict[int, int] = {}
_STDLIB = os.path.dirname(os.__file__) + os.sep
_RESULTS = ("ApplyResult", "MapResult", "AsyncResult")


def pair(first: int, second: int) -> None:
    """A duplex Pipe()'s two ends, by socket inode (creation time only)."""
    PEERS[first], PEERS[second] = second, first


def facts(sockets: list[int]) -> dict[str, Any]:
    """This process's part of the graph that is not a thread's: the sockets it
    holds (read with its pipes, ``waits._open_ends``), the Pipe() peers it made,
    the manager address it serves (if it is a manager)."""
    process = sys.modules.get("multiprocessing.process")
    server = getattr(process.current_process(), "_manager_server", None) if process else None
    address = getattr(server, "address", None)
    return {
        "sockets": sockets,
        "peers": {str(k): v for k, v in PEERS.items()},
        "serves": str(address) if address is not None else None,
    }


def _stdlib(frame: Any, file: str, names: tuple[str, ...]) -> bool:
    code = frame.f_code
    return (
        code.co_name in names
        and code.co_filename.startswith(_STDLIB)
        and os.path.basename(code.co_filename) == file
    )


def _script_above(frame: Any) -> Any:
    """The first frame above ``frame`` outside the standard library and the tracer,
    if the call came from the script (else None: a library's own call)."""
    tracer = os.path.dirname(os.path.abspath(__file__)) + os.sep
    caller = frame.f_back
    while caller is not None:
        file = caller.f_code.co_filename
        if not file.startswith((_STDLIB, tracer, "<")):
            return caller
        if file.startswith(_STDLIB) and not file.startswith(
            os.path.join(_STDLIB, "multiprocessing")
        ):
            return None  # e.g. a logging handler's or a thread pool's own call
        caller = caller.f_back
    return None


def frame_wait(frames: list[Any]) -> dict[str, Any] | None:
    """A wait of the script's on another process's work, from multiprocessing's
    own frames (innermost first): a proxy call to a Manager blocked in
    ``conn.recv()``, or ``get()``/``wait()`` of a Pool's result. Observed."""
    for frame in frames:
        if _stdlib(frame, "managers.py", ("_callmethod",)):
            proxy = frame.f_locals.get("self")
            token = getattr(proxy, "_token", None)
            if token is None or _script_above(frame) is None:
                return None
            return {
                "kind": "manager",
                "key": f"manager:{token.address}",
                "label_of": proxy,
                "method": str(frame.f_locals.get("methodname", "?")),
                "referent": str(token.typeid),
                "object_id": str(token.id),
                "timeout": None,  # a proxy call has none
            }
        if _stdlib(frame, "pool.py", ("get", "wait")):
            result = frame.f_locals.get("self")
            if type(result).__name__ not in _RESULTS or _script_above(frame) is None:
                continue  # wait() inside get(): the outer get() is the script's
            pool = getattr(result, "_pool", None)
            workers = getattr(pool, "_pool", None) or []
            outer = {
                "kind": "result",
                "key": f"pool:{os.getpid()}:{id(pool)}",
                "label_of": result,
                "link": getattr(result, "_concdemo_link", None),
                "workers": [w.pid for w in workers if getattr(w, "pid", None)],
                "timeout": frame.f_locals.get("timeout"),
            }
            # keep looking outward: get() calls wait(), the script called get()
            for up in frames[frames.index(frame) + 1 :]:
                if _stdlib(up, "pool.py", ("get",)) and up.f_locals.get("self") is result:
                    outer["timeout"] = up.f_locals.get("timeout")
            return outer
    return None


def serving(frames: list[Any]) -> dict[str, Any] | None:
    """A manager's server thread running a proxy call (``Server.serve_client``
    with a method in hand, not idle in ``recv()``): which object and method, and
    the wait it is in, read from threading's frames above it if any."""
    for frame in frames:
        if not _stdlib(frame, "managers.py", ("serve_client",)):
            continue
        local = frame.f_locals
        method, obj = local.get("methodname"), local.get("obj")
        if method is None or obj is None:
            return None  # idle, reading the next request
        inner = frames[0]
        if inner is not frame:  # a wait of threading's (Event.wait, Queue.get...)
            timeout = inner.f_locals.get("timeout")
        else:  # in a C call (Lock.acquire): its timeout is in the request
            args: Any = local.get("args") or ()
            kwds: Any = local.get("kwds") or {}
            timeout = kwds.get("timeout", args[1] if len(args) > 1 else None)
            if timeout == -1 or kwds.get("blocking", args[0] if args else True) is False:
                timeout = None
        kind = _SERVED_KINDS.get(type(obj).__name__, "call")  # call: a method of its own
        return {
            "kind": kind,
            "key": f"obj:{os.getpid()}:{id(obj)}",
            "serving": str(local.get("ident", "?")),
            "method": str(method),
            "referent": _REFERENTS.get(type(obj).__name__, type(obj).__name__),
            "timeout": timeout if isinstance(timeout, (int, float)) else None,
        }
    return None


def mark_served(waits: list[dict[str, Any]], frames_by_thread: dict[int, Any]) -> None:
    """A wait noted by a wrapper (a multiprocessing lock's acquire) in a manager's
    server thread: which proxy call it runs, so the client's call leads to it."""
    for wait in waits:
        if "serving" in wait:
            continue
        frames = []
        frame = frames_by_thread.get(wait.get("ident", 0))
        while frame is not None:
            frames.append(frame)
            frame = frame.f_back
        served = serving(frames)
        if served is not None:
            wait.update({k: served[k] for k in ("serving", "method", "referent")})


# The script's names for threading's lock types.
_REFERENTS = {"lock": "Lock"}
# What a manager's server thread waits on, by the referent's class (threading's).
_SERVED_KINDS = {
    "Event": "event",
    "Condition": "condition",
    "Semaphore": "semaphore",
    "BoundedSemaphore": "semaphore",
    "Barrier": "barrier",
    "lock": "lock",
    "RLock": "lock",
}
