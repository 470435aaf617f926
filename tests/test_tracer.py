"""The tracer on plain tutorial-shaped scripts (tests/fixtures/scripts, no probe calls).

Each script is also run bare (``python`` with the same start method set first),
and the traced outcome must equal the bare one under every start method:
tracing never changes what a script does, hangs included.
"""

from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import HERE, cli, start_methods, validate

SCRIPTS = HERE / "fixtures" / "scripts"
# Both bare and traced. The hanging scripts are otherwise done in about 1.2 s
# under spawn on a loaded 2-core machine (load average 10); a manager with two
# spawned children takes up to about 3 s there, hence the longer one.
HANG_S = 5.0
OK_TIMEOUT_S = 60.0

_BARE = (
    "import multiprocessing, runpy, sys\n"
    "multiprocessing.set_start_method(sys.argv[1])\n"
    "path = sys.argv[2]; sys.argv = [path]\n"
    "runpy.run_path(path, run_name='__main__')\n"
)


def bare(script: str, method: str | None, timeout: float = OK_TIMEOUT_S) -> tuple[str, list[str]]:
    """(outcome, stdout lines) of the script run without concdemo; with a start
    method, that method is set first (which imports multiprocessing)."""
    path = str(SCRIPTS / script)
    command = (
        [sys.executable, path] if method is None else [sys.executable, "-c", _BARE, method, path]
    )
    popen = subprocess.Popen(
        command,
        cwd=SCRIPTS,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
        # Block-buffered, each process writes its lines whole (unbuffered, two
        # processes' print() pieces could interleave within a line).
        env={
            k: v
            for k, v in os.environ.items()
            if not k.startswith("CONCDEMO_") and k != "PYTHONUNBUFFERED"
        },
    )
    try:
        out, _ = popen.communicate(timeout=timeout)
        outcome = "ok" if popen.returncode == 0 else "error"
    except subprocess.TimeoutExpired:
        os.killpg(popen.pid, signal.SIGKILL)
        out, _ = popen.communicate()
        outcome = "hang"
    return outcome, out.splitlines()


def traced(
    script: str, methods: str = "all", timeout: float = OK_TIMEOUT_S
) -> dict[str, dict[str, Any]]:
    """The script's runs under concdemo, by start method."""
    done = cli(
        "run",
        str(SCRIPTS / script),
        "--start-method",
        methods,
        "--timeout",
        str(timeout),
        "--json",
    )
    assert done.stdout.strip(), done.stderr
    doc = json.loads(done.stdout)
    validate(doc, "run-1")
    return {run["start_method"]: run for run in doc["runs"]}


def ok_as_bare(script: str, in_order: bool = True) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, run) for each start method, once the traced run has been found to
    end ok as the bare one does, printing the same lines (in the same order, or,
    where several processes print, in any order)."""
    runs = traced(script)
    for method in start_methods():
        run = runs[method]
        outcome, lines = bare(script, method)
        where = f"{script} under {method}"
        assert (run["outcome"], outcome) == ("ok", "ok"), where
        if in_order:
            assert printed(run) == lines, where
        else:
            assert sorted(printed(run)) == sorted(lines), where
        yield where, run


def printed(run: dict[str, Any], kind: str = "stdout") -> list[str]:
    return [e["detail"]["line"] for e in run["events"] if e["kind"] == kind]


def linked(run: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for event in run["events"]:
        if "link" in event:
            found[event["link"]].append(event)
    return found


def link_problems(run: dict[str, Any], sender: str, receiver: str) -> list[str]:
    """Every link must join one ``sender`` event to one ``receiver`` event (of
    another process, or a later one), and carry the same item."""
    problems = []
    for link, events in linked(run).items():
        kinds = sorted(e["kind"].removesuffix("-end").removesuffix("-start") for e in events)
        if kinds != sorted([sender, receiver]):
            problems.append(f"{link}: {kinds}")
            continue
        sent = next(e for e in events if e["kind"].startswith(sender))
        got = next(e for e in events if e["kind"].startswith(receiver))
        if sent["detail"].get("item") != got["detail"].get("item"):
            problems.append(f"{link}: sent {sent['detail']} but got {got['detail']}")
    return problems


def pipe_calls(
    run: dict[str, Any], kinds: tuple[str, ...] = ("send", "recv")
) -> list[tuple[str, str, str | None, dict[str, Any]]]:
    """(process, kind, link, detail) of each send/recv call (or of ``kinds``) in
    the order they ended: a quick call is one event, one that waited a span,
    whose start (what was sent, a sender's link) and end (what was received, a
    receiver's link) are merged here."""
    calls = []
    started: dict[tuple[int, str, str], dict[str, Any]] = {}
    for event in run["events"]:
        kind = event["kind"]
        base = kind.removesuffix("-start").removesuffix("-end")
        if not base.startswith(kinds):
            continue
        key = (event["pid"], event["task"], base)
        if kind.endswith("-start"):
            started[key] = event
            continue
        start = started.pop(key) if kind.endswith("-end") else {}
        detail = {**start.get("detail", {}), **event["detail"]}
        link = event.get("link") or start.get("link")
        calls.append((event["process"], base, link, detail))
    return calls


def pids_named(run: dict[str, Any], prefix: str) -> set[int]:
    return {p["pid"] for p in run["processes"] if p["name"].startswith(prefix)}


def test_queue_shapes_end_as_they_do_bare_with_every_put_linked_to_its_get() -> None:
    expected_hangs = {
        "queue_passed.py": set(),
        "queue_main_guard.py": {"spawn", "forkserver"},
        "queue_global.py": {"spawn", "forkserver"},
    }
    for script, hangs in expected_hangs.items():
        runs = traced(script, timeout=HANG_S)
        for method in start_methods():
            run = runs[method]
            outcome, lines = bare(script, method, timeout=HANG_S)
            where = f"{script} under {method}"
            assert run["outcome"] == outcome, where
            assert outcome == ("hang" if method in hangs else "ok"), where
            if outcome == "ok":
                assert sorted(printed(run)) == sorted(lines), where
                assert not link_problems(run, "put", "get"), where
                puts = [e for e in run["events"] if e["kind"] in ("put", "put-start")]
                assert puts and {e["process"] for e in puts} == {"Process-1"}, where
            else:
                # Where the main process was blocked: the parent's q.get() line.
                main = [s for s in run["stacks"] if s["process"] == "MainProcess"]
                assert main and main[0]["file"].endswith(script), where
                if script == "queue_main_guard.py":
                    # The child's NameError: an error event, and the traceback it
                    # prints is the bare one (no frame of the tracer's in it).
                    errors = [e for e in run["events"] if e["kind"] == "error"]
                    assert [(e["process"], e["detail"]["type"]) for e in errors] == [
                        ("Process-1", "NameError")
                    ], where
                    child_stderr = [
                        e["detail"]["line"]
                        for e in run["events"]
                        if e["kind"] == "stderr" and e["process"] == "Process-1"
                    ]
                    assert "NameError: name 'q' is not defined" in child_stderr, where
                    assert not [line for line in child_stderr if "concdemo" in line], where
                # The call it was blocked in is multiprocessing's, not the tracer's wrapper.
                assert main[0]["blocked_in"]["file"].endswith("multiprocessing/queues.py"), where
                assert (
                    "q.get()" in (SCRIPTS / script).read_text().splitlines()[main[0]["line"] - 1]
                ), where


@pytest.mark.parametrize(
    "script", ["pipe_duplex.py", "pipe_producer_consumer.py", "manager_list_dict.py"]
)
def test_pipes_and_managers_under_every_start_method(script: str) -> None:
    for where, run in ok_as_bare(script, in_order=False):
        if script.startswith("pipe"):
            raw = ("send_bytes", "recv_bytes")
            objects = {"events": [e for e in run["events"] if not e["kind"].startswith(raw)]}
            assert not link_problems(objects, "send", "recv"), where
            assert len(linked(objects)) == (2 if script == "pipe_duplex.py" else 4), where
            by_bytes = {"events": [e for e in run["events"] if e["kind"].startswith(raw)]}
            assert not link_problems(by_bytes, *raw), where
            assert len(linked(by_bytes)) == (script == "pipe_producer_consumer.py"), where
        else:
            calls = collections.Counter(
                (e["process"], e["detail"]["call"])
                for e in run["events"]
                if e["kind"] in ("proxy", "proxy-start")
            )
            for child in ("Process-2", "Process-3"):
                assert calls[(child, "list.append")] == 1, (where, calls)
                assert calls[(child, "dict.__setitem__")] == 1, (where, calls)
            assert pids_named(run, "SyncManager-"), where


def test_send_and_send_bytes_are_linked_to_the_receive_that_read_them_under_every_method() -> None:
    """The link travels in a frame just before the payload: each send/send_bytes is
    joined to the one receive that read its payload, refused ones included
    (BufferTooShort, maxlength), and the script prints what it prints bare."""
    script = "pipe_bytes.py"
    sends = ["send"] + ["send_bytes"] * 6 + ["send"] + ["send_bytes"] * 2
    receives = ["recv"] + ["recv_bytes"] * 3 + ["recv_bytes_into"] * 2 + ["recv", "recv_bytes"]
    receives += ["recv_bytes_into", "recv_bytes"]  # the two refused ones
    for where, run in ok_as_bare(script):
        ends = pipe_calls(run)
        sent = [(kind, link) for process, kind, link, _ in ends if process == "Process-1"]
        got = [(kind, link) for process, kind, link, _ in ends if process == "MainProcess"]
        # The first send waited for the reader: a span, its link with what it sent.
        first = next(
            e for e in run["events"] if e["process"] == "Process-1" and "send" in e["kind"]
        )
        assert first["kind"] == "send-start" and first.get("link") == sent[0][1], where
        assert [kind for kind, _ in sent] == sends, where
        assert [kind for kind, _ in got] == receives, where
        # The nth payload written is the nth read, and each carries its own link.
        assert [link for _, link in got] == [link for _, link in sent], where
        assert len({link for _, link in sent} - {None}) == len(receives), where
        errors = [d.get("error") for process, _, _, d in ends if process == "MainProcess"]
        assert errors[-2:] == ["BufferTooShort", "OSError"], where


def test_send_bytes_from_two_processes_sharing_an_end_link_each_payload_to_its_read() -> None:
    script = "pipe_bytes_shared.py"
    for where, run in ok_as_bare(script):
        by_link = collections.defaultdict(list)
        for _, kind, link, detail in pipe_calls(run):
            by_link[link].append((kind, detail["bytes"]))
        by_link.pop(None, None)
        assert len(by_link) == 40, where
        for link, calls in by_link.items():
            kinds = sorted(kind for kind, _ in calls)
            assert kinds == ["recv_bytes", "send_bytes"], (where, link, kinds)
            assert len({sent for _, sent in calls}) == 1, (where, calls)


def test_pool_tasks_run_in_workers_linked_to_the_call_that_submitted_them() -> None:
    for where, run in ok_as_bare("pool_apply.py"):
        method = run["start_method"]
        submits = [e for e in run["events"] if e["kind"] in ("apply", "apply_async", "map")]
        assert [e["kind"] for e in submits] == ["apply"] * 2 + ["apply_async"] * 3 + ["map"]
        workers = pids_named(run, "ForkPoolWorker-" if method == "fork" else "SpawnPoolWorker-")
        if method == "forkserver":
            workers = pids_named(run, "ForkServerPoolWorker-")
        tasks = [e for e in run["events"] if e["kind"] == "task-start"]
        assert len(tasks) == 7 and {t["pid"] for t in tasks} <= workers, where
        by_link = collections.Counter(t["link"] for t in tasks)
        expected = collections.Counter(
            {s["link"]: (2 if s["kind"] == "map" else 1) for s in submits}
        )
        assert by_link == expected, where


def test_pool_workers_started_by_the_pools_thread_outlive_it() -> None:
    # Linux's parent-death signal follows the thread that made a process: with
    # SIGKILL there, the replacements the pool's thread started died when the
    # pool closed, one holding the task queue's lock, and the script hung at exit.
    for where, run in ok_as_bare("pool_maxtasks.py"):
        # Replacements were started (the first pool's terminate() stops its own
        # workers by SIGTERM, so their exit codes are not compared).
        workers = [p for p in run["processes"] if p["name"] != "MainProcess"]
        assert len(workers) > 2 * 3, where


def test_a_child_finishing_as_the_thread_that_started_it_ends_exits_as_bare() -> None:
    # Past its atexit callbacks Python puts its signal handlers back to the default,
    # and a real-time signal's default ends the process: the parent-death signal
    # (sent when the starting thread ends) killed such a child with -37 (SIGRTMIN+3)
    # where bare it exits 0, as a spawn pool's retiring workers did.
    for where, run in ok_as_bare("child_outlives_its_starting_thread.py"):
        assert printed(run) == ["child exit code 0"], where
        assert exit_codes(run).get("SpawnProcess-1") == 0, where


def test_process_pool_executor_tasks_run_in_workers_linked_to_submit_and_map() -> None:
    # The executor's shutdown sends each worker a None through put_nowait; once
    # that came back to the worker as the tracer's envelope, and every worker died.
    for where, run in ok_as_bare("futures_pool.py"):
        workers = [p for p in run["processes"] if p["name"] != "MainProcess"]
        assert len(workers) == 2 and all(p["exitcode"] == 0 for p in workers), where
        assert not [e for e in run["events"] if e["kind"] == "error"], where
        # The executor's own queue traffic is not the script's.
        queue_calls = [e for e in run["events"] if e["kind"].startswith(("put", "get"))]
        assert not queue_calls, where
        calls = [e for e in run["events"] if e["kind"] in ("submit", "map")]
        assert [e["kind"] for e in calls] == ["submit"] * 3 + ["map"] * 2, where
        tasks = [e for e in run["events"] if e["kind"] == "task-start"]
        assert {t["pid"] for t in tasks} <= {p["pid"] for p in workers}, where
        # One task per submit, one per chunk of each map, whose items say how many
        # of the map's it ran: 4 in chunks of 1, then of 2.
        expected = collections.Counter(
            {c["link"]: (4 if c["kind"] == "map" else 1) for c in calls}
        )
        items: collections.Counter[str] = collections.Counter()
        for t in tasks:
            items[t["link"]] += t["detail"].get("items", 1)
        assert items == expected, where
        chunks = [t["detail"].get("items") for t in tasks if t["link"] == calls[-1]["link"]]
        assert chunks == [2, 2], where
        # The script's three f.result() calls; map's and the thread pool's own are not its.
        # (Each returns at once, as_completed handed it over done; a stalled
        # machine may still make one a span, whose halves are merged.)
        results = [detail.get("item") for *_, detail in pipe_calls(run, ("result-get",))]
        assert sorted(results) == ["0", "1", "4"], where


def test_the_scripts_put_nowait_and_get_nowait_are_its_own_calls() -> None:
    for where, run in ok_as_bare("queue_nowait.py"):
        # Any of them may have waited (the first put starts the feeder thread):
        # a span's two halves are merged.
        calls = [
            (kind, detail.get("item"), detail.get("error"))
            for _, kind, _, detail in pipe_calls(run, ("put", "get"))
        ]
        assert calls == [
            ("put", "'first'", None),
            ("get", "'first'", None),
            ("get", None, "Empty"),
        ], where
        assert not link_problems(run, "put", "get"), where


def test_library_code_reading_the_scripts_queue_gets_the_items_as_put() -> None:
    for where, run in ok_as_bare("queue_read_by_library.py"):
        assert printed(run) == ["[0, 1, 2]"], where


def test_greenlets_generators_and_gevent_print_in_their_own_lanes() -> None:
    method = start_methods()[0]
    lanes: dict[str, dict[str, set[str]]] = {}
    kinds: dict[str, list[tuple[str, str]]] = {}
    for script in ("greenlet_pingpong.py", "generator_pc.py", "gevent_sleep.py"):
        run = traced(script, method)[method]
        kinds[script] = [(e["task"], e["kind"]) for e in run["events"]]
        outcome, lines = bare(script, None)
        assert (run["outcome"], outcome) == ("ok", "ok"), script
        assert printed(run) == lines, script
        by_task: dict[str, set[str]] = collections.defaultdict(set)
        for event in run["events"]:
            if event["kind"] == "stdout":
                by_task[event["task"]].add(event["detail"]["line"].split()[0])
        lanes[script] = by_task
    pingpong = lanes["greenlet_pingpong.py"]
    assert pingpong.pop("MainThread") == {"done"}
    assert sorted(pingpong.values(), key=sorted) == [{"ping"}, {"pong"}]
    assert set(lanes["generator_pc.py"]) == {"MainThread"}
    gevent_lanes = lanes["gevent_sleep.py"]
    assert sorted(t for t in gevent_lanes if gevent_lanes[t] == {"task"}) == [
        "Greenlet-0",
        "Greenlet-1",
        "Greenlet-2",
    ]
    # greenlet switches, each from the lane that switched away
    switches = [task for task, kind in kinds["greenlet_pingpong.py"] if kind == "switch"]
    assert len(switches) == 6 and switches[0] == "MainThread"
    # gevent: patch_all, three spawns by the main greenlet, a sleep span in each greenlet
    gevent_kinds = kinds["gevent_sleep.py"]
    assert ("MainThread", "patch_all") in gevent_kinds
    assert gevent_kinds.count(("MainThread", "spawn")) == 3
    for n in range(3):
        assert (f"Greenlet-{n}", "sleep-start") in gevent_kinds
        assert (f"Greenlet-{n}", "sleep-end") in gevent_kinds


def test_a_traced_gevent_script_patches_before_threading_is_imported() -> None:
    method = start_methods()[0]
    run = traced("gevent_sleep.py", method)[method]
    assert "imported before patch_all: []" in printed(run)


def test_threads_start_end_sleep_and_join_in_their_own_lanes() -> None:
    method = start_methods()[0]
    run = traced("threads_sleep.py", method)[method]
    outcome, lines = bare("threads_sleep.py", None)
    assert (run["outcome"], outcome) == ("ok", "ok")
    assert printed(run) == lines
    seen = [(e["task"], e["kind"]) for e in run["events"]]
    napper = [kind for task, kind in seen if task == "napper"]
    assert napper == ["thread-start", "sleep-start", "sleep-end", "stdout", "thread-end"]
    # The join waited for the nap: a span in the main thread.
    assert ("MainThread", "thread-join-start") in seen
    assert ("MainThread", "thread-join-end") in seen


def test_gevent_crawler_against_a_local_server_fetches_in_its_greenlets() -> None:
    import http.server
    import threading

    in_flight = [0, 0]  # now, most at once: the crawler's greenlets fetch together
    lock = threading.Lock()

    class SlowPage(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the http.server API names it so
            import time

            with lock:
                in_flight[0] += 1
                in_flight[1] = max(in_flight[1], in_flight[0])
            time.sleep(0.5)  # long enough for all four requests to arrive on a busy machine
            with lock:
                in_flight[0] -= 1
            body = b"x" * 100
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SlowPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        method = start_methods()[0]
        done = cli(
            "run",
            str(SCRIPTS / "gevent_crawler.py"),
            "--start-method",
            method,
            "--json",
            "--",
            base,
        )
        traced_at_once, in_flight[1] = in_flight[1], 0
        bare_run = subprocess.run(
            [sys.executable, str(SCRIPTS / "gevent_crawler.py"), base],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert done.returncode == 0, done.stderr
    (run,) = json.loads(done.stdout)["runs"]
    assert bare_run.returncode == 0, bare_run.stderr
    assert sorted(printed(run)) == sorted(bare_run.stdout.splitlines())
    assert printed(run)[-1] == "pages 4"
    assert (traced_at_once, in_flight[1]) == (4, 4)  # all four at once, traced as bare
    fetched = [
        e for e in run["events"] if e["kind"] == "stdout" and "fetched" in e["detail"]["line"]
    ]
    assert sorted(e["task"] for e in fetched) == [f"Greenlet-{n}" for n in range(4)]
    # Each greenlet waited for its page in a patched socket call: a span in its lane.
    waits = {e["task"] for e in run["events"] if e["kind"].startswith("socket-recv")}
    assert waits == {f"Greenlet-{n}" for n in range(4)}
    assert any(
        e["kind"] == "patch_all" and "socket" in e["detail"]["patched"] for e in run["events"]
    )


@pytest.mark.skipif(sys.version_info < (3, 12), reason="sys.monitoring needs Python 3.12+")
def test_generator_yields_and_resumes_in_the_generators_lane() -> None:
    method = start_methods()[0]
    run = traced("generator_pc.py", method)[method]
    consumer = [(e["kind"], e["detail"]) for e in run["events"] if e["task"] == "consumer"]
    # next() runs it to its first yield; each send() resumes it and it yields the total.
    assert [kind for kind, _ in consumer] == ["yield"] + ["resume", "yield"] * 3
    assert [d["value"] for kind, d in consumer if kind == "yield"] == ["0", "0", "1", "3"]


def test_multiprocessing_lock_waits_are_spans_and_threading_locks_are_the_real_ones() -> None:
    outcome, lines = bare("locks_contended.py", None)
    for method, run in traced("locks_contended.py").items():
        assert (run["outcome"], printed(run)) == (outcome, lines) == ("ok", lines), method
        # threading.Lock() and RLock() give the C locks themselves (no wrapper: its
        # Python __enter__/__exit__ cost about as much as the lock), as bare.
        assert "types: lock RLock" in printed(run), method
        waits = [
            (e["process"], e["task"], e["detail"]["lock"])
            for e in run["events"]
            if e["kind"] == "lock-wait-start"
        ]
        # The main thread waited for the process's Lock and Condition (its RLock);
        # the threading locks' waits are no spans, and no other acquire waited as
        # the script's (Event.wait, join: the libraries').
        assert waits == [
            ("MainProcess", "MainThread", "multiprocessing.Lock"),
            ("MainProcess", "MainThread", "multiprocessing.RLock"),
        ], method
        ends = [e["detail"] for e in run["events"] if e["kind"] == "lock-wait-end"]
        # The holder keeps each lock 0.3 s after it says so; 0.1 s leaves room for
        # a slow start of the waiting side on a loaded machine.
        assert all(d["acquired"] and d["waited_s"] >= 0.1 for d in ends), (method, ends)
        assert not [e for e in run["events"] if e["kind"] == "lock-wait"], method


def test_short_lock_waits_are_not_reported_nor_counted() -> None:
    # A wait under 1 ms is the lock changing hands: anything done for it runs while
    # the script holds the lock it just took, lengthening the critical section the
    # tool measures. Two processes x 20,000 acquires of one lock wait many times.
    method = start_methods()[0]
    run = traced("locks_short_waits.py", method)[method]
    assert run["outcome"] == "ok" and printed(run) == ["done"]
    waits = [e for e in run["events"] if e["kind"].startswith("lock-wait")]
    # Only a wait of 1 ms or more is a span (a process descheduled while holding
    # the lock on a loaded machine): never an instant, never a summary.
    assert all(e["kind"] in ("lock-wait-start", "lock-wait-end") for e in waits), waits[:3]
    assert not [e for e in waits if "summarised" in e["detail"]]
    ends = [e["detail"] for e in waits if e["kind"] == "lock-wait-end"]
    assert all(d["waited_s"] >= 0.001 for d in ends), ends


def test_rlocks_made_before_gevents_patch_all_leave_it_as_it_is_bare() -> None:
    # patch_all walks gc.get_objects() for the held locks of type(threading.RLock())
    # and fails on one of that type without _owner: traced RLocks must not be it.
    # Made directly, by a Condition and by logging, one held across patch_all.
    script = "rlocks_before_gevent.py"
    done = subprocess.run(
        [sys.executable, str(SCRIPTS / script)],
        cwd=SCRIPTS,
        capture_output=True,
        text=True,
        timeout=OK_TIMEOUT_S,
        env={k: v for k, v in os.environ.items() if not k.startswith("CONCDEMO_")},
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert "a new RLock: _RLock" in done.stdout.splitlines()  # gevent's, as it makes them
    method = start_methods()[0]
    run = traced(script, method)[method]
    assert run["outcome"] == "ok"
    assert printed(run) == done.stdout.splitlines()
    assert printed(run, "stderr") == []
    assert not [e for e in run["events"] if e["kind"].startswith("lock-wait")]


def test_tracebacks_print_as_they_do_bare_without_the_tracers_frames() -> None:
    # Caught and printed (traceback.print_exc), sent back from a pool worker, and
    # uncaught: each passes through a wrapper of ours, and none of them shows it.
    import multiprocessing

    script = SCRIPTS / "tracebacks.py"
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=SCRIPTS,
        capture_output=True,
        text=True,
        timeout=OK_TIMEOUT_S,
        env={k: v for k, v in os.environ.items() if not k.startswith("CONCDEMO_")},
    )
    method = multiprocessing.get_start_method()  # what the bare run used
    run = traced("tracebacks.py", method)[method]
    assert run["outcome"] == "error" and done.returncode == 1
    assert printed(run, "stderr") == done.stderr.splitlines()
    assert "concdemo" not in done.stderr  # the bare run is the reference, not a traced one


def exit_codes(run: dict[str, Any]) -> dict[str, int | None]:
    return {p["name"]: p["exitcode"] for p in run["processes"]}


def test_childrens_failures_are_facts_of_a_script_that_exits_0() -> None:
    """Children that exit 1, raise, or are terminated: the script, which exits 0,
    ends ok as bare; each child has its real exit code (-15: what join saw) and a
    sentence of its own, and none is the run's error."""
    for where, run in ok_as_bare("children_fail.py"):
        assert run["as_expected"] and run["error"] is None, where
        assert exit_codes(run) == {"MainProcess": 0, "exits": 1, "raises": 1, "waits": -15}, where
        went_on = "; the script went on and exited 0."
        assert run["explanation"][0] == "The run ended ok, as this script expects.", where
        assert sorted(run["explanation"][1:]) == [
            "exits ended with exit code 1" + went_on,
            "raises ended with RuntimeError (child gave up) and exit code 1" + went_on,
            "waits was killed by signal 15 (SIGTERM)" + went_on,
        ], where


def test_a_child_killed_right_after_start_gets_its_lane_from_its_parent() -> None:
    """Killed (SIGKILL) before its tracer could send anything, the child is still a
    process of the run, with the exit code its parent's join saw, in a lane of its own."""
    for where, run in ok_as_bare("child_killed_at_start.py"):
        assert exit_codes(run) == {"MainProcess": 0, "doomed": -9}, where
        main = next(p["pid"] for p in run["processes"] if p["name"] == "MainProcess")
        lane = [(e["kind"], e["detail"]) for e in run["events"] if e["process"] == "doomed"]
        if run["start_method"] == "fork":
            # A forked child may send its process-start before the kill lands.
            assert lane and lane[0][0] in ("process-start", "process-end"), where
        else:  # a spawned child takes far longer to start than the kill to land
            assert lane == [("process-end", {"exitcode": -9, "seen_by": main})], where
        assert run["explanation"][1:] == [
            "doomed was killed by signal 9 (SIGKILL); the script went on and exited 0."
        ], where


def test_an_unguarded_scripts_spawned_child_fails_and_is_said_to() -> None:
    """Without a __main__ guard, a spawned child dies with multiprocessing's
    bootstrapping RuntimeError (exit 1) while the script exits 0; under fork the
    child runs. Both as bare, and the child's exit code and error are said."""
    for where, run in ok_as_bare("unguarded.py"):
        child = {"fork": 0, "spawn": 1, "forkserver": 1}[run["start_method"]]
        assert exit_codes(run) == {"MainProcess": 0, "Process-1": child}, where
        assert run["as_expected"] and run["error"] is None, where
        said = run["explanation"][1:]
        if child == 0:
            assert said == [], where
        else:
            assert said == [
                "Process-1 ended with RuntimeError (An attempt has been made to start a new "
                "process before the current process has finished its bootstrapping phase.) "
                "and exit code 1; the script went on and exited 0."
            ], where


def test_gevent_threadpool_workers_are_lanes_with_their_sleeps() -> None:
    """gevent's ThreadPool starts real threads with its own start_new_thread, not
    as threading.Thread: each is a lane, and time.sleep handed to it (gevent's
    examples/threadpool.py) is a sleep span there."""
    method = start_methods()[0]
    run = traced("gevent_threadpool.py", method)[method]
    outcome, lines = bare("gevent_threadpool.py", None)
    assert (run["outcome"], outcome) == ("ok", "ok")
    assert printed(run) == lines == ["slept together: True"]
    lanes: dict[str, list[str]] = collections.defaultdict(list)
    for event in run["events"]:
        lanes[event["task"]].append(event["kind"])
    workers = sorted(t for t in lanes if t.startswith("ThreadPoolWorker-"))
    assert workers == ["ThreadPoolWorker-1", "ThreadPoolWorker-2"]
    for worker in workers:  # (idle workers still wait for work when the script exits)
        assert lanes[worker][:3] == ["thread-start", "sleep-start", "sleep-end"], worker


def test_children_gevent_reaps_itself_have_their_real_exit_codes() -> None:
    """gevent's subprocess under monkey-patching (gevent's examples/processes.py):
    its loop reaps the children in C, so no waitpid sees them. Each is still a
    process of the run with its real exit code: a shell's 3 (no tracer of its
    own), a traced Python's 5 (its own end says nothing of it), a kill's -9."""
    method = start_methods()[0]
    run = traced("gevent_children.py", method)[method]
    outcome, lines = bare("gevent_children.py", None)
    assert (run["outcome"], outcome) == ("ok", "ok")
    assert printed(run) == lines == ["exit codes 3 5 -9"]
    main = next(e["pid"] for e in run["events"] if e["kind"] == "stdout")  # the script
    children = [p["exitcode"] for p in run["processes"] if p["pid"] != main]
    assert sorted(children, key=str) == [-9, 3, 5]


def test_a_sleep_handed_to_any_thread_as_its_task_is_shown_in_that_thread() -> None:
    """time.sleep itself as a Thread's target, a ThreadPoolExecutor's or a
    multiprocessing ThreadPool's task, or a bare _thread's: the library calls it,
    but on the script's behalf, so each is a sleep in the thread that ran it."""
    method = start_methods()[0]
    run = traced("thread_pools.py", method)[method]
    outcome, lines = bare("thread_pools.py", None)
    assert (run["outcome"], outcome) == ("ok", "ok")
    assert printed(run) == lines
    sleeps = [e["task"] for e in run["events"] if e["kind"] == "sleep-start"]
    assert sleeps[:3] == ["target", "executor_0", "Thread-1 (worker)"]
    assert len(sleeps) == 4 and sleeps[3].startswith("Dummy-")  # threading's name for it


def test_pool_workers_its_with_block_terminated_are_said_to_be_stopped_not_failed() -> None:
    """Leaving `with Pool(...)` terminates the workers: each one still alive then
    has its real exit code, -15, and they are named together as stopped by their
    pool, not as failures the script went on past."""
    for where, run in ok_as_bare("pool_with.py"):
        workers = [p for p in run["processes"] if p["name"] != "MainProcess"]
        assert len(workers) == 2 and {p["exitcode"] for p in workers} <= {0, -15}, where
        stopped = [p["name"] for p in workers if p["exitcode"] == -15]
        # (Under fork both, nearly always; a worker that had already taken its
        # sentinel and left, as both often do under forkserver, ended 0 and is not named.)
        said = "Stopped by their pool's terminate() (SIGTERM), not by an error of their own: "
        assert run["explanation"][1:] == ([said + ", ".join(stopped) + "."] if stopped else []), (
            where
        )


def test_a_worker_the_script_killed_is_not_said_to_be_stopped_by_its_pool() -> None:
    """The broken executor terminates its workers, the one the script already killed
    by SIGHUP too: that one died of the script's signal, and no sentence may say its
    executor stopped it."""
    for where, run in ok_as_bare("pool_worker_killed_by_script.py"):
        workers = [p for p in run["processes"] if p["name"] != "MainProcess"]
        assert [p["exitcode"] for p in workers] == [-signal.SIGHUP], where
        said = " ".join(run["explanation"])
        assert "Stopped by" not in said and "SIGHUP" in said, (where, said)


# A pool worker's SIGTERM handler (it sends the worker's tallies) runs only when the
# interpreter gets back to Python code. Here the signal is taken by another thread,
# as one that arrives just before an untimed wait begins: the wait is never
# interrupted. An untimed wait never ended (the script hung in the pool's join, 1
# run in 15 to 30 of big_map.py on 3.12); the timed loop's next timeout lets the
# handler run, which ends the process with status 7.
_TRIPPED_BEFORE_THE_WAIT = """
import ctypes, multiprocessing, os, signal, sys, threading, time
from concdemo.tracer.mp import _wait_interruptibly
signal.signal(signal.SIGTERM, lambda signum, frame: os._exit(7))
threading.Thread(target=time.sleep, args=(60,), daemon=True).start()  # takes the signal
blocked = (ctypes.c_ulong * 16)()
blocked[0] = 1 << (signal.SIGTERM - 1)
ctypes.CDLL(None).pthread_sigmask(0, ctypes.byref(blocked), None)  # SIG_BLOCK, this thread
threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGTERM)).start()
if sys.argv[1] == "lock":
    lock = multiprocessing.Lock()
    lock.acquire()  # held: the next acquire waits
    _wait_interruptibly(lock._semlock.acquire, True)
else:
    reader, writer = multiprocessing.Pipe(duplex=False)  # nothing is ever sent
    _wait_interruptibly(reader.poll)
"""


def test_a_pool_workers_waits_let_a_sigterm_handler_run_that_no_wait_noticed() -> None:
    stuck = []
    for wait in ("lock", "poll"):
        # (SIGKILL on timeout: the process takes SIGTERM on another thread, unheeded)
        done = subprocess.Popen([sys.executable, "-c", _TRIPPED_BEFORE_THE_WAIT, wait])
        try:
            code = done.wait(timeout=20)  # the loop looks every 0.05 s: 20 s is margin
        except subprocess.TimeoutExpired:
            done.kill()
            done.wait()
            code = None
        if code != 7:
            stuck.append(f"{wait}: exit {code}")
    assert not stuck, stuck
