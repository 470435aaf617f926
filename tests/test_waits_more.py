"""The wait-for graph's edges on other processes' work: a multiprocessing Semaphore,
a duplex Pipe's other end, a live Manager's call, a Pool result lost with its
worker, a join on a child that waits for its parent; and healthy scripts that
block a lot (or wait for a socket) without a deadlock word.

Each pitfall fixture hangs bare too; its run must say who waits, on what (kind,
label, line made), who holds it or could end it, on the script's lines, under
fork and spawn.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from test_waits import HANG_S, METHODS, SCRIPTS, edge_of, holder, place, run

from conftest import cli

# A run a healthy script must finish within: the slowest (six workers holding one
# of two slots 2 s each, 6 s of work) ends in about 8 s under spawn here; 30 s is
# a wide margin, and an ok outcome is all that is asserted of it.
FINISH_S = 30.0
# Stopped mid-flight: by 3 s of a 6 s script at least three workers have started
# (spawn starts one in about 0.3 s on this loaded machine), so one waits for a slot.
MIDWAY_S = 3.0

DEADLOCK_WORDS = ("eadlock", "Stuck", "never")


def no_deadlock_word(doc: dict[str, Any]) -> bool:
    return doc["deadlock"] is None and not any(
        word in said for said in doc["explanation"] for word in DEADLOCK_WORDS
    )


@pytest.mark.parametrize("method", METHODS)
def test_a_semaphore_slot_never_given_back_is_a_wait_only_a_release_ends(method: str) -> None:
    doc = run("semaphore_never_released.py", method)
    assert doc["outcome"] == "hang"
    assert doc["deadlock"] == {"cycle": ["MainProcess"], "kind": "never-released"}
    edge = edge_of(doc, "MainProcess", "MainThread")
    assert edge["on"]["kind"] == "semaphore" and edge["on"]["label"] == "slots"
    assert place(edge["on"]["created_at"]) == "semaphore_never_released.py:11"
    assert place(edge["at"]) == "semaphore_never_released.py:15"
    assert edge["held_by"] == []  # a semaphore has no owner: another's release() ends it
    assert edge["timed"] is False and edge["since_s"] > 0
    assert (
        "Stuck for good: every thread of the run waits without a timeout, so no one can end "
        "these waits: MainProcess waits for Semaphore slots (made at "
        "semaphore_never_released.py:11) at semaphore_never_released.py:15, which only a "
        "release() by another thread or process could end." in doc["explanation"]
    )


@pytest.mark.parametrize("method", METHODS)
def test_a_child_in_with_bounded_semaphore_waits_for_the_parent_that_joins_it(
    method: str,
) -> None:
    doc = run("semaphore_held_by_parent.py", method)
    assert doc["outcome"] == "hang"
    assert doc["deadlock"] == {"cycle": ["Process-1"], "kind": "never-released"}
    edge = edge_of(doc, "Process-1", "MainThread")
    assert edge["on"]["kind"] == "semaphore" and edge["on"]["label"] == "slots"
    # made in the parent: a spawned child only unpickled it, the parent's table says
    assert place(edge["on"]["created_at"]) == "semaphore_held_by_parent.py:12"
    assert place(edge["at"]) == "semaphore_held_by_parent.py:7"
    assert edge["held_by"] == [] and edge["timed"] is False
    join = edge_of(doc, "MainProcess", "MainThread")
    assert join["on"]["kind"] == "process" and join["on"]["label"] == "Process-1"
    assert place(join["at"]) == "semaphore_held_by_parent.py:16"
    assert holder(join)["process"] == "Process-1"
    (said,) = [s for s in doc["explanation"] if s.startswith("Stuck for good:")]
    assert said.endswith(
        "Process-1 waits for Semaphore slots (made at semaphore_held_by_parent.py:12) at "
        "semaphore_held_by_parent.py:7, which only a release() by another thread or process "
        "could end."
    )


@pytest.mark.parametrize("method", METHODS)
def test_a_duplex_pipe_whose_other_end_the_reader_keeps_is_a_pipe_not_closed(method: str) -> None:
    doc = run("pipe_duplex_not_closed.py", method)
    assert doc["outcome"] == "hang"
    assert doc["deadlock"] == {"cycle": ["MainProcess"], "kind": "pipe-not-closed"}
    edge = edge_of(doc, "MainProcess", "MainThread")
    assert edge["on"]["kind"] == "recv" and edge["on"]["label"] == "a"
    assert edge["on"]["duplex"] is True
    assert place(edge["on"]["created_at"]) == "pipe_duplex_not_closed.py:13"
    assert place(edge["at"]) == "pipe_duplex_not_closed.py:19" and edge["timed"] is False
    # b is open in the reader's own process (the child closed its copy and ended).
    owner = holder(edge)
    assert (owner["process"], owner["thread"], owner["inferred"]) == (
        "MainProcess",
        "MainThread",
        False,
    )
    assert (
        "Stuck for good: MainProcess calls recv() on end a of a duplex pipe (made at "
        "pipe_duplex_not_closed.py:13) at pipe_duplex_not_closed.py:19, waiting for EOF, but "
        "the other end is still open in MainProcess itself, so EOF never comes. This is a Pipe "
        "whose other end was not closed: once the other end is handed to the process that "
        "writes, close it in MainProcess (and in every other process that does not use it)."
        in doc["explanation"]
    )


@pytest.mark.parametrize("method", METHODS)
def test_a_call_blocked_in_a_live_manager_leads_to_its_server_thread_and_its_wait(
    method: str,
) -> None:
    doc = run("manager_event_never_set.py", method)
    assert doc["outcome"] == "hang"
    # The manager's process has threads that do not wait (its accepter): nothing is
    # claimed stuck, the graph is told.
    assert doc["deadlock"] is None
    client = edge_of(doc, "Process-2", "MainThread")
    assert client["on"] == {
        "kind": "manager",
        "label": "ev.wait()",
        "created_at": None,
        "method": "wait",
        "referent": "Event",
    }
    assert place(client["at"]) == "manager_event_never_set.py:7" and client["timed"] is False
    server = holder(client)
    # The manager names the thread serving a connection after the client's process.
    assert (server["process"], server["thread"], server["inferred"]) == (
        "SyncManager-1",
        "Process-2",
        False,
    )
    served = edge_of(doc, "SyncManager-1", "Process-2")
    assert served["on"]["kind"] == "event" and served["on"]["label"] == "ev"
    assert (served["on"]["method"], served["on"]["referent"]) == ("wait", "Event")
    assert served["held_by"] == [] and served["timed"] is False
    assert served["serving"] == client["serving"]
    join = edge_of(doc, "MainProcess", "MainThread")
    assert join["on"]["label"] == "Process-2" and place(join["at"]) == (
        "manager_event_never_set.py:15"
    )
    assert (
        "Waits when stopped: Process-2 calls ev.wait() at manager_event_never_set.py:7 on its "
        "Manager's Event; the call runs in the manager's process, in SyncManager-1/Process-2, "
        "which waits without a timeout for Event ev, which only a set() could end."
        in doc["explanation"]
    )


@pytest.mark.parametrize("method", METHODS)
def test_a_pool_result_whose_worker_died_mid_task_is_named_with_the_worker(method: str) -> None:
    doc = run("pool_worker_died.py", method)
    assert doc["outcome"] == "hang"
    assert doc["deadlock"] == {"cycle": ["MainProcess"], "kind": "worker-died"}
    edge = edge_of(doc, "MainProcess", "MainThread")
    assert edge["on"] == {
        "kind": "result",
        "label": "result",
        "created_at": edge["on"]["created_at"],
    }
    assert place(edge["on"]["created_at"]) == "pool_worker_died.py:13"
    assert place(edge["at"]) == "pool_worker_died.py:14" and edge["timed"] is False
    assert edge["held_by"] == []  # the worker that ran it is gone: no one can end it
    lost = edge["lost"]
    worker = "ForkPoolWorker" if method == "fork" else "SpawnPoolWorker"
    assert re.fullmatch(rf"{worker}-[12]", lost["process"])  # either of the two first
    assert (lost["func"], lost["exitcode"]) == ("crash", 3)
    assert (
        f"Stuck for good: MainProcess waits at pool_worker_died.py:14 for pool result result "
        f"(submitted at pool_worker_died.py:13), but worker {lost['process']}, which ran its "
        f"task (crash), exited mid-task (exit code 3). A Pool replaces a dead worker but neither "
        f"reruns nor reports its task (bpo-22393), so this result never comes. This is a Pool "
        f"worker that died mid-task: call get() with a timeout, or use "
        f"concurrent.futures.ProcessPoolExecutor (it raises BrokenProcessPool)."
        in doc["explanation"]
    )


@pytest.mark.parametrize("method", METHODS)
def test_joining_a_child_that_waits_for_the_parent_is_a_cycle(method: str) -> None:
    doc = run("join_child_waits_parent.py", method)
    assert doc["outcome"] == "hang"
    assert doc["deadlock"] == {"cycle": ["MainProcess", "Process-1"], "kind": "wait-cycle"}
    join = edge_of(doc, "MainProcess", "MainThread")
    assert join["on"]["kind"] == "process" and join["on"]["label"] == "Process-1"
    assert place(join["at"]) == "join_child_waits_parent.py:14"
    assert holder(join)["process"] == "Process-1"
    recv = edge_of(doc, "Process-1", "MainThread")
    assert recv["on"]["kind"] == "recv" and recv["on"]["label"] == "r"
    assert place(recv["on"]["created_at"]) == "join_child_waits_parent.py:11"
    assert place(recv["at"]) == "join_child_waits_parent.py:7"
    # Fork copies the parent's write end into the child; spawn passes only r.
    writers = ["MainProcess", "Process-1"] if method == "fork" else ["MainProcess"]
    assert [h["process"] for h in recv["held_by"]] == writers
    also = " (and Process-1 itself)" if method == "fork" else ""
    assert (
        "Deadlock: MainProcess joins Process-1 at join_child_waits_parent.py:14, while "
        "Process-1 waits in recv() on pipe r (made at join_child_waits_parent.py:11) at "
        f"join_child_waits_parent.py:7; its write end is open only in MainProcess{also}, and "
        "MainProcess is blocked in that join, so neither data nor EOF can come. Send what the "
        "child waits for (or close the write end) before join()." in doc["explanation"]
    )


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("script", ["event_never_set.py", "mp_event_never_set.py"])
def test_an_events_wait_says_where_the_event_was_made(script: str, method: str) -> None:
    doc = run(script, method)
    waiter, made = {
        "event_never_set.py": ("MainProcess", 5),
        "mp_event_never_set.py": ("Process-1", 11),
    }[script]
    edge = edge_of(doc, waiter, "MainThread")
    assert edge["on"]["kind"] == "event"
    assert place(edge["on"]["created_at"]) == f"{script}:{made}"
    (said,) = [s for s in doc["explanation"] if s.startswith("Stuck for good:")]
    assert f"(made at {script}:{made})" in said


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("script", ["semaphore_workers_ok.py", "pipe_recv_timeouts_ok.py"])
def test_healthy_scripts_that_block_a_lot_end_without_a_deadlock_word(
    script: str, method: str
) -> None:
    ended = run(script, method, "--timeout", str(FINISH_S))
    assert ended["outcome"] == "ok"
    assert ended["waits"] == [] and no_deadlock_word(ended)


@pytest.mark.parametrize("method", METHODS)
def test_workers_waiting_for_a_semaphore_slot_midway_are_no_deadlock(method: str) -> None:
    # Stopped while two workers hold the slots (sleeping) and others wait for one.
    doc = run("semaphore_workers_ok.py", method, "--timeout", str(MIDWAY_S))
    assert doc["outcome"] == "hang"
    slots = [e for e in doc["waits"] if e["on"]["kind"] == "semaphore"]
    assert slots and all(e["on"]["label"] == "slots" for e in slots)
    assert all(place(e["at"]) == "semaphore_workers_ok.py:8" for e in slots)
    assert no_deadlock_word(doc)


@pytest.mark.parametrize("method", METHODS)
def test_a_consumer_polling_with_a_timeout_midway_is_no_deadlock(method: str) -> None:
    doc = run("pipe_recv_timeouts_ok.py", method, "--timeout", str(MIDWAY_S / 2))
    assert doc["outcome"] == "hang"
    assert no_deadlock_word(doc)


def test_a_script_waiting_for_a_socket_gets_the_graph_without_a_deadlock_word() -> None:
    doc = run("reads_socket.py", "fork")
    assert doc["outcome"] == "hang"
    join = edge_of(doc, "MainProcess", "MainThread")
    assert join["on"]["kind"] == "thread" and join["on"]["label"] == "reader"
    assert place(holder(join)["at"]) == "reads_socket.py:10"
    assert no_deadlock_word(doc)


def _reader(sockets: list[int], peers: dict[str, int]) -> dict[str, Any]:
    """One process whose only thread waits untimed in recv() on socket 7."""
    wait = {"thread": "MainThread", "ident": 1, "kind": "recv", "key": "pipe:7", "label": "c",
            "since_ns": None, "at": "/s.py:3", "timeout": None, "inferred": False,
            "until_eof": True}  # fmt: skip
    return {
        "pid": 5,
        "process": "MainProcess",
        "threads": [{"ident": 1, "name": "MainThread"}],
        "waits": [wait],
        "held": [],
        "sockets": sockets,
        "peers": peers,
    }


def test_a_recv_on_a_socket_of_unknown_peer_is_never_called_stuck() -> None:
    from concdemo.core.waits import build

    # A duplex Pipe() whose other end (8) the reader holds: stuck, named as such.
    edges, deadlock = build({5: _reader([7, 8], {"7": 8, "8": 7})}, {}, 10**9, complete=True)
    assert deadlock == {"cycle": ["MainProcess"], "kind": "pipe-not-closed"}
    assert edges[0]["on"]["duplex"] is True
    assert [h["pid"] for h in edges[0]["held_by"]] == [5]
    # A socket no Pipe() made (a Listener's, a network peer's): data may still come.
    edges, deadlock = build({5: _reader([7], {})}, {}, 10**9, complete=True)
    assert edges[0]["on"]["peer"] == "unknown" and edges[0]["held_by"] == []
    assert deadlock is None


ZH = {
    # script: sentences the Chinese explanation holds (compared without the panel's frame)
    "pipe_duplex_not_closed.py": (
        "永远等不到：MainProcess 在 pipe_duplex_not_closed.py:19 对双向管道的一端 a（在 "
        "pipe_duplex_not_closed.py:13 创建）调用 recv()，等待 EOF；但另一端仍由 MainProcess "
        "自己打开着，所以 EOF 永远不会到来。",
        "这是 Pipe 的另一端没有关闭的陷阱：把另一端交给负责写的进程后，在 MainProcess 中关闭它"
        "（其他不用它的进程也要关闭）。",
    ),
    "pool_worker_died.py": (
        "永远等不到：MainProcess 在 pool_worker_died.py:14 等待进程池结果 result（在 "
        "pool_worker_died.py:13 提交），但运行这个任务（crash）的工作进程",
        "在任务中途退出了（退出码 3）。",
        "带超时调用 get()，或改用 concurrent.futures.ProcessPoolExecutor（它会抛出 "
        "BrokenProcessPool）。",
    ),
    "manager_event_never_set.py": (
        "停止时的等待：Process-2 在 manager_event_never_set.py:7 调用 ev.wait()（Manager 中的 "
        "Event），这个调用在 manager 的进程里由 SyncManager-1/Process-2 执行，它正在无超时地等待"
        "Event ev，只有 set() 能结束它。",
    ),
    "semaphore_never_released.py": (
        "MainProcess 在 semaphore_never_released.py:15 等待Semaphore slots（在 "
        "semaphore_never_released.py:11 创建），只有别的线程或进程调用 release() 才能结束它。",
    ),
}


@pytest.mark.parametrize("script", sorted(ZH))
def test_the_new_waits_are_said_in_chinese(script: str) -> None:
    done = cli(
        "run",
        str(SCRIPTS / script),
        "--start-method",
        "fork",
        "--timeout",
        str(HANG_S),
        "--lang",
        "zh",
        "--plain",
        env={"COLUMNS": "250"},
    )
    # The panel wraps the Chinese sentence anywhere: compared without its frame and spaces.
    text = "".join("".join(line.strip("│").split()) for line in done.stdout.splitlines())
    for said in ZH[script]:
        assert "".join(said.split()) in text


@pytest.mark.parametrize("method", METHODS)
def test_a_proxied_lock_acquire_leads_to_the_server_thread_blocked_on_the_lock(
    method: str,
) -> None:
    # The manager's Lock is a threading.Lock: its server thread waits in a C acquire,
    # read from serve_client's frame (its request's method and object), and is still
    # tied to the client's call.
    doc = run("manager_lock_held.py", method)
    assert doc["outcome"] == "hang" and doc["deadlock"] is None
    client = edge_of(doc, "Process-2", "MainThread")
    assert client["on"]["kind"] == "manager" and client["on"]["label"] == "lock.acquire()"
    assert (client["on"]["method"], client["on"]["referent"]) == ("acquire", "Lock")
    assert place(client["at"]) == "manager_lock_held.py:6"
    server = holder(client)
    assert (server["process"], server["thread"], server["inferred"]) == (
        "SyncManager-1",
        "Process-2",
        False,
    )
    served = edge_of(doc, "SyncManager-1", "Process-2")
    assert served["on"] == {
        "kind": "lock",
        "label": "lock",
        "created_at": None,  # made inside the manager, not on a line of the script
        "method": "acquire",
        "referent": "Lock",
    }
    assert served["serving"] == client["serving"] and served["timed"] is False
    assert (
        "Waits when stopped: Process-2 calls lock.acquire() at manager_lock_held.py:6 on its "
        "Manager's Lock; the call runs in the manager's process, in SyncManager-1/Process-2, "
        "which waits without a timeout for lock." in doc["explanation"]
    )


def test_an_object_made_beside_another_on_one_line_keeps_the_name_it_is_waited_by(
    tmp_path: Any,
) -> None:
    # Now that an Event has its creation line, `lock, ready = Lock(), Event()` must
    # not name it `lock` (the first name of its line): the maker's name says `ready`.
    from concdemo.core.waits import build

    script = tmp_path / "s.py"
    script.write_text("lock, ready = Lock(), Event()\nalone = Event()\nx, y = f(), g()\n")
    waits = [
        {"thread": "MainThread", "ident": 1, "kind": "event", "key": f"obj:{n}",
         "label": "ready", "since_ns": None, "at": f"{script}:9", "timeout": None,
         "inferred": False, "created_at": f"{script}:{n}"}
        for n in (1, 2, 3)
    ]  # fmt: skip
    snap = {"pid": 5, "process": "MainProcess", "threads": [{"ident": 1, "name": "MainThread"}],
            "waits": waits, "held": []}  # fmt: skip
    edges, _ = build({5: snap}, {}, 10**9)
    # line 3: two names, neither made by an Event(): the wait's own text, `ready`
    assert [e["on"]["label"] for e in edges] == ["ready", "alone", "ready"]
