"""asyncio in an unmodified script (tracer/aio.py): a lane per Task, each await
that waited as a span of what it waited for, create_task and Queue links, the
steps that held the loop, and how each task ended; every script's traced output
is its bare output."""

from __future__ import annotations

import collections
import sys
from typing import Any

import pytest
from test_tracer import SCRIPTS, bare, printed, traced

from conftest import start_methods

# A sleep's span runs from the end of the step that began it to the start of the
# step it woke: never shorter than the sleep by more than that step's tail (20 ms
# of margin below). asyncio's timers wake a task within a few ms of its deadline
# on a quiet machine, but this 2-core machine at load average 6 was seen to wake
# one 20.01 ms late (0.220 s for sleep(0.2), 1 run in 13), hence 50 ms above.
EARLY_S = 0.020
LATE_S = 0.050


def run_as_bare(script: str) -> dict[str, Any]:
    """The traced run, once found to end ok printing what the bare run prints."""
    method = start_methods()[0]
    run = traced(script, method)[method]
    outcome, lines = bare(script, None)
    assert (run["outcome"], outcome) == ("ok", "ok"), script
    assert printed(run) == lines, script
    return run


def task_lanes(run: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The events of each asyncio task's lane (``Thread/Task-N coroutine()``)."""
    lanes: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for event in run["events"]:
        if event["task"].startswith("MainThread/"):
            lanes[event["task"]].append(event)
    return lanes


def awaits(events: list[dict[str, Any]]) -> list[tuple[str, float]]:
    """(what it waited for, how long) of each await span in one lane."""
    found = []
    for start, end in zip(
        [e for e in events if e["kind"] == "await-start"],
        [e for e in events if e["kind"] == "await-end"],
        strict=True,
    ):
        found.append((start["detail"]["on"], end["t"] - start["t"]))
    return found


def test_gather_of_three_sleeps_shows_three_task_lanes_each_with_its_sleep() -> None:
    run = run_as_bare("asyncio_gather.py")
    lanes = task_lanes(run)
    fetches = {lane: events for lane, events in lanes.items() if lane.endswith(" fetch()")}
    assert len(fetches) == 3, sorted(lanes)
    slept = sorted(awaits(events)[0] for events in fetches.values())
    assert [on for on, _ in slept] == [
        "asyncio.sleep(0.1)",
        "asyncio.sleep(0.2)",
        "asyncio.sleep(0.3)",
    ]
    for on, seconds in slept:
        expected = float(on.removeprefix("asyncio.sleep(").removesuffix(")"))
        assert expected - EARLY_S <= seconds <= expected + LATE_S, (on, seconds)
    # main() waited on the gather of the three, about as long as the longest
    (main,) = [events for lane, events in lanes.items() if lane.endswith(" main()")]
    assert [on for on, _ in awaits(main)] == ["gather(3)"]
    # create_task in main's lane -> the first step of each fetch, exactly
    creations = {e["link"]: e for e in run["events"] if e["kind"] == "create_task"}
    for events in fetches.values():
        first = events[0]
        assert first["kind"] == "first-step" and first["detail"]["coro"] == "fetch"
        creation = creations[first["link"]]
        assert creation["detail"]["coro"] == "fetch"
        assert creation["task"] == "MainThread/Task-1 main()"
        assert events[-1]["kind"] == "task-done"
        assert events[-1]["detail"]["outcome"] == "returned"


def test_queue_every_get_is_linked_to_the_put_of_its_item() -> None:
    run = run_as_bare("asyncio_queue.py")
    puts = [e for e in run["events"] if e["kind"] == "put"]
    gets = [e for e in run["events"] if e["kind"] == "get"]
    assert len(puts) == len(gets) == 8  # six numbers, a None for each consumer
    by_link = {e["link"]: e for e in puts}
    assert len(by_link) == 8
    for get in gets:
        put = by_link[get["link"]]  # a KeyError: a get without its put's link
        assert put["detail"]["item"] == get["detail"]["item"]
        assert put["task"].endswith(" producer()")
        assert get["task"].endswith(" consumer()")
    assert {e["link"] for e in gets} == set(by_link)
    # each consumer waited on the queue at least once, in its own lane
    lanes = task_lanes(run)
    consumers = [events for lane, events in lanes.items() if lane.endswith(" consumer()")]
    assert len(consumers) == 2
    for events in consumers:
        assert "Queue.get" in [on for on, _ in awaits(events)]


def test_a_blocking_sleep_in_a_coroutine_is_one_loop_block_naming_it() -> None:
    run = run_as_bare("asyncio_blocking.py")
    source = (SCRIPTS / "asyncio_blocking.py").read_text().splitlines()
    sleep_line = next(n for n, text in enumerate(source, 1) if "time.sleep(0.3)" in text)
    # Long ones only: a step of a few ms more than usual on a loaded machine is
    # also >= 20 ms, but never 100 ms.
    blocks = [
        e for e in run["events"] if e["kind"] == "loop-blocked" and e["detail"]["held_s"] >= 0.1
    ]
    assert len(blocks) == 1, blocks
    (block,) = blocks
    assert block["detail"]["held_s"] >= 0.28  # time.sleep(0.3), 20 ms of margin below
    assert block["task"].endswith(" fetch()")
    # where the step ended: the await right after the blocking call
    assert block["detail"]["coro"] == "fetch"
    assert (block["detail"]["file"], block["detail"]["line"]) == (
        "asyncio_blocking.py",
        sleep_line + 1,
    )
    # the ticker's sleep(0.05), due during the block, woke when it ended: late by
    # about 0.3 - 0.05 s less the time it had already slept (0.05 s of margin)
    (ticker_late,) = [
        e["detail"]["late_s"]
        for e in run["events"]
        if e["kind"] == "await-end" and "late_s" in e["detail"] and e["task"].endswith("ticker()")
    ]
    assert ticker_late >= 0.2
    explained = " ".join(run["explanation"])
    assert "The asyncio loop was blocked 1 time(s)" in explained
    assert f"by fetch() at asyncio_blocking.py:{sleep_line + 1} (time.sleep)" in explained
    assert "Sleeps that woke late because of it: ticker() +" in explained


def test_a_cancelled_task_ends_cancelled_and_a_failing_one_raised() -> None:
    run = run_as_bare("asyncio_cancel.py")
    ends = {
        lane: events[-1]["detail"]
        for lane, events in task_lanes(run).items()
        if events[-1]["kind"] == "task-done"
    }
    assert ends["MainThread/sleeper sleeper()"] == {"outcome": "cancelled"}
    assert ends["MainThread/failing failing()"] == {
        "outcome": "raised",
        "error": "ValueError",
        "message": "bad input",
    }
    assert ends["MainThread/Task-1 main()"] == {"outcome": "returned"}
    # the sleeper's cleanup printed in its own lane, as it ran in its last step
    lines = [e for e in run["events"] if e["kind"] == "stdout"]
    assert [e["task"] for e in lines if "cleaned up" in e["detail"]["line"]] == [
        "MainThread/sleeper sleeper()"
    ]


@pytest.mark.skipif(sys.version_info < (3, 12), reason="eager tasks are 3.12+")
def test_eager_tasks_stay_eager_and_have_their_lanes() -> None:
    # Bare, the eager task is done as create_task returns ("done: True"): the
    # traced output equals it, so tracing did not make it lazy.
    run = run_as_bare("asyncio_eager.py")
    assert "after create quick, done: True" in printed(run)
    coros = {e["detail"]["coro"]: e for e in run["events"] if e["kind"] == "first-step"}
    assert {"main", "quick", "slow"} <= set(coros)
    creations = {e["link"] for e in run["events"] if e["kind"] == "create_task"}
    assert coros["quick"]["link"] in creations
    lanes = task_lanes(run)
    (slow,) = [events for lane, events in lanes.items() if lane.endswith(" slow()")]
    assert [on for on, _ in awaits(slow)] == ["asyncio.sleep(0.05)"]


def test_two_loops_in_two_threads_each_have_their_task_lanes() -> None:
    run = run_as_bare("asyncio_two_loops.py")
    # each loop's tick() task under the thread that ran that loop
    ticks = sorted(
        e["task"].split("/")[0]
        for e in run["events"]
        if e["kind"] == "first-step" and e["task"].endswith(" tick()")
    )
    assert ticks == ["MainThread", "looper"]
    waits = {e["task"]: e["detail"]["on"] for e in run["events"] if e["kind"] == "await-start"}
    assert {on for lane, on in waits.items() if lane.endswith(" tick()")} == {
        "asyncio.sleep(0.05)",
        "asyncio.sleep(0.1)",
    }


@pytest.mark.skipif(sys.version_info < (3, 11), reason="TaskGroup is 3.11+")
def test_a_failing_task_group_ends_its_tasks_raised_and_cancelled() -> None:
    run = run_as_bare("asyncio_taskgroup.py")
    lanes = task_lanes(run)
    ends = {lane: events[-1]["detail"] for lane, events in lanes.items()}
    assert ends["MainThread/bad bad()"]["outcome"] == "raised"
    assert ends["MainThread/slow slow()"] == {"outcome": "cancelled"}
    assert ends["MainThread/Task-1 main()"] == {"outcome": "returned"}
    assert "TaskGroup" in [on for on, _ in awaits(lanes["MainThread/Task-1 main()"])]


def test_a_queue_handing_over_many_items_is_counted_not_sent_item_by_item() -> None:
    # The volume budget (tracer/budget.py) for asyncio's Queue as for multiprocessing's:
    # past the first occurrences per kind, lane and call site, each put and get is
    # tallied; the counts stay exact. Before, 20,000 items made 40,000 events.
    run = run_as_bare("asyncio_queue_many.py")
    sent = collections.Counter(e["kind"] for e in run["events"] if e["kind"] in ("put", "get"))
    summarised = {s["kind"]: s["calls"] for s in run["summarised"]}
    for kind in ("put", "get"):
        assert sent[kind] + summarised.get(kind, 0) == 20_000, (kind, sent, summarised)
        assert sent[kind] <= 1_000, sent  # 500 kept per key (budget.KEEP); margin 2x
    assert len(run["events"]) < 5_000
