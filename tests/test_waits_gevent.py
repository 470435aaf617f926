"""Greenlets in the wait-for graph: under gevent's monkey-patching a blocked
greenlet's wait is an edge named by its lane, read at the hang (the stack
signal) or when gevent's hub gives up (``LoopExit``, "This operation would block
forever"), which ends the run in an error instead of a hang.

Each fixture hangs (or raises LoopExit) bare too. Greenlets live in one process:
the start method matters only for the fixture whose greenlets run in a child
process, which runs under fork and spawn; the others run once.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from test_waits import HANG_S, SCRIPTS, edge_of, holder, place, run

from conftest import cli

# The gevent fixtures block within 0.3 s of their start (gevent's import and
# patch_all take about 0.5 s on this loaded 2-core machine, a spawned child's
# interpreter ~1 s more): test_waits' HANG_S (4 s) leaves margin. Their timers
# (60 s) are far past it.


def lanes(run_doc: dict[str, Any], process: str) -> set[str]:
    return {e["task"] for e in run_doc["events"] if e["process"] == process}


def no_alarm(run_doc: dict[str, Any]) -> None:
    assert run_doc["deadlock"] is None
    said = " ".join(run_doc["explanation"])
    assert "Deadlock" not in said and "Stuck for good" not in said, said


def words(run_doc: dict[str, Any], lang: str) -> list[str]:
    """The wait-for graph's sentences in ``lang`` for this run's own graph."""
    from concdemo.explain import waits as explain_waits

    result = SimpleNamespace(waits=run_doc["waits"], deadlock=run_doc["deadlock"])
    return explain_waits.sentences(result, lang)  # type: ignore[arg-type]


def assert_lock_order(doc: dict[str, Any], process: str, script: str, lines: dict[str, int],
                      pairs: tuple[tuple[str, str, str], ...]) -> None:
    """Each greenlet of the loop waits for the other's lock, on its own lane."""
    for waiter, wanted, other in pairs:
        edge = edge_of(doc, process, waiter)
        assert edge["waiter"]["greenlet"] is True
        assert edge["on"] == {"kind": "lock", "label": wanted, "created_at": None}
        assert place(edge["at"]) == f"{script}:{lines['waits']}"
        assert edge["timed"] is False and edge["since_s"] is None  # not timed per switch
        owner = holder(edge)
        assert (owner["process"], owner["thread"]) == (process, other)
        # gevent's Lock records no holder: read from `with first:` of `transfer`.
        assert owner["inferred"] is True and owner["since_s"] is None
        assert place(owner["at"]) == f"{script}:{lines['took']}"
        # The holder is the node of the other greenlet's own edge: one loop.
        assert owner["ident"] == edge_of(doc, process, other)["waiter"]["ident"]
    # Each waiter is a lane the timeline already has (its sleep, its switches).
    assert {w for w, _, _ in pairs} <= lanes(doc, process)


def test_greenlets_in_lock_order_end_in_loop_exit_and_the_graph_names_the_deadlock(
    tmp_path: Path,
) -> None:
    doc = run("gevent_lock_order.py")
    # Bare too, gevent raises LoopExit in the main greenlet: an error, not a hang.
    assert doc["outcome"] == "error" and doc["error"]["type"] == "LoopExit"
    assert doc["deadlock"] == {"cycle": ["Greenlet-0", "Greenlet-1"], "kind": "lock-order"}
    script = "gevent_lock_order.py"
    pairs = (("Greenlet-0", "b", "Greenlet-1"), ("Greenlet-1", "a", "Greenlet-0"))
    assert_lock_order(doc, "MainProcess", script, {"waits": 18, "took": 16}, pairs)
    # The main greenlet, on the MainThread lane, waits in joinall for the first.
    main = edge_of(doc, "MainProcess", "MainThread")
    assert main["on"] == {"kind": "thread", "label": "Greenlet-0", "created_at": None}
    assert place(main["at"]) == f"{script}:24" and main["waiter"]["greenlet"] is True
    assert holder(main)["thread"] == "Greenlet-0"
    (said,) = [s for s in doc["explanation"] if s.startswith("Deadlock:")]
    assert said == (
        "Deadlock: Greenlet-0 holds lock a (taken at gevent_lock_order.py:16, inferred from "
        "its with block) and waits for lock b at gevent_lock_order.py:18; Greenlet-1 holds "
        "lock b (taken at gevent_lock_order.py:16, inferred from its with block) and waits "
        "for lock a at gevent_lock_order.py:18. This is lock-order inversion between "
        "greenlets: take the locks in one order in every greenlet."
    )
    assert words(doc, "zh") == [
        "死锁：Greenlet-0 持有锁 a（在 gevent_lock_order.py:16 获得，由 with 块推断），并在 "
        "gevent_lock_order.py:18 等待锁 b；Greenlet-1 持有锁 b（在 gevent_lock_order.py:16 "
        "获得，由 with 块推断），并在 gevent_lock_order.py:18 等待锁 a。这是 greenlet 间的"
        "加锁顺序颠倒：让所有 greenlet 按同一顺序获取这些锁。"
    ]
    # The terminal: a table of the greenlets' waits (no stacks: nothing was stopped),
    # and the Perfetto trace: a flow from each waiter's lane to its holder's.
    trace = Path(tmp_path) / "trace.json"
    shown = cli("run", str(SCRIPTS / script), "--trace", str(trace), env={"COLUMNS": "200"})
    lines = shown.stdout.splitlines()
    assert "where each greenlet was blocked when gevent's hub gave up (LoopExit)" in lines
    for waiter, cell in (("Greenlet-0", "lock b ← Greenlet-1 (inferred)"),
                         ("Greenlet-1", "lock a ← Greenlet-0 (inferred)")):
        assert any(re.search(rf"\s{waiter}\s+{script}:18\s+{re.escape(cell)}", x) for x in lines)
    events = json.loads(trace.read_text())["traceEvents"]
    tids = {e["args"]["name"]: e["tid"] for e in events if e.get("name") == "thread_name"}
    flows = {(e["ph"], e["tid"], e["args"]["on"]) for e in events if e.get("cat") == "wait"}
    assert {("s", tids["Greenlet-0"], "lock b"), ("f", tids["Greenlet-1"], "lock b")} <= flows


def test_greenlets_deadlocked_beside_a_ticker_hang_and_the_stack_signal_reads_them() -> None:
    doc = run("gevent_lock_order_ticking.py")
    assert doc["outcome"] == "hang"  # the ticker's timer keeps the hub running
    assert doc["deadlock"] == {"cycle": ["Greenlet-1", "Greenlet-2"], "kind": "lock-order"}
    pairs = (("Greenlet-1", "b", "Greenlet-2"), ("Greenlet-2", "a", "Greenlet-1"))
    script = "gevent_lock_order_ticking.py"
    assert_lock_order(doc, "MainProcess", script, {"waits": 18, "took": 16}, pairs)
    main = edge_of(doc, "MainProcess", "MainThread")
    assert main["on"] == {"kind": "thread", "label": "Greenlet-1", "created_at": None}
    assert place(main["at"]) == f"{script}:30"
    # The ticker sleeps (timed, gevent.sleep): no edge of its own.
    assert not [e for e in doc["waits"] if e["waiter"]["thread"] == "Greenlet-0"]


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_greenlets_deadlocked_in_a_child_process_are_named_with_their_process(
    method: str,
) -> None:
    doc = run("gevent_child_lock_order.py", method)
    assert doc["outcome"] == "hang"
    assert doc["deadlock"] == {
        "cycle": ["Process-1/Greenlet-1", "Process-1/Greenlet-2"],
        "kind": "lock-order",
    }
    # The locks are locals of child(): named as the spawning frame names them.
    pairs = (("Greenlet-1", "b", "Greenlet-2"), ("Greenlet-2", "a", "Greenlet-1"))
    script = "gevent_child_lock_order.py"
    assert_lock_order(doc, "Process-1", script, {"waits": 22, "took": 20}, pairs)
    parent = edge_of(doc, "MainProcess", "MainThread")
    assert parent["on"] == {"kind": "process", "label": "Process-1", "created_at": None}
    assert parent["waiter"]["greenlet"] is False
    (said,) = [s for s in doc["explanation"] if s.startswith("Deadlock:")]
    assert said.startswith("Deadlock: Process-1/Greenlet-1 holds lock a (taken at ")
    assert said.endswith("lock-order inversion between greenlets: take the locks in one "
                         "order in every greenlet.")


def test_an_event_nobody_sets_is_stuck_for_good_when_the_hub_gives_up() -> None:
    doc = run("gevent_event_never.py")
    assert doc["outcome"] == "error" and doc["error"]["type"] == "LoopExit"
    assert doc["deadlock"] == {"cycle": ["Greenlet-0"], "kind": "event-never-set"}
    edge = edge_of(doc, "MainProcess", "Greenlet-0")
    assert edge["on"] == {"kind": "event", "label": "ready", "created_at": None}
    assert edge["held_by"] == [] and edge["timed"] is False
    assert place(edge["at"]) == "gevent_event_never.py:15"
    (said,) = [s for s in doc["explanation"] if s.startswith("Stuck for good:")]
    assert said.startswith(
        "Stuck for good: Greenlet-0 waits for Event ready at gevent_event_never.py:15, and "
        "every other thread of the run waits without a timeout too"
    )


def test_an_event_a_pending_timer_will_set_is_no_deadlock() -> None:
    """Every greenlet waits untimed, as above, but spawn_later's timer is armed:
    the hub's active watcher (libev activecnt) may still wake them (Go's timer rule)."""
    doc = run("gevent_event_later.py")
    assert doc["outcome"] == "hang"
    edge = edge_of(doc, "MainProcess", "Greenlet-0")  # the graph was read...
    assert edge["on"]["kind"] == "event" and edge["timed"] is False
    assert edge_of(doc, "MainProcess", "MainThread")["on"]["label"] == "Greenlet-0"
    no_alarm(doc)  # ...and no alarm raised on it


def test_a_lock_a_sleeping_greenlet_holds_is_shown_without_a_deadlock_word() -> None:
    doc = run("gevent_lock_sleeper.py")
    assert doc["outcome"] == "hang"
    edge = edge_of(doc, "MainProcess", "Greenlet-1")
    assert edge["on"] == {"kind": "lock", "label": "ledger", "created_at": None}
    assert place(edge["at"]) == "gevent_lock_sleeper.py:21"
    owner = holder(edge)
    assert owner["thread"] == "Greenlet-0" and owner["inferred"] is True
    assert place(owner["at"]) == "gevent_lock_sleeper.py:15"
    no_alarm(doc)
    assert (
        "Waits when stopped: Greenlet-1 waits for lock ledger at gevent_lock_sleeper.py:21, "
        "held by Greenlet-0 (taken at gevent_lock_sleeper.py:15, inferred)."
    ) in doc["explanation"]
    assert words(doc, "zh") == [
        "停止时的等待：Greenlet-1 在 gevent_lock_sleeper.py:21 等待锁 ledger，持有者："
        "Greenlet-0（在 gevent_lock_sleeper.py:15 获得，推断）。"
    ]


def test_an_rlock_owner_is_read_not_inferred_and_the_hang_table_has_the_greenlet() -> None:
    doc = run("gevent_rlock_main.py")
    assert doc["outcome"] == "hang"
    edge = edge_of(doc, "MainProcess", "Greenlet-0")
    assert edge["on"] == {"kind": "lock", "label": "books", "created_at": None}
    assert place(edge["at"]) == "gevent_rlock_main.py:17"
    owner = holder(edge)
    # The patched RLock's _owner is the main greenlet: observed, with its `with`.
    assert (owner["process"], owner["thread"]) == ("MainProcess", "MainThread")
    assert owner["inferred"] is False
    assert place(owner["at"]) == "gevent_rlock_main.py:22"
    no_alarm(doc)
    script = str(SCRIPTS / "gevent_rlock_main.py")
    shown = cli("run", script, "--timeout", str(HANG_S), env={"COLUMNS": "200"})  # no wrap
    # The hang table: a row of its own (a greenlet has no thread, so no stack row).
    rows = [line for line in shown.stdout.splitlines() if "lock books ←" in line]
    assert len(rows) == 1, shown.stdout
    assert re.search(
        r"MainProcess\[\d+\]\s+Greenlet-0\s+gevent_rlock_main\.py:17\s+lock books ← MainProcess",
        rows[0],
    ), rows


def test_a_healthy_gevent_script_with_locks_has_no_graph() -> None:
    doc = run("gevent_locks_healthy.py")
    assert doc["outcome"] == "ok"
    assert doc["waits"] == []
    no_alarm(doc)


def test_a_loop_exit_the_script_catches_shows_no_graph() -> None:
    """gevent.wait() returns on the hub's LoopExit: the snapshot taken then is not
    the run's end, so it is not shown (a greenlet is still parked on an Event)."""
    doc = run("gevent_wait_caught.py")
    assert doc["outcome"] == "ok"
    assert doc["waits"] == []
    no_alarm(doc)
