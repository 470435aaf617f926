"""The queue, manager and pool scenarios, run end to end through the real CLI.

Each group of variants runs once per module (``concdemo run ... --start-method
all --json`` in a subprocess, as a user would) and the tests read the recorded
runs: the outcome the article's claim predicts for each start method, and the
order of the events that shows it. Timing is asserted only with generous bounds.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from collections import Counter
from typing import Any

import pytest

AVAILABLE = multiprocessing.get_all_start_methods()
METHODS = [m for m in ("fork", "spawn", "forkserver") if m in AVAILABLE]

Run = dict[str, Any]
Runs = dict[tuple[str, str], Run]  # keyed by (variant, start method)


def run_cli(scenario: str, *args: str, timeout: float = 240) -> Runs:
    """``concdemo run SCENARIO ARGS --json``; the runs keyed by (variant, start method)."""
    # The installed CLI, as a user runs it; no leftovers from an outer concdemo run.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONCDEMO_")}
    result = subprocess.run(
        [sys.executable, "-m", "concdemo", "run", scenario, *args, "--json"],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert result.stdout.strip(), f"no JSON on stdout; stderr:\n{result.stderr}"
    doc = json.loads(result.stdout)
    assert doc["schema"] == "concdemo/run-1"
    return {(r["variant"], r["start_method"]): r for r in doc["runs"]}


def events(run: Run, kind: str, process: str | None = None) -> list[dict[str, Any]]:
    return [
        e
        for e in run["events"]
        if e["kind"] == kind and (process is None or e["process"] == process)
    ]


def first(run: Run, kind: str, **detail: Any) -> dict[str, Any]:
    for e in run["events"]:
        if e["kind"] == kind and all(e["detail"].get(k) == v for k, v in detail.items()):
            return e
    kinds = [e["kind"] for e in run["events"]]
    raise AssertionError(f"no {kind} event with {detail}; kinds: {kinds}")


def failed_checks(run: Run) -> list[dict[str, Any]]:
    return [e["detail"] for e in events(run, "check") if not e["detail"]["ok"]]


def assert_as_expected(run: Run, outcome: str) -> None:
    assert run["outcome"] == outcome, (run["outcome"], run["error"], run["stderr"])
    assert run["expected"] == outcome
    assert not failed_checks(run)
    assert run["as_expected"], run["error"]


def task_spans(run: Run) -> list[tuple[float, float, int]]:
    """(start t, end t, pid) of every finished pool task."""
    starts = {(e["pid"], e["detail"]["n"]): e["t"] for e in events(run, "task-start")}
    return sorted(
        (starts[(e["pid"], e["detail"]["n"])], e["t"], e["pid"]) for e in events(run, "task-end")
    )


def most_at_once(spans: list[tuple[float, float, int]]) -> int:
    edges = sorted([(s, 1) for s, _, _ in spans] + [(e, -1) for _, e, _ in spans])
    busy = peak = 0
    for _, step in edges:  # an end sorts before a start at the same instant
        busy += step
        peak = max(peak, busy)
    return peak


# --- queue -------------------------------------------------------------------

QUEUE_EXPECTED = {
    "global-queue": {"fork": "ok", "spawn": "hang", "forkserver": "hang"},
    "main-guard-queue": {"fork": "ok", "spawn": "hang", "forkserver": "hang"},
    "passed-queue": {"fork": "ok", "spawn": "ok", "forkserver": "ok"},
    "put-timeout": {"fork": "ok", "spawn": "ok", "forkserver": "ok"},
    "get-timeout": {"fork": "ok", "spawn": "ok", "forkserver": "ok"},
    "stale-size": {"fork": "ok", "spawn": "ok", "forkserver": "ok"},
    "close": {"fork": "ok", "spawn": "ok", "forkserver": "ok"},
    "join-deadlock": {"fork": "hang", "spawn": "hang", "forkserver": "hang"},
}


@pytest.fixture(scope="module")
def queue_runs() -> Runs:
    return run_cli("queue", "--variant", "all", "--start-method", "all")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("variant", list(QUEUE_EXPECTED))
def test_queue_outcomes(queue_runs: Runs, variant: str, method: str) -> None:
    assert_as_expected(queue_runs[(variant, method)], QUEUE_EXPECTED[variant][method])


@pytest.mark.parametrize("method", METHODS)
def test_global_queue_is_shared_only_under_fork(queue_runs: Runs, method: str) -> None:
    run = queue_runs[("global-queue", method)]
    created = events(run, "module-level Queue() created")
    put = first(run, "put")
    assert put["process"] != "MainProcess"
    said = [s for s in run["explanation"] if s.startswith("The module-level line")]
    if method == "fork":
        assert len(created) == 1  # only the parent ran the module
        assert said and said[0].startswith("The module-level line q = Queue() ran in 1 process: ")
        got = first(run, "get")
        assert got["detail"]["item"] == [11, "hello", True]
        assert put["t"] <= got["t"]
    else:
        # The parent and one re-import (the child's, or the fork server's) made a queue each.
        assert len(created) == 2
        assert said and said[0].startswith("The module-level line q = Queue() ran in 2 processes: ")
        assert {e["detail"]["module"] for e in created} == {"__main__", "__mp_main__"}
        assert not events(run, "get")
        main_stack = [s for s in run["stacks"] if s["process"] == "MainProcess"]
        assert main_stack and main_stack[0]["blocked_in"]["function"] == "get"


@pytest.mark.parametrize("method", METHODS)
def test_main_guard_queue_child_name_error(queue_runs: Runs, method: str) -> None:
    run = queue_runs[("main-guard-queue", method)]
    errors = events(run, "error")
    if method == "fork":
        assert not errors
        assert first(run, "get")["detail"]["item"] == [11, "hello", True]
    else:
        assert [e["detail"]["type"] for e in errors] == ["NameError"]
        assert errors[0]["process"] != "MainProcess"
        assert "'q' is not defined" in errors[0]["detail"]["message"]
        assert not events(run, "put") and not events(run, "get")


@pytest.mark.parametrize("method", METHODS)
def test_passed_queue_module_code_reruns_in_children(queue_runs: Runs, method: str) -> None:
    run = queue_runs[("passed-queue", method)]
    ran = events(run, "module-level code ran")
    assert len(ran) == (1 if method == "fork" else 2)
    assert ran[0]["process"] == "MainProcess"
    assert first(run, "get")["detail"]["item"] == [11, "hello", True]
    assert first(run, "put")["t"] <= first(run, "get")["t"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    ("variant", "exception"), [("put-timeout", "Full"), ("get-timeout", "Empty")]
)
def test_timeouts_raise_then_blocking_call_goes_through(
    queue_runs: Runs, method: str, variant: str, exception: str
) -> None:
    run = queue_runs[(variant, method)]
    raised = events(run, "raised")
    assert [e["detail"]["type"] for e in raised] == [exception] * 3
    waited = next(e for e in events(run, "check") if e["detail"]["what"].startswith("it gave up"))
    assert 0.15 <= waited["detail"]["waited_s"] < 1.5  # the 0.2 s default timeout
    # The last blocked call completes only once the other process acted.
    other = events(run, "get" if variant == "put-timeout" else "put")
    assert other and other[-1]["process"] != "MainProcess"
    mine = [e for e in events(run, "put" if variant == "put-timeout" else "get", "MainProcess")]
    assert raised[-1]["t"] < mine[-1]["t"]


@pytest.mark.parametrize("method", METHODS)
def test_stale_size_one_consumer_acts_on_a_stale_answer(queue_runs: Runs, method: str) -> None:
    run = queue_runs[("stale-size", method)]
    answers = events(run, "empty()")
    assert [e["detail"]["answer"] for e in answers] == [False, False]
    assert len({e["pid"] for e in answers}) == 2
    got, stale = events(run, "get"), events(run, "stale")
    assert len(got) == 1 and len(stale) == 1
    assert got[0]["pid"] != stale[0]["pid"]
    assert max(e["t"] for e in answers) <= got[0]["t"] < stale[0]["t"]


@pytest.mark.parametrize("method", METHODS)
def test_close_sends_no_end_of_data(queue_runs: Runs, method: str) -> None:
    run = queue_runs[("close", method)]
    closed_by_producer = first(run, "close", by="producer")
    gone = first(run, "producer gone")
    empty = first(run, "raised", type="Empty")
    closed_by_parent = first(run, "close", by="parent")
    refused = first(run, "raised", type="ValueError")
    assert closed_by_producer["process"] != "MainProcess"
    assert closed_by_producer["t"] <= gone["t"] < empty["t"]
    assert empty["t"] <= closed_by_parent["t"] <= refused["t"]
    assert empty["t"] - gone["t"] >= 0.15  # get() waited out its timeout
    assert "is closed" in refused["detail"]["message"]


@pytest.mark.parametrize("method", METHODS)
def test_join_deadlock_parent_blocked_in_join(queue_runs: Runs, method: str) -> None:
    run = queue_runs[("join-deadlock", method)]
    assert first(run, "put")["process"] != "MainProcess"
    assert not events(run, "join") and not events(run, "get")
    main_stack = [s for s in run["stacks"] if s["process"] == "MainProcess"]
    assert main_stack and main_stack[0]["blocked_in"]["function"] == "join"


@pytest.mark.parametrize("method", METHODS)
def test_join_deadlock_fixed_order_ends(method: str) -> None:
    runs = run_cli(
        "queue", "--variant", "join-deadlock", "--start-method", method, "--param", "fixed=true"
    )
    run = runs[("join-deadlock", method)]
    # The variant's EXPECT describes the broken order, so this run is ok but "not as expected".
    assert run["outcome"] == "ok"
    assert not failed_checks(run)
    assert first(run, "get")["t"] <= first(run, "join")["t"]
    assert first(run, "join")["detail"]["exitcode"] == 0


# --- manager -----------------------------------------------------------------


@pytest.fixture(scope="module")
def manager_runs() -> Runs:
    return run_cli("manager", "--variant", "all", "--start-method", "all")


@pytest.mark.parametrize("method", METHODS)
def test_manager_list_and_dict(manager_runs: Runs, method: str) -> None:
    run = manager_runs[("list", method)]
    assert_as_expected(run, "ok")
    appends = events(run, "append")
    assert sorted(e["detail"]["value"] for e in appends) == [1, 1, 4, 27, 256]
    assert len({e["pid"] for e in appends}) == 5
    result = first(run, "result")
    assert result["detail"]["list"][:3] == [11, 22, 33]
    assert sorted(result["detail"]["list"]) == [1, 1, 4, 11, 22, 27, 33, 256]
    assert max(e["t"] for e in appends) <= result["t"]

    run = manager_runs[("dict", method)]
    assert_as_expected(run, "ok")
    shared = first(run, "result")["detail"]["dict"]
    assert shared == {"name": "bob", "0": "a", "1": "a", "2": "a", "3": "a", "4": "a"}  # JSON keys


@pytest.mark.parametrize("method", METHODS)
def test_manager_no_join_children_fail(manager_runs: Runs, method: str) -> None:
    run = manager_runs[("no-join", method)]
    assert_as_expected(run, "error")
    errors = events(run, "error")
    assert len(errors) == 5 and all(e["process"] != "MainProcess" for e in errors)
    assert not events(run, "append")
    result = first(run, "result")
    assert result["detail"]["list"] == [11, 22, 33]  # printed before any child appended
    assert result["t"] < min(e["t"] for e in errors)


def test_manager_no_join_fixed_joins_first() -> None:
    method = METHODS[0]
    run = run_cli(
        "manager", "--variant", "no-join", "--start-method", method, "--param", "fixed=true"
    )[("no-join", method)]
    assert run["outcome"] == "ok"  # the variant expects "error": its EXPECT is the broken story
    assert not events(run, "error")
    assert len(events(run, "append")) == 5
    assert max(e["t"] for e in events(run, "append")) <= first(run, "result")["t"]


@pytest.mark.parametrize("method", METHODS)
def test_manager_race_loses_updates_without_lock(manager_runs: Runs, method: str) -> None:
    run = manager_runs[("race", method)]
    assert_as_expected(run, "ok")
    unlocked, locked = events(run, "count")
    assert unlocked["detail"]["lost"] > 0
    assert locked["detail"]["lost"] == 0
    assert first(run, "cost of one `value += 1`")["detail"]["ratio"] >= 10
    names = [p["name"] for p in run["phases"]]
    assert names == [
        "without a lock",
        "with a manager Lock",
        "proxy operations",
        "local operations",
    ]


# --- pool --------------------------------------------------------------------

TASKS, WORKERS, DELAY = 10, 5, 0.1


@pytest.fixture(scope="module")
def pool_timing_runs() -> Runs:
    return run_cli(
        "pool",
        "--variant",
        "apply",
        "--variant",
        "apply_async",
        "--start-method",
        "all",
        "--param",
        f"tasks={TASKS}",
        "--param",
        f"workers={WORKERS}",
        "--param",
        f"delay={DELAY}",
    )


@pytest.mark.parametrize("method", METHODS)
def test_pool_apply_is_serial_apply_async_concurrent(pool_timing_runs: Runs, method: str) -> None:
    apply = pool_timing_runs[("apply", method)]
    apply_async = pool_timing_runs[("apply_async", method)]
    assert_as_expected(apply, "ok")
    assert_as_expected(apply_async, "ok")

    serial = task_spans(apply)
    assert len(serial) == TASKS
    assert most_at_once(serial) == 1  # one task at a time, end to end
    assert sorted(e["detail"]["n"] for e in events(apply, "task-start")) == list(range(TASKS))

    concurrent = task_spans(apply_async)
    assert len(concurrent) == TASKS
    assert 2 <= most_at_once(concurrent) <= WORKERS
    assert len({pid for _, _, pid in concurrent}) >= 2  # several workers took tasks

    (apply_phase,) = apply["phases"]
    (async_phase,) = apply_async["phases"]
    assert apply_phase["name"] == "apply" and async_phase["name"] == "apply_async"
    assert apply_phase["theory_s"] == pytest.approx(TASKS * DELAY)
    assert async_phase["theory_s"] == pytest.approx(-(-TASKS // WORKERS) * DELAY)
    assert apply_phase["seconds"] >= 0.95 * TASKS * DELAY
    assert async_phase["seconds"] < 0.6 * apply_phase["seconds"]


@pytest.fixture(scope="module")
def pool_api_runs() -> Runs:
    variants = ["join-before-close", "async-result", "callback", "terminate"]
    return run_cli(
        "pool",
        *(arg for v in variants for arg in ("--variant", v)),
        "--start-method",
        "all",
        "--param",
        "tasks=12",
        "--param",
        "workers=3",
        "--param",
        "delay=0.05",
    )


@pytest.mark.parametrize("method", METHODS)
def test_pool_join_before_close(pool_api_runs: Runs, method: str) -> None:
    run = pool_api_runs[("join-before-close", method)]
    assert_as_expected(run, "ok")
    raised = first(run, "raised", type="ValueError")
    assert raised["detail"]["message"] == "Pool is still running"
    assert len(events(run, "task-end")) == 12  # close() + join() still ran every task
    assert max(e["t"] for e in events(run, "task-end")) <= first(run, "ending")["t"]


@pytest.mark.parametrize("method", METHODS)
def test_pool_async_result(pool_api_runs: Runs, method: str) -> None:
    run = pool_api_runs[("async-result", method)]
    assert_as_expected(run, "ok")
    raised = events(run, "raised")
    assert [e["detail"]["type"] for e in raised] == ["ValueError", "TimeoutError", "ValueError"]
    assert "not ready" in raised[0]["detail"]["message"]
    assert raised[2]["detail"]["message"] == "task 13 went wrong"
    slow_end = first(run, "task-end", n=7)
    assert raised[1]["t"] < slow_end["t"] <= first(run, "ready")["t"]
    assert first(run, "task-end", n=13)["detail"]["error"] == "ValueError: task 13 went wrong"


@pytest.mark.parametrize("method", METHODS)
def test_pool_blocking_callback_serialises_results(pool_api_runs: Runs, method: str) -> None:
    run = pool_api_runs[("callback", method)]
    assert_as_expected(run, "ok")
    starts = events(run, "callback-start")
    ends = events(run, "callback-end")
    assert len(starts) == len(ends) == 12
    assert {e["process"] for e in starts} == {"MainProcess"}
    assert len({e["task"] for e in starts}) == 1 and starts[0]["task"] != "MainThread"
    spans = [(s["t"], e["t"], 0) for s, e in zip(starts, ends, strict=True)]
    assert most_at_once(spans) == 1  # one callback at a time
    # The workers were done long before the last result had been handled.
    last_task_end = max(e["t"] for e in events(run, "task-end"))
    assert ends[-1]["t"] - last_task_end >= 0.2


@pytest.mark.parametrize("method", METHODS)
def test_pool_terminate_cuts_off_tasks(pool_api_runs: Runs, method: str) -> None:
    run = pool_api_runs[("terminate", method)]
    assert_as_expected(run, "ok")
    terminated = first(run, "terminated")
    assert 1 <= terminated["detail"]["finished"] < 12
    started = Counter(e["detail"]["n"] for e in events(run, "task-start"))
    assert len(started) < 12  # queued tasks never started
    assert all(e["t"] <= terminated["t"] for e in events(run, "task-end"))


@pytest.mark.slow
def test_pool_cpu_sweep_phases() -> None:
    # One start method only: the sweep takes a few seconds, and its speedups
    # depend on how busy the machine is, so only the shape is asserted here.
    method = METHODS[0]
    run = run_cli("pool", "--variant", "cpu-sweep", "--start-method", method)[("cpu-sweep", method)]
    assert run["outcome"] == "ok", run["error"]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    names = [p["name"] for p in run["phases"]]
    assert names[0] == "1 worker" and names[-1] == f"{min(2 * cores, 48)} workers"
    assert run["phases"][0]["theory_s"] is None
    assert all(p["theory_s"] for p in run["phases"][1:])
    assert len(events(run, "speedup")) == len(names) - 1
