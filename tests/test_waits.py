"""Why a traced script hangs: the wait-for graph (``waits``, ``deadlock``) and its words.

Each pitfall fixture hangs bare too; under the tracer its run must say who holds
what and who waits for it, on the lines the script has, under fork and spawn.
Healthy scripts (one that ends, one that waits behind a long sleep) must never
get a deadlock or the word.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import HERE, cli, validate

SCRIPTS = HERE / "fixtures" / "scripts"
# The pitfalls hang within about 1.5 s of start under spawn on this loaded
# 2-core machine (the children's interpreters start): 4 s leaves margin, and the
# suite stays quick. The sleeper's child sleeps 60 s, far past it.
HANG_S = 4.0
METHODS = ("fork", "spawn")


def run(script: str, method: str = "fork", *more: str) -> dict[str, Any]:
    done = cli(
        "run",
        str(SCRIPTS / script),
        "--start-method",
        method,
        "--timeout",
        str(HANG_S),
        "--json",
        *more,
    )
    assert done.stdout.strip(), done.stderr
    doc = json.loads(done.stdout)
    validate(doc, "run-1")
    (only,) = doc["runs"]
    return dict(only)


def place(at: str | None) -> str:
    assert at is not None
    file, _, line = at.rpartition(":")
    return f"{Path(file).name}:{line}"


def edge_of(run_doc: dict[str, Any], process: str, thread: str) -> dict[str, Any]:
    (edge,) = [
        e
        for e in run_doc["waits"]
        if (e["waiter"]["process"], e["waiter"]["thread"]) == (process, thread)
    ]
    return dict(edge)


def holder(edge: dict[str, Any]) -> dict[str, Any]:
    (only,) = edge["held_by"]
    return dict(only)


@pytest.mark.parametrize("method", METHODS)
def test_lock_order_between_processes_is_a_deadlock_with_holders_and_lines(method: str) -> None:
    doc = run("lock_order_processes.py", method)
    assert doc["outcome"] == "hang"
    assert doc["deadlock"] == {"cycle": ["Process-1", "Process-2"], "kind": "lock-order"}
    # Process-1 took a (worker's `with first:`, line 7) and waits for b at line 10.
    for waiter, wanted, other in (("Process-1", "b", "Process-2"), ("Process-2", "a", "Process-1")):
        edge = edge_of(doc, waiter, "MainThread")
        assert edge["on"]["kind"] == "lock"
        assert edge["on"]["label"] == wanted
        made = {"a": 15, "b": 16}[wanted]
        assert place(edge["on"]["created_at"]) == f"lock_order_processes.py:{made}"
        assert place(edge["at"]) == "lock_order_processes.py:10"
        assert edge["timed"] is False and edge["since_s"] > 0
        owner = holder(edge)
        assert (owner["process"], owner["thread"]) == (other, "MainThread")
        assert place(owner["at"]) == "lock_order_processes.py:7"
        # Observed (the semaphore's count in that process, asked in its main thread);
        # the line is its `with first:`; since when is not recorded (no per-acquire cost).
        assert owner["inferred"] is False and owner["since_s"] is None
    # The parent waits in p1.join() for Process-1, which is in the loop.
    join = edge_of(doc, "MainProcess", "MainThread")
    assert join["on"] == {"kind": "process", "label": "Process-1", "created_at": None}
    assert place(join["at"]) == "lock_order_processes.py:26"
    assert holder(join)["process"] == "Process-1"
    (said,) = [s for s in doc["explanation"] if s.startswith("Deadlock:")]
    assert said == (
        "Deadlock: Process-1 holds lock a (taken at lock_order_processes.py:7) and waits for "
        "lock b at lock_order_processes.py:10; Process-2 holds lock b (taken at "
        "lock_order_processes.py:7) and waits for lock a at lock_order_processes.py:10. "
        "This is lock-order inversion between processes: take the locks in one order in "
        "every process."
    )


@pytest.mark.parametrize("method", METHODS)
def test_lock_order_between_threads_names_the_threads_and_infers_the_holders(method: str) -> None:
    doc = run("lock_order_threads.py", method)
    assert doc["outcome"] == "hang"
    assert doc["deadlock"] == {"cycle": ["Thread-A", "Thread-B"], "kind": "lock-order"}
    for waiter, wanted, other in (("Thread-A", "b", "Thread-B"), ("Thread-B", "a", "Thread-A")):
        edge = edge_of(doc, "MainProcess", waiter)
        assert edge["on"]["kind"] == "lock"
        assert edge["on"]["label"] == wanted
        made = {"a": 5, "b": 6}[wanted]
        assert place(edge["on"]["created_at"]) == f"lock_order_threads.py:{made}"
        assert place(edge["at"]) == "lock_order_threads.py:13"
        owner = holder(edge)
        assert (owner["process"], owner["thread"]) == ("MainProcess", other)
        # A bare threading.Lock records no holder: read from `with first:` (line 11).
        assert owner["inferred"] is True
        assert place(owner["at"]) == "lock_order_threads.py:11"
        assert owner["since_s"] is None
    main = edge_of(doc, "MainProcess", "MainThread")
    assert main["on"]["kind"] == "thread" and main["on"]["label"] == "Thread-A"
    assert place(main["at"]) == "lock_order_threads.py:22"
    (said,) = [s for s in doc["explanation"] if s.startswith("Deadlock:")]
    assert said == (
        "Deadlock: Thread-A holds lock a (taken at lock_order_threads.py:11, inferred from its "
        "with block) and waits for lock b at lock_order_threads.py:13; Thread-B holds lock b "
        "(taken at lock_order_threads.py:11, inferred from its with block) and waits for lock a "
        "at lock_order_threads.py:13. This is lock-order inversion between threads: take the "
        "locks in one order in every thread."
    )


@pytest.mark.parametrize("method", METHODS)
def test_locks_taken_by_acquire_in_a_childs_thread_are_held_by_that_thread(method: str) -> None:
    # No `with`: each child's thread "Taker" took its first lock by acquire() (line
    # 11) and waits in acquire() for its second (line 13). Both locks are made on
    # one line (`a, b = Lock(), Lock()`): each is named by its place in it.
    doc = run("lock_order_acquire.py", method)
    assert doc["outcome"] == "hang"
    cycle = ["Process-1/Taker", "Process-2/Taker"]
    assert doc["deadlock"] == {"cycle": cycle, "kind": "lock-order"}
    for waiter, wanted, other in (("Process-1", "b", "Process-2"), ("Process-2", "a", "Process-1")):
        edge = edge_of(doc, waiter, "Taker")
        assert (edge["on"]["kind"], edge["on"]["label"]) == ("lock", wanted)
        assert place(edge["on"]["created_at"]) == "lock_order_acquire.py:25"
        assert place(edge["at"]) == "lock_order_acquire.py:13"
        owner = holder(edge)
        assert (owner["process"], owner["thread"]) == (other, "Taker")
        # Held by that process (its semaphore's count), by a thread that is not the
        # one that answered the signal: the thread and line are read from its frames.
        assert owner["inferred"] is True and owner["since_s"] is None
        assert place(owner["at"]) == "lock_order_acquire.py:11"
    (said,) = [s for s in doc["explanation"] if s.startswith("Deadlock:")]
    assert said.startswith(
        "Deadlock: Process-1/Taker holds lock a (taken at lock_order_acquire.py:11, inferred "
        "from its acquire() call) and waits for lock b at lock_order_acquire.py:13; "
    )


def test_threading_locks_taken_by_acquire_are_inferred_from_the_call() -> None:
    doc = run("lock_order_threads_acquire.py", "fork")
    assert doc["deadlock"] == {"cycle": ["Thread-A", "Thread-B"], "kind": "lock-order"}
    for waiter, wanted, other in (("Thread-A", "b", "Thread-B"), ("Thread-B", "a", "Thread-A")):
        edge = edge_of(doc, "MainProcess", waiter)
        assert edge["on"]["label"] == wanted
        assert place(edge["at"]) == "lock_order_threads_acquire.py:14"
        owner = holder(edge)
        assert (owner["thread"], owner["inferred"]) == (other, True)
        # first.acquire() at line 11; its release (line 17) comes later in the source.
        assert place(owner["at"]) == "lock_order_threads_acquire.py:11"


@pytest.mark.parametrize("method", METHODS)
def test_join_before_draining_a_queue_is_a_deadlock_through_the_feeder(method: str) -> None:
    doc = run("queue_join_before_get.py", method)
    assert doc["outcome"] == "hang"
    assert doc["deadlock"] == {
        "cycle": ["MainProcess", "Process-1", "Process-1/QueueFeederThread"],
        "kind": "queue-join",
    }
    join = edge_of(doc, "MainProcess", "MainThread")
    assert join["on"]["kind"] == "process" and join["on"]["label"] == "Process-1"
    assert place(join["at"]) == "queue_join_before_get.py:14"
    assert holder(join)["process"] == "Process-1"
    exiting = edge_of(doc, "Process-1", "MainThread")
    assert exiting["on"]["kind"] == "thread" and exiting["on"]["label"] == "QueueFeederThread"
    assert holder(exiting)["thread"] == "QueueFeederThread"
    feeder = edge_of(doc, "Process-1", "QueueFeederThread")
    assert feeder["on"]["kind"] == "pipe" and feeder["on"]["label"] == "q"
    assert place(feeder["on"]["created_at"]) == "queue_join_before_get.py:11"
    reader = holder(feeder)
    assert (reader["process"], reader["thread"], reader["inferred"]) == (
        "MainProcess",
        "MainThread",
        True,
    )
    (said,) = [s for s in doc["explanation"] if s.startswith("Deadlock:")]
    assert said == (
        "Deadlock: MainProcess joins Process-1 at queue_join_before_get.py:14 before reading "
        "queue q (made at queue_join_before_get.py:11); Process-1 cannot end until its "
        "QueueFeederThread has written what it put into the queue's pipe, which only "
        "MainProcess would read. This is joining before draining a Queue: get() the items "
        "before join() (or call cancel_join_thread())."
    )


@pytest.mark.parametrize("method", METHODS)
def test_a_script_that_ends_has_no_deadlock(method: str) -> None:
    doc = run("locks_nested_ok.py", method)
    assert doc["outcome"] == "ok"
    assert doc["waits"] == [] and doc["deadlock"] is None
    assert not any("eadlock" in s for s in doc["explanation"])


@pytest.mark.parametrize("method", METHODS)
def test_a_wait_behind_a_sleep_is_a_graph_without_a_deadlock(method: str) -> None:
    doc = run("waits_for_sleep.py", method)
    assert doc["outcome"] == "hang"  # the child sleeps 60 s holding the lock
    assert doc["deadlock"] is None
    assert not any("eadlock" in s for s in doc["explanation"])
    edge = edge_of(doc, "MainProcess", "MainThread")
    assert edge["on"]["kind"] == "lock" and edge["on"]["label"] == "lock"
    assert place(edge["at"]) == "waits_for_sleep.py:18"
    owner = holder(edge)
    assert (owner["process"], owner["thread"], owner["inferred"]) == (
        "Process-1",
        "MainThread",
        False,
    )
    assert place(owner["at"]) == "waits_for_sleep.py:8"
    (said,) = [s for s in doc["explanation"] if s.startswith("Waits when stopped:")]
    assert "MainProcess waits for lock (made at waits_for_sleep.py:14) at " in said  # once
    assert "held by Process-1 (taken at waits_for_sleep.py:8)" in said


def shown(lang: str) -> list[str]:
    done = cli(
        "run",
        str(SCRIPTS / "lock_order_threads.py"),
        "--start-method",
        "fork",
        "--timeout",
        str(HANG_S),
        "--lang",
        lang,
        "--plain",
        env={"COLUMNS": "250"},
    )
    return [" ".join(line.split()) for line in done.stdout.splitlines()]


def test_the_hang_table_has_a_waits_for_column() -> None:
    lines = shown("en")
    (header,) = [line for line in lines if line.startswith("process thread blocked in")]
    assert header.endswith("waits for")
    rows = [line for line in lines if " in transfer lock " in line]
    assert sorted(row.split(" in transfer ")[1] for row in rows) == [
        "lock a ← Thread-A (inferred)",
        "lock b ← Thread-B (inferred)",
    ]


def test_the_deadlock_is_said_in_chinese() -> None:
    # The panel wraps the Chinese sentence anywhere: compared without its frame and spaces.
    text = "".join("".join(line.strip("│").split()) for line in shown("zh"))
    for said in (
        "死锁：Thread-A 持有锁 a（在 lock_order_threads.py:11 获得，由 with 块推断）",
        "并在 lock_order_threads.py:13 等待锁 b",
        "这是线程间的加锁顺序颠倒：让所有线程按同一顺序获取这些锁。",
    ):
        assert "".join(said.split()) in text


def _snapshot(timeout: float | None) -> dict[str, Any]:
    """One process, two threads, each holding the lock the other waits for."""
    waits = [
        {"thread": name, "ident": ident, "kind": "lock", "key": want, "label": want,
         "since_ns": 0, "at": "/s.py:9", "timeout": timeout if ident == 1 else None,
         "inferred": False}
        for name, ident, want in (("T1", 1, "obj:b"), ("T2", 2, "obj:a"))
    ]  # fmt: skip
    held = [
        {"key": key, "label": "", "created_at": None, "thread": name, "ident": ident,
         "since_ns": None, "at": "/s.py:7", "inferred": True}
        for name, ident, key in (("T1", 1, "obj:a"), ("T2", 2, "obj:b"))
    ]  # fmt: skip
    threads = [{"ident": 1, "name": "T1"}, {"ident": 2, "name": "T2"}]
    return {"pid": 5, "process": "MainProcess", "threads": threads, "waits": waits, "held": held}


def test_a_loop_through_a_timed_wait_is_no_deadlock() -> None:
    from concdemo.core.waits import build

    edges, deadlock = build({5: _snapshot(None)}, {}, 10**9)
    assert deadlock == {"cycle": ["T1", "T2"], "kind": "lock-order"}
    assert [h["inferred"] for e in edges for h in e["held_by"]] == [True, True]
    # T1's acquire has a timeout: it will give up by itself, so nothing is stuck for good.
    edges, deadlock = build({5: _snapshot(5.0)}, {}, 10**9)
    assert deadlock is None
    assert [e["timed"] for e in edges] == [True, False]


STUCK = {
    # script: (waiter, on kind, label, waits at, deadlock kind, the pitfall's sentence)
    "event_never_set.py": (
        "MainProcess",
        "event",
        "ready",
        "event_never_set.py:16",
        "event-never-set",
        "Stuck for good: MainProcess waits for Event ready (made at event_never_set.py:5) at "
        "event_never_set.py:16, and every "
        "other thread of the run waits without a timeout too, so no one is left to call set(). "
        "This is an Event never set: call set() on every path out of the work it waits for "
        "(the error paths too), or wait with a timeout.",
    ),
    "mp_event_never_set.py": (
        "Process-1",
        "event",
        "go",
        "mp_event_never_set.py:7",
        "event-never-set",
        "Stuck for good: Process-1 waits for Event go (made at mp_event_never_set.py:11) at "
        "mp_event_never_set.py:7, and every "
        "other thread of the run waits without a timeout too, so no one is left to call set(). "
        "This is an Event never set: call set() on every path out of the work it waits for "
        "(the error paths too), or wait with a timeout.",
    ),
    "pipe_write_end_open.py": (
        "MainProcess",
        "recv",
        "r",
        "pipe_write_end_open.py:19",
        "pipe-not-closed",
        "Stuck for good: MainProcess calls recv() on pipe r (made at pipe_write_end_open.py:13) "
        "at pipe_write_end_open.py:19, waiting for data or EOF, but the write end is still open "
        "in MainProcess itself, so EOF never comes. This is a Pipe whose write end was not "
        "closed: after starting the writer, close the write end (w.close()) in every process "
        "that does not write.",
    ),
}


@pytest.mark.parametrize(
    ("script", "method"),
    [(s, m) for s in STUCK for m in METHODS] + [("pipe_write_end_open.py", "forkserver")],
)
def test_a_wait_no_live_thread_can_end_is_named_with_its_pitfall(script: str, method: str) -> None:
    waiter, kind, label, at, stuck, sentence = STUCK[script]
    doc = run(script, method)
    assert doc["outcome"] == "hang"
    assert doc["deadlock"] == {"cycle": [waiter], "kind": stuck}
    thread = "MainThread"
    edge = edge_of(doc, waiter, thread)
    assert edge["on"]["kind"] == kind and edge["on"]["label"] == label
    assert place(edge["at"]) == at and edge["timed"] is False
    if kind == "recv":
        # The write end is open in the reader's own process (the child closed its copy
        # and ended): observed from /proc, not inferred.
        assert place(edge["on"]["created_at"]) == "pipe_write_end_open.py:13"
        owner = holder(edge)
        assert (owner["process"], owner["thread"], owner["inferred"]) == (waiter, thread, False)
    else:
        assert edge["held_by"] == []  # an Event has no holder: only a set() ends it
    if script == "mp_event_never_set.py":  # the parent joins the stuck child
        join = edge_of(doc, "MainProcess", "MainThread")
        assert join["on"]["kind"] == "process" and place(join["at"]) == f"{script}:14"
    assert sentence in doc["explanation"]


@pytest.mark.parametrize("method", METHODS)
def test_an_event_set_after_a_sleep_is_no_stuck_wait(method: str) -> None:
    # The setter thread sleeps (not an untimed wait): it may still set the Event.
    doc = run("event_set_late.py", method)
    assert doc["outcome"] == "hang"
    edge = edge_of(doc, "MainProcess", "MainThread")
    assert edge["on"]["kind"] == "event" and edge["on"]["label"] == "ready"
    assert doc["deadlock"] is None
    assert not any("eadlock" in s or "Stuck" in s for s in doc["explanation"])


def test_a_script_that_sets_its_own_sigusr1_handler_keeps_it_and_the_graph() -> None:
    # The stack signal is a real-time one: a script's SIGUSR1 handler is its own, as bare,
    # and the hang's graph still comes.
    doc = run("sigusr1_own.py", "fork")
    assert [e["detail"]["line"] for e in doc["events"] if e["kind"] == "stdout"] == [
        "SIG_DFL",
        "mine",
    ]
    assert doc["deadlock"] == {"cycle": ["MainProcess"], "kind": "event-never-set"}


ERRORS = {
    # Not hangs (design note, section 5): the error the script gets, and the pitfall said.
    "pool_join_no_close.py": "MainProcess called Pool.join() before close(): join() waits for "
    "workers that would never stop, so it refuses (ValueError). Call pool.close() (or "
    "pool.terminate()) first, then pool.join().",
    "manager_gone.py": "MainProcess's call through a Manager's proxy raised BrokenPipeError "
    "because the manager's process SyncManager-1 had ended (exit code -9): a Manager whose "
    "process is gone. Keep the manager's process alive until the last call through its proxies "
    "(inside `with Manager() as manager:`, in the process that outlives them).",
}


@pytest.mark.parametrize(("script", "method"), [(s, m) for s in ERRORS for m in METHODS])
def test_pool_join_without_close_and_a_gone_manager_are_said_as_the_errors_they_are(
    script: str, method: str
) -> None:
    doc = run(script, method)
    assert doc["outcome"] == "error" and doc["deadlock"] is None and doc["waits"] == []
    assert ERRORS[script] in doc["explanation"]


def test_a_process_that_cannot_be_asked_leaves_a_stuck_wait_unclaimed() -> None:
    # `sleep 60` answers no stack request: it might be what ends the wait, so the
    # recv (whose write end the reader keeps, as in pipe_write_end_open.py) is not
    # called stuck.
    doc = run("recv_beside_another_program.py", "fork")
    assert doc["outcome"] == "hang"
    edge = edge_of(doc, "MainProcess", "MainThread")
    assert edge["on"]["kind"] == "recv" and edge["on"]["label"] == "r"
    assert doc["deadlock"] is None
    assert not any("Stuck" in s or "eadlock" in s for s in doc["explanation"])


def test_threading_lock_waits_are_read_from_the_frames_without_a_wrapper() -> None:
    doc = run("thread_locks_read.py", "fork")
    assert doc["outcome"] == "hang"  # Owner sleeps 60 s in `with a:`
    assert doc["deadlock"] is None
    assert not any("eadlock" in s for s in doc["explanation"])
    # `with b, a:` blocked on its second item: a, held by Owner (its `with a:`,
    # line 22: inferred, a Lock has no owner of its own); b is Pair's.
    pair = edge_of(doc, "MainProcess", "Pair")
    assert (pair["on"]["kind"], pair["on"]["label"]) == ("lock", "a")
    assert place(pair["on"]["created_at"]) == "thread_locks_read.py:11"
    assert place(pair["at"]) == "thread_locks_read.py:29"
    assert (pair["timed"], pair["since_s"]) == (False, None)
    owner = holder(pair)
    assert (owner["thread"], owner["inferred"]) == ("Owner", True)
    assert place(owner["at"]) == "thread_locks_read.py:22"
    # acquire(timeout=60) on the RLock: timed; its owner is in the RLock's own repr
    # (observed), taken in a helper that has returned: no line to show.
    timed = edge_of(doc, "MainProcess", "Timed")
    assert (timed["on"]["label"], place(timed["at"]), timed["timed"]) == (
        "rlock",
        "thread_locks_read.py:35",
        True,
    )
    owner = holder(timed)
    assert (owner["thread"], owner["inferred"], owner["at"]) == ("Owner", False, None)
