"""The wait-for graph of a hung script: who waits for what, who holds it, and the cycle.

Each traced process answers the hang's stack signal (SIGRTMIN+4) with ``stacks/PID.waits.json``
(``concdemo.tracer.waits``): the waits its threads were in, the locks it held,
where it made them, the pipes it can read. Here those files become one edge per
blocked thread (``waiter``, ``on``, ``held_by``) and, when the edges of untimed
waits close a loop, a ``deadlock``. Nothing is guessed: a wait whose holder no
process reported has an empty ``held_by``; a holder read from a ``with`` block
(not recorded when it was taken) is ``inferred``.
"""

from __future__ import annotations

import ast
import contextlib
import json
import time
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

_POLL_S = 0.05

Node = tuple[int, int]  # (pid, thread ident)


def collect(run_dir: Path, pids: set[int], wait_s: float) -> dict[int, dict[str, Any]]:
    """The snapshots the processes wrote, waiting up to ``wait_s`` for the slow ones
    (the tracer's handler runs in Python once faulthandler's dump is done)."""
    folder = run_dir / "stacks"
    found: dict[int, dict[str, Any]] = {}
    deadline = time.monotonic() + wait_s
    while True:
        for pid in pids - set(found):
            with contextlib.suppress(OSError, ValueError):
                found[pid] = json.loads((folder / f"{pid}.waits.json").read_text())
        if set(found) >= pids or time.monotonic() >= deadline:
            return found
        time.sleep(_POLL_S)


def written(run_dir: Path) -> set[int]:
    """The pids that wrote a snapshot without being asked: gevent's hub gave up
    (``LoopExit``, tracer/waits_greenlets.py), the moment every greenlet is known blocked."""
    found = set()
    for path in (run_dir / "stacks").glob("*.waits.json"):
        pid = path.name.split(".", 1)[0]
        if pid.isdigit():
            found.add(int(pid))
    return found


@cache
def _assigned_name(file: str, line: int, kind: str = "", nth: int = 0) -> str | None:
    """``a`` of ``a = multiprocessing.Lock()`` at file:line (a Lock's label); of
    ``a, b = Lock(), Lock()``, the ``nth`` made there (counted round: a function
    that runs the line again makes its first again)."""
    try:
        tree = ast.parse(Path(file).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and node.lineno <= line <= (node.end_lineno or 0):
            target = node.targets[0]
            if isinstance(node.value, ast.Call):
                # `r, w = Pipe()`: which of the names is this end is not known here
                return None if isinstance(target, ast.Tuple) else ast.unparse(target)
            if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                pairs = [
                    (ast.unparse(name), value)
                    for name, value in zip(target.elts, node.value.elts, strict=False)
                    if value.lineno <= line <= (value.end_lineno or 0)
                ]
                if len(pairs) > 1:
                    # `lock, ready = Lock(), Event()`: one line, two names; the
                    # one made by a call of this kind's name, if only one is
                    pairs = [(n, v) for n, v in pairs if _makes(v, kind)]
                if pairs:
                    return pairs[nth % len(pairs)][0]
                return None
    return None


# The kinds whose maker's name says them (Lock(), manager.Event(), Semaphore(2)...).
_MAKERS = {
    "lock": ("Lock", "RLock"),
    "event": ("Event",),
    "condition": ("Condition",),
    "semaphore": ("Semaphore", "BoundedSemaphore"),
    "barrier": ("Barrier",),
}


def _makes(value: ast.expr, kind: str) -> bool:
    """``value`` is a call of a function named for ``kind`` (``mp.Lock()``: a lock)."""
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in _MAKERS.get(kind, ())


def _split(at: str | None) -> tuple[str, int] | None:
    if not at or ":" not in at:
        return None
    file, _, line = at.rpartition(":")
    return (file, int(line)) if line.isdigit() else None


def _label(on_kind: str, label: str, created_at: str | None, nth: int = 0) -> str:
    place = _split(created_at)
    named = _assigned_name(*place, on_kind, nth) if place else None
    return named or label or on_kind


# Waits that nobody holds, only someone else's act ends: a set(), a notify(), a
# release, the barrier's last party, data or EOF on a pipe.
RELEASED_BY_OTHERS = ("event", "condition", "semaphore", "barrier", "recv")


def build(
    snapshots: dict[int, dict[str, Any]],
    names: dict[int, str],
    end_ns: int,
    complete: bool = False,
    lost: dict[str, dict[str, Any]] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """(edges, deadlock) from the processes' snapshots; names: pid -> process name.
    ``complete``: every live process of the run answered (else a wait nobody could
    end is never claimed: the silent one might). ``lost``: ``lost_tasks`` of the
    run's events."""
    threads: dict[Node, dict[str, Any]] = {}
    main: dict[int, int] = {}
    held: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    created: dict[str, str] = {}
    nths: dict[str, int] = {}
    readers: dict[int, list[int]] = {}
    writers: dict[int, list[int]] = {}
    sockets: dict[int, list[int]] = {}  # a socket's inode -> the processes holding it
    peers: dict[int, int] = {}  # a duplex Pipe()'s end -> its other end
    servers: dict[str, int] = {}  # a manager's address -> its process
    for pid, snap in snapshots.items():
        for thread in snap.get("threads", []):
            threads[(pid, thread["ident"])] = thread
            if thread["name"] == "MainThread":
                main[pid] = thread["ident"]
        for entry in snap.get("held", []):
            held.setdefault(entry["key"], []).append((pid, entry))
        created.update(snap.get("created", {}))
        nths.update(snap.get("created_nth", {}))
        for inode in snap.get("read_pipes", []):
            readers.setdefault(inode, []).append(pid)
        for inode in snap.get("write_pipes", []):
            writers.setdefault(inode, []).append(pid)
        for inode in snap.get("sockets", []):
            sockets.setdefault(inode, []).append(pid)
        peers.update({int(k): v for k, v in snap.get("peers", {}).items()})
        if snap.get("serves"):
            servers[snap["serves"]] = pid

    def process(pid: int) -> str:
        return names.get(pid) or str(snapshots.get(pid, {}).get("process", "?"))

    def since(t_ns: int | None) -> float | None:
        return None if t_ns is None else round(max(0, end_ns - t_ns) / 1e9, 3)

    def holder(pid: int, ident: int | None, inferred: bool, **more: Any) -> dict[str, Any]:
        thread = threads.get((pid, ident or 0), {})
        return {
            "pid": pid,
            "process": process(pid),
            "thread": more.get("thread")
            or thread.get("name", "MainThread" if ident is None else "?"),
            "since_s": more.get("since_s"),
            "at": more.get("at", thread.get("at")),
            "inferred": inferred,
            "ident": ident,
        }

    edges: list[dict[str, Any]] = []
    for pid, snap in sorted(snapshots.items()):
        for wait in snap.get("waits", []):
            kind, key = wait["kind"], wait.get("key", "")
            held_by: list[dict[str, Any]] = []
            created_at = wait.get("created_at") or created.get(key)
            if kind == "lock":
                for owner_pid, entry in held.get(key, []):
                    if (owner_pid, entry["ident"]) == (pid, wait["ident"]):
                        continue
                    held_by.append(
                        holder(
                            owner_pid,
                            entry["ident"],
                            entry["inferred"],
                            since_s=since(entry.get("since_ns")),
                            at=entry["at"],
                            # a holder whose thread its process could not tell
                            thread=entry["thread"] if entry["ident"] is None else None,
                        )
                    )
                    created_at = created_at or entry.get("created_at")
            elif kind == "thread":
                ident = int(key.rsplit(":", 1)[1]) if key.rsplit(":", 1)[1].isdigit() else None
                if ident is not None:
                    held_by.append(holder(pid, ident, False))
            elif kind == "process":
                child = int(key.split(":", 1)[1]) if key.split(":", 1)[1].isdigit() else 0
                held_by.append(holder(child, main.get(child), False))
            elif kind == "recv" and key.startswith("pipe:"):
                # Who still has the write end open (a duplex Pipe's: the other end):
                # data or EOF can only come from them.
                inode = int(key.split(":", 1)[1])
                duplex = inode in peers
                for writer in sorted(sockets.get(peers[inode], []) if duplex else
                                     writers.get(inode, [])):  # fmt: skip
                    held_by.append(holder(writer, main.get(writer), False, at=None))
            elif kind == "manager":
                held_by.extend(_server(wait, servers, snapshots, holder, main))
            elif kind == "result":
                lost_task = (lost or {}).get(wait.get("link") or "")
                if lost_task is None:  # the pool's workers, any of which may run it
                    for worker in wait.get("workers", []):
                        if worker in snapshots:
                            held_by.append(holder(worker, main.get(worker), True))
            elif kind == "pipe":
                inode = int(key.split(":", 1)[1])
                for reader in sorted(readers.get(inode, [])):
                    if reader != pid:  # it would read its own queue from another thread
                        held_by.append(holder(reader, main.get(reader), True))
            created_at = created_at or created.get(wait.get("created_key") or "")
            edge = {
                "waiter": {
                    "pid": pid,
                    "process": process(pid),
                    "thread": wait["thread"],
                    "ident": wait["ident"],
                    "greenlet": bool(wait.get("greenlet")),
                },
                "on": {
                    "kind": kind,
                    "label": _label(
                        kind, wait.get("label", ""), created_at, nths.get(key, 0)
                    ),
                    "created_at": created_at,
                },
                "held_by": held_by,
                "since_s": since(wait.get("since_ns")),
                "at": wait.get("at") or None,
                "timed": wait.get("timeout") is not None,
            }
            if kind == "recv" and key.startswith("pipe:"):
                wait = {**wait, "socket": int(key.split(":", 1)[1]) in snap.get("sockets", [])}
            _more(edge, wait, peers, lost)
            edges.append(edge)
    _name_served(edges, snapshots)
    return edges, (
        _deadlock(edges) or _lost(edges) or _stuck(edges, threads, snapshots, complete)
    )


def _more(
    edge: dict[str, Any],
    wait: dict[str, Any],
    peers: dict[int, int],
    lost: dict[str, dict[str, Any]] | None,
) -> None:
    """The facts some kinds add to their edge: a duplex Pipe's recv, a manager
    call's method and referent, a pool result's task lost with its worker."""
    kind, key, on = edge["on"]["kind"], wait.get("key", ""), edge["on"]
    if kind == "recv" and wait.get("until_eof"):
        on["until_eof"] = True
    if kind == "recv" and key.startswith("pipe:") and int(key.split(":", 1)[1]) in peers:
        on["duplex"] = True
    elif kind == "recv" and key.startswith("pipe:") and wait.get("socket"):
        on["peer"] = "unknown"  # a socket not made by Pipe(): a network peer may write
    elif kind == "manager":
        on["method"], on["referent"] = wait.get("method", "?"), wait.get("referent", "?")
        proxy = wait.get("label") or on["referent"]
        on["label"] = f"{proxy}.{on['method']}()"
        edge["serving"] = wait.get("object_id")
    elif kind == "result" and lost and wait.get("link") in lost:
        edge["lost"] = lost[wait["link"]]
    if wait.get("serving") is not None:  # a manager's server thread running a call
        on["method"], on["referent"] = wait.get("method", "?"), wait.get("referent", "?")
        edge["serving"] = wait["serving"]


def _server(
    wait: dict[str, Any],
    servers: dict[str, int],
    snapshots: dict[int, dict[str, Any]],
    holder: Any,
    main: dict[int, int],
) -> list[dict[str, Any]]:
    """Who answers a blocked proxy call: the manager's server thread running that
    call on that object (the one whose request it is), else its process."""
    pid = servers.get(wait.get("key", "").split(":", 1)[1])
    if pid is None:
        return []  # the manager's process did not answer (or is not ours)
    running = [
        w
        for w in snapshots[pid].get("waits", [])
        if w.get("serving") == wait.get("object_id") and w.get("method") == wait.get("method")
    ]
    if len(running) == 1:
        return [holder(pid, running[0]["ident"], False)]
    return [holder(pid, main.get(pid), True)]


def _name_served(edges: list[dict[str, Any]], snapshots: dict[int, dict[str, Any]]) -> None:
    """A manager's server thread's wait is labelled with the client's name for the
    object (``ev``), and its client call's line is where it was asked for."""
    for client in edges:
        if client["on"]["kind"] != "manager" or not client["held_by"]:
            continue
        served = client["held_by"][0]
        for edge in edges:
            waiter = edge["waiter"]
            if (waiter["pid"], waiter["ident"]) == (served["pid"], served["ident"]):
                edge["on"]["label"] = client["on"]["label"].rsplit(".", 1)[0]
                edge["on"]["created_at"] = None  # made by the manager, not by a script line


def lost_tasks(events: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """A pool's tasks that a worker started and never ended because the worker
    exited (bpo-22393: their result never comes), by the link of the call that
    submitted them: {link: {pid, process, func, exitcode}}."""
    open_tasks: dict[int, dict[str, Any]] = {}
    exits: dict[int, Any] = {}
    for event in events:
        if event.kind == "task-start":
            open_tasks[event.pid] = {"event": event}
        elif event.kind == "task-end":
            open_tasks.pop(event.pid, None)
        elif event.kind == "child-exit":
            exits[int(event.detail.get("child_pid") or 0)] = event.detail.get("exitcode")
    lost: dict[str, dict[str, Any]] = {}
    for pid, started in open_tasks.items():
        event = started["event"]
        link = event.detail.get("link")
        if pid in exits and link:
            lost[str(link)] = {
                "pid": pid,
                "process": event.process,
                "func": str(event.detail.get("func", "?")),
                "exitcode": exits[pid],
            }
    return lost


def _lost(edges: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Untimed waits for a pool result whose task died with its worker: no loop,
    but that result can never come."""
    lost = [e for e in edges if e["on"]["kind"] == "result" and "lost" in e and not e["timed"]]
    if not lost:
        return None
    return {"cycle": [who(e["waiter"]["process"], e["waiter"]["thread"]) for e in lost],
            "kind": "worker-died"}  # fmt: skip


def who(pid_process: str, thread: str) -> str:
    """A waiter's name: its process, its thread, or both when both say something."""
    if thread == "MainThread":
        return pid_process
    if pid_process == "MainProcess":
        return thread
    return f"{pid_process}/{thread}"


def _deadlock(edges: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first loop of untimed waits (a timed one will wake by itself)."""
    out: dict[Node, list[tuple[Node, dict[str, Any]]]] = {}
    for edge in edges:
        if edge["timed"]:
            continue
        waiter = (edge["waiter"]["pid"], edge["waiter"]["ident"])
        for holder in edge["held_by"]:
            if holder["ident"] is not None and (holder["pid"], holder["ident"]) != waiter:
                out.setdefault(waiter, []).append(((holder["pid"], holder["ident"]), edge))
    named = {
        (e["waiter"]["pid"], e["waiter"]["ident"]): who(
            e["waiter"]["process"], e["waiter"]["thread"]
        )
        for e in edges
    }
    for start in sorted(out, key=lambda node: (named.get(node, ""), node)):
        path: list[tuple[Node, dict[str, Any]]] = []
        seen: set[Node] = set()
        node = start
        while node in out and node not in seen:
            seen.add(node)
            following, edge = out[node][0]
            path.append((node, edge))
            node = following
        if node in seen:
            loop = path[[n for n, _ in path].index(node) :]
            kinds = {e["on"]["kind"] for _, e in loop}
            if kinds == {"lock"}:
                kind = "lock-order"
            elif "pipe" in kinds and "process" in kinds:
                kind = "queue-join"
            elif any(_reader_keeps_writing(e) for _, e in loop if e["on"]["kind"] == "recv"):
                kind = "pipe-not-closed"  # and who joins the reader waits for it
            else:
                kind = "wait-cycle"
            names = [who(e["waiter"]["process"], e["waiter"]["thread"]) for _, e in loop]
            return {"cycle": names, "kind": kind}
    return None


def _reader_keeps_writing(edge: dict[str, Any]) -> bool:
    """A recv that waits for EOF (``on.until_eof``: it is inside ``except EOFError``)
    whose own process still holds the write end: EOF can never come. (A recv that
    waits for a message is not this pitfall: closing ends would not send it.)"""
    return bool(edge["on"].get("until_eof")) and any(
        h["pid"] == edge["waiter"]["pid"] for h in edge["held_by"]
    )


def _stuck(
    edges: list[dict[str, Any]],
    threads: dict[Node, dict[str, Any]],
    snapshots: dict[int, dict[str, Any]],
    complete: bool,
) -> dict[str, Any] | None:
    """Waits no live thread can end: when every thread of every process waits
    without a timeout (Go's "all goroutines are asleep"), an Event nobody is left
    to set, a recv no writer is left to write to, are stuck for good. Any thread
    not known to be waiting so (running, sleeping, reading a socket, a process
    that did not answer) might still end them: nothing is claimed."""
    if not complete or not edges:
        return None
    if any(snap.get("hub_active") for snap in snapshots.values()):
        return None  # a gevent timer or I/O watcher may still wake a greenlet (§7)
    waiting = {(e["waiter"]["pid"], e["waiter"]["ident"]) for e in edges if not e["timed"]}
    helpers = {pid for pid, snap in snapshots.items() if snap.get("process") == "ForkServer"}
    if any(node not in waiting for node in threads if node[0] not in helpers):
        return None
    if any(e["on"].get("peer") == "unknown" for e in edges):
        return None  # data may come from outside the run, and wake anyone
    stuck = [e for e in edges if e["on"]["kind"] in RELEASED_BY_OTHERS and not e["timed"]]
    if not stuck:
        return None
    kinds = {e["on"]["kind"] for e in stuck}
    kind = "never-released"
    if kinds == {"event"}:
        kind = "event-never-set"
    elif kinds == {"recv"} and all(_reader_keeps_writing(e) for e in stuck):
        kind = "pipe-not-closed"  # the reader itself keeps the write end open
    names = [who(e["waiter"]["process"], e["waiter"]["thread"]) for e in stuck]
    return {"cycle": names, "kind": kind}
