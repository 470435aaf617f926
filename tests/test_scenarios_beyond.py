"""The variants beyond the article (issue 12) end to end: asyncio, async/await, ProcessPoolExecutor.

Each test runs the real CLI in a subprocess (`python -m concdemo run ... --json`)
and reads the events: lanes named after asyncio tasks, strict turns, task spans
in the executor's worker processes under every start method. Timing bounds are
generous (a busy two-core machine); each states its margin.
"""

from __future__ import annotations

import itertools
import math
import sys
from typing import Any

import pytest

from conftest import cli, cli_json, crawler_servers, start_methods, validate

METHODS = start_methods()

Run = dict[str, Any]

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")


def run_cli(scenario: str, *args: str, timeout: float = 240) -> dict[tuple[str, str], Run]:
    """`concdemo run SCENARIO ARGS --json`: every run as expected; keyed by (variant, method)."""
    doc = cli_json("run", scenario, *args, timeout=timeout)
    validate(doc, "run-1")
    for run in doc["runs"]:
        failed = [
            e["detail"] for e in run["events"] if e["kind"] == "check" and not e["detail"]["ok"]
        ]
        assert run["outcome"] == "ok" and run["as_expected"], (run["variant"], run["error"], failed)
    assert doc["_exit"] == 0
    return {(r["variant"], r["start_method"]): r for r in doc["runs"]}


def only(runs: dict[tuple[str, str], Run]) -> Run:
    (run,) = runs.values()
    return run


def spans(run: Run, name: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(start, end) event pairs of one span name, matched per pid and lane."""
    open_: dict[tuple[int, str], list[dict[str, Any]]] = {}
    pairs = []
    for e in run["events"]:
        key = (e["pid"], e["task"])
        if e["kind"] == f"{name}-start":
            open_.setdefault(key, []).append(e)
        elif e["kind"] == f"{name}-end":
            pairs.append((open_[key].pop(), e))
    return pairs


def most_at_once(pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> int:
    edges = sorted([(s["t"], 1) for s, _ in pairs] + [(e["t"], -1) for _, e in pairs])
    busy = peak = 0
    for _, step in edges:  # an end sorts before a start at the same instant
        busy += step
        peak = max(peak, busy)
    return peak


def phase(run: Run, name: str) -> dict[str, Any]:
    return next(p for p in run["phases"] if p["name"] == name)


def phase_window(run: Run, name: str) -> tuple[float, float]:
    """When a phase began and ended, from its span events."""
    start = next(
        e for e in run["events"] if e["kind"] == "phase-start" and e["detail"]["name"] == name
    )
    end = next(
        e
        for e in run["events"]
        if e["kind"] == "phase-end" and e["detail"]["name"] == name and e["t"] >= start["t"]
    )
    return start["t"], end["t"]


def main_pid(run: Run) -> int:
    return next(p["pid"] for p in run["processes"] if p["name"] == "MainProcess")


# --- gevent-crawler --variant asyncio ------------------------------------------------


def test_asyncio_crawler_fetches_every_page_in_its_task_lane_at_once() -> None:
    before = crawler_servers()
    run = only(
        run_cli(
            "gevent-crawler",
            "--variant",
            "asyncio",
            *("--param", "pages=8", "--param", "latency=0.1", "--param", "fail-rate=0.25"),
        )
    )
    assert crawler_servers() <= before, "the local server outlived the run"
    fetches = spans(run, "fetch")
    assert len(fetches) == 8
    # A lane per asyncio task, the tracer's (the variant's TRACE: no probe code
    # names it), all in the one process and thread; the probe's fetch span in it.
    lanes = [f"MainThread/fetch-{n} get_page()" for n in range(1, 9)]
    assert sorted(start["task"] for start, _ in fetches) == sorted(lanes)
    first_steps = [e for e in run["events"] if e["kind"] == "first-step"]
    assert set(lanes) <= {e["task"] for e in first_steps}
    assert all("link" in e for e in first_steps)  # each from its create_task
    assert {start["pid"] for start, _ in fetches} == {main_pid(run)}
    statuses = sorted(end["detail"]["status"] for _, end in fetches)
    assert set(statuses) <= {200, 500} and 500 in statuses  # failures are events, not crashes
    assert all(end["detail"]["bytes"] > 0 for _, end in fetches if end["detail"]["status"] == 200)
    assert most_at_once(fetches) == 8  # every request out before the first answer
    crawl = phase(run, "crawl")
    assert crawl["theory_s"] == pytest.approx(0.1)
    # About the longest latency (0.1 s), far from the sum (0.8 s): 0.3 s of slack for a
    # busy machine still keeps it under half the sum.
    assert 0.095 <= crawl["seconds"] < 0.4


# --- yield --variant async-await -----------------------------------------------------


def test_async_await_producer_and_consumer_take_strict_turns_in_task_lanes() -> None:
    run = only(
        run_cli("yield", "--variant", "async-await", "--param", "items=4", "--param", "delay=0.05")
    )
    # The lanes are the tracer's (the variant's TRACE): each task's, named by the
    # task and its coroutine; the probe's events (the article's lines) are in them.
    producer, consumer = "MainThread/producer produce()", "MainThread/consumer consumer()"
    turns = [
        (e["task"], e["detail"]["n"]) for e in run["events"] if e["kind"] in ("produce", "consume")
    ]
    assert turns == [(who, n) for n in range(1, 5) for who in (producer, consumer)]
    replies = [e["detail"]["msg"] for e in run["events"] if e["kind"] == "return"]
    assert replies == ["[PRODUCER] Consumer return: 200 OK"] * 4
    # The consumer's sleeps are the tracer's await spans; no probe span repeats them.
    assert not [e for e in run["events"] if e["kind"].startswith("sleep-")]
    sleeps = [
        (start, end)
        for start, end in zip(
            [e for e in run["events"] if e["kind"] == "await-start" and e["task"] == consumer],
            [e for e in run["events"] if e["kind"] == "await-end" and e["task"] == consumer],
            strict=True,
        )
        if start["detail"]["on"] == "asyncio.sleep(0.05)"
    ]
    # Each item put and the get that received it are linked (4 items, 4 answers, None).
    puts = {e["link"]: e["task"] for e in run["events"] if e["kind"] == "put"}
    gets = {e["link"]: e["task"] for e in run["events"] if e["kind"] == "get"}
    assert len(puts) == 9 and puts.keys() == gets.keys()
    assert sorted(puts.values()) == sorted([producer] * 5 + [consumer] * 4)
    # Each sleep ends before the producer hears back: the lanes never overlap.
    answers = [e for e in run["events"] if e["kind"] == "return"]
    assert len(sleeps) == 4
    for (_, sleep_end), answer in zip(sleeps, answers, strict=True):
        assert sleep_end["t"] <= answer["t"]
    for (_, first_end), (second_start, _) in itertools.pairwise(sleeps):
        assert second_start["t"] >= first_end["t"]
    seconds = phase(run, "produce and consume")["seconds"]
    assert 0.95 * 0.2 <= seconds < 3 * 0.2  # the sleeps add up; 3× is the busy-machine margin


# --- pool --variant executor-submit / executor-map ---------------------------------------

TASKS, WORKERS, DELAY = 10, 5, 0.1


@pytest.fixture(scope="module")
def executor_runs() -> dict[tuple[str, str], Run]:
    return run_cli(
        "pool",
        *("--variant", "executor-submit", "--variant", "executor-map"),
        *("--start-method", "all"),
        *("--param", f"tasks={TASKS}", "--param", f"workers={WORKERS}"),
        *("--param", f"delay={DELAY}"),
    )


def task_spans(run: Run, window: tuple[float, float] | None = None) -> list[tuple[Any, Any]]:
    found = spans(run, "task")
    if window is None:
        return found
    return [(s, e) for s, e in found if window[0] <= s["t"] and e["t"] <= window[1]]


def test_executor_runs_under_every_start_method(executor_runs: dict[tuple[str, str], Run]) -> None:
    assert sorted(executor_runs) == sorted(
        (v, m) for v in ("executor-submit", "executor-map") for m in METHODS
    )


@pytest.mark.parametrize("method", METHODS)
def test_executor_submit_runs_tasks_in_the_workers_like_apply_async(
    executor_runs: dict[tuple[str, str], Run], method: str
) -> None:
    run = executor_runs[("executor-submit", method)]
    tasks = task_spans(run)
    assert sorted(s["detail"]["n"] for s, _ in tasks) == list(range(TASKS))
    # Task spans come from the worker processes, never the main one.
    assert main_pid(run) not in {s["pid"] for s, _ in tasks}
    assert all(s["process"] != "MainProcess" for s, _ in tasks)
    assert 2 <= most_at_once(tasks) <= WORKERS
    submit = phase(run, "submit")
    theory = math.ceil(TASKS / WORKERS) * DELAY
    assert submit["theory_s"] == pytest.approx(theory)
    # Concurrent like apply_async: at least the rounds, and under 0.6 × one after another
    # (1.0 s), the bound test_scenarios_mp holds apply_async to.
    assert 0.95 * theory <= submit["seconds"] < 0.6 * TASKS * DELAY


@pytest.mark.parametrize("method", METHODS)
def test_executor_map_coarse_chunks_leave_workers_idle(
    executor_runs: dict[tuple[str, str], Run], method: str
) -> None:
    run = executor_runs[("executor-map", method)]
    coarse = math.ceil(TASKS / 2)
    fine_name, coarse_name = "map chunksize=1", f"map chunksize={coarse}"
    assert [p["name"] for p in run["phases"]] == [fine_name, coarse_name]

    fine_tasks = task_spans(run, phase_window(run, fine_name))
    coarse_tasks = task_spans(run, phase_window(run, coarse_name))
    assert len(fine_tasks) == len(coarse_tasks) == TASKS
    assert main_pid(run) not in {s["pid"] for s, _ in fine_tasks + coarse_tasks}
    assert most_at_once(fine_tasks) >= 2
    # Two chunks: two workers at most, each running its chunk's tasks one after another.
    by_worker: dict[int, list[tuple[Any, Any]]] = {}
    for pair in coarse_tasks:
        by_worker.setdefault(pair[0]["pid"], []).append(pair)
    assert len(by_worker) <= 2
    for pairs in by_worker.values():
        assert most_at_once(pairs) == 1
    if len(by_worker) == 2:  # else one worker ran both chunks, one after the other
        assert sorted(len(p) for p in by_worker.values()) == sorted([coarse, TASKS - coarse])

    fine, chunked = phase(run, fine_name), phase(run, coarse_name)
    assert fine["theory_s"] == pytest.approx(math.ceil(TASKS / WORKERS) * DELAY)
    assert chunked["theory_s"] == pytest.approx(coarse * DELAY)
    assert chunked["seconds"] >= 0.95 * coarse * DELAY
    assert fine["seconds"] < chunked["seconds"]


# --- claims shown and verified -----------------------------------------------------------


def test_show_marks_the_claims_beyond_the_article() -> None:
    shown = cli("show", "pool")
    assert shown.returncode == 0, shown.stderr
    assert "X3†" in shown.stdout and "X4†" in shown.stdout and "PL2†" not in shown.stdout
    assert "† beyond the article" in shown.stdout
    detail = cli("show", "yield", "--variant", "async-await", "--lang", "zh")
    assert detail.returncode == 0, detail.stderr
    assert "文章之外" in detail.stdout and "严格轮流" in detail.stdout
    article = cli("show", "yield", "--variant", "producer-consumer")
    assert "The article's claim" in article.stdout and "Beyond the article" not in article.stdout


def test_verify_yield_checks_the_article_and_async_await() -> None:
    doc = cli_json("verify", "yield", timeout=240)
    validate(doc, "verify-1")
    assert doc["_exit"] == 0, [c["problems"] for c in doc["claims"]]
    by_id = {c["id"]: c for c in doc["claims"]}
    assert set(by_id) == {"Y1", "X2"}
    assert by_id["X2"]["holds"] and by_id["X2"]["beyond_article"] is True
    assert by_id["X2"]["variant"] == "async-await"
    assert by_id["Y1"]["beyond_article"] is False
    assert set(by_id["X2"]["results"]) == set(METHODS)
