"""asyncio in an unmodified script (tracer/aio.py): a lane per Task, each await
that waited as a span of what it waited for, create_task and Queue links, the
steps that held the loop, and how each task ended; every script's traced output
is its bare output."""

from __future__ import annotations

import collections
import json
import sys
from typing import Any

import pytest
from test_tracer import SCRIPTS, bare, printed, traced

from conftest import cli, start_methods

# A sleep's span runs from the end of the step that began it to the start of the
# step it woke: never shorter than the sleep by more than that step's tail (20 ms
# of margin below). asyncio's timers wake a task within a few ms of its deadline
# on a quiet machine, but this 2-core machine at load average 6 was seen to wake
# one 20.01 ms late (0.220 s for sleep(0.2), 1 run in 13), hence 50 ms above.
EARLY_S = 0.020
LATE_S = 0.050


def run_as_bare(script: str, method: str | None = None) -> dict[str, Any]:
    """The traced run, once found to end ok printing what the bare run prints
    (with ``method``, both runs under that start method)."""
    run = traced(script, method or start_methods()[0])[method or start_methods()[0]]
    outcome, lines = bare(script, method)
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
    assert "The asyncio loop was blocked 1 time (a step holding it 20 ms or more)" in explained
    assert (
        "by fetch() calling time.sleep, in a step that ended at "
        f"asyncio_blocking.py:{sleep_line + 1}"
    ) in explained
    # which task could not run meanwhile, and by how much (the run's own figure)
    late_ms = round(ticker_late * 1000)
    assert (
        "tasks that were due had to wait: ticker() "
        f"(asyncio.sleep(0.05) woke {late_ms} ms late)."
    ) in explained


def test_each_block_says_which_tasks_it_kept_waiting_and_by_how_much() -> None:
    run = run_as_bare("asyncio_blocking_twice.py")
    # two time.sleep(0.15) in main(): 2 blocks of >= 0.13 s (20 ms of margin);
    # shorter ones are a loaded machine's slow steps
    blocks = [
        e for e in run["events"] if e["kind"] == "loop-blocked" and e["detail"]["held_s"] >= 0.13
    ]
    assert len(blocks) == 2, blocks
    explained = run["explanation"]
    assert any("The asyncio loop was blocked " in s and " times " in s for s in explained)
    told = [s for s in explained if s.startswith("While main() held the loop for ")]
    assert len(told) == 2, explained
    first_step = next(
        e for e in run["events"] if e["kind"] == "first-step" and e["task"].endswith(" worker()")
    )
    (create,) = [
        e
        for e in run["events"]
        if e["kind"] == "create_task" and e.get("link") == first_step["link"]
    ]
    waited_ms = round((first_step["t"] - create["t"]) * 1000)
    assert waited_ms >= 130  # created, then the 0.15 s block before its first step
    assert f"worker() (its first step came {waited_ms} ms after create_task)" in told[0]
    (late,) = [
        e["detail"]["late_s"]
        for e in run["events"]
        if e["kind"] == "await-end" and "late_s" in e["detail"] and e["task"].endswith(" ticker()")
    ]
    assert f"ticker() (asyncio.sleep(0.02) woke {round(late * 1000)} ms late)" in told[1]
    assert "ticker()" not in told[0] and "worker()" not in told[1]


def explain_with(script: str, *options: str, lang: str = "en") -> tuple[dict[str, Any], str]:
    """The run of ``script`` with extra ``run`` options, and its explanation
    (``--json`` keeps English: the Chinese one is read from the plain output)."""
    done = cli("run", str(SCRIPTS / script), *options, "--json")
    assert done.returncode == 0, done.stderr
    (run,) = json.loads(done.stdout)["runs"]
    if lang == "en":
        return run, " ".join(run["explanation"])
    plain = cli("run", str(SCRIPTS / script), *options, "--plain", "--lang", lang)
    # the explanation's box: its lines joined as they were wrapped (no spaces in Chinese)
    boxed = [line.strip(" │") for line in plain.stdout.splitlines() if line.startswith("│")]
    return run, "".join(boxed)


def test_loop_block_ms_sets_the_threshold_and_the_summary_says_it() -> None:
    # time.sleep(0.3) holds the loop 300 ms: under a 500 ms threshold no block
    # at all (nothing else in the script comes near 500 ms)
    run, explained = explain_with("asyncio_blocking.py", "--loop-block-ms", "500")
    assert [e for e in run["events"] if e["kind"] == "loop-blocked"] == []
    assert "loop was blocked" not in explained
    run, explained = explain_with("asyncio_blocking.py", "--loop-block-ms", "150")
    blocks = [e for e in run["events"] if e["kind"] == "loop-blocked"]
    assert len(blocks) == 1 and blocks[0]["detail"]["threshold_ms"] == 150, blocks
    assert "blocked 1 time (a step holding it 150 ms or more)" in explained
    _, chinese = explain_with("asyncio_blocking.py", "--loop-block-ms", "150", lang="zh")
    assert "某一步占用它 150 毫秒或更久" in chinese
    assert "ticker()（asyncio.sleep(0.05) 晚醒" in chinese


@pytest.mark.parametrize("value", ["0", "-5", "nan", "inf"])
def test_a_bad_loop_block_ms_is_a_one_line_usage_error(value: str) -> None:
    done = cli("run", str(SCRIPTS / "asyncio_blocking.py"), f"--loop-block-ms={value}")
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert f"not {value}" in line and "e.g. --loop-block-ms 50" in line
    assert done.stdout == ""


def test_loop_block_ms_is_refused_for_a_scenario() -> None:
    done = cli("run", "yield", "--loop-block-ms", "50")
    assert done.returncode == 2
    assert "--loop-block-ms is for scripts" in done.stderr
    assert done.stdout == ""


def test_a_loop_the_tracer_cannot_patch_is_said_to_be_unseen() -> None:
    run = run_as_bare("asyncio_foreign_loop.py")
    # its main() held it 100 ms with time.sleep: nothing of that loop is seen,
    # and the explanation says so instead of a verdict on its blocks
    assert [e["detail"] for e in run["events"] if e["kind"] == "loop-not-traced"] == [
        {"loop": "__main__.ForeignLoop"}
    ]
    assert not [e for e in run["events"] if e["kind"] in ("loop-blocked", "first-step")]
    explained = " ".join(run["explanation"])
    assert "Tasks ran on a __main__.ForeignLoop event loop, whose machinery the tracer" in explained
    assert "whether that loop was blocked are not seen in this run" in explained
    assert "loop was blocked 1" not in explained


def test_uvloop_is_said_to_be_unseen() -> None:
    pytest.importorskip("uvloop")
    run = run_as_bare("asyncio_uvloop.py")
    assert [e["detail"] for e in run["events"] if e["kind"] == "loop-not-traced"] == [
        {"loop": "uvloop.Loop"}
    ]
    assert "Tasks ran on a uvloop.Loop event loop" in " ".join(run["explanation"])


def test_a_cancelled_task_ends_cancelled_and_a_failing_one_raised() -> None:
    run = run_as_bare("asyncio_cancel.py")
    ends = {
        lane: events[-1]["detail"]
        for lane, events in task_lanes(run).items()
        if events[-1]["kind"] == "task-done"
    }
    # main() called task.cancel() on the line after its sleep(0.05)
    source = (SCRIPTS / "asyncio_cancel.py").read_text().splitlines()
    cancel_line = next(n for n, text in enumerate(source, 1) if "task.cancel()" in text)
    assert ends["MainThread/sleeper sleeper()"] == {
        "outcome": "cancelled",
        "cancelled_by": "Task-1",
        "cancelled_at": f"asyncio_cancel.py:{cancel_line}",
    }
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
    # the group cancelled slow() when bad() ended raising (its done callback)
    assert ends["MainThread/slow slow()"] == {
        "outcome": "cancelled",
        "cancelled_by": "bad",
        "cancelled_via": "TaskGroup._abort",
    }
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


def line_of(script: str, text: str) -> int:
    source = (SCRIPTS / script).read_text().splitlines()
    return next(n for n, line in enumerate(source, 1) if text in line)


def wake_of(run: dict[str, Any], lane: str, on: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the wake event, the await-end it links to) of the one wait of ``lane``
    on ``on`` (on a loaded machine other waits of 1 ms or more show too)."""
    wakes = {e["link"]: e for e in run["events"] if e["kind"] == "wake"}
    events = [e for e in run["events"] if e["task"] == lane]
    (end,) = [
        end
        for start, end in zip(
            [e for e in events if e["kind"] == "await-start"],
            [e for e in events if e["kind"] == "await-end"],
            strict=True,
        )
        if start["detail"]["on"] == on
    ]
    assert "link" in end, end  # the tracer saw what woke it
    return wakes[end["link"]], end  # a KeyError: an await-end linked to no wake


def test_a_future_another_task_resolved_links_its_set_result_to_the_step_it_woke() -> None:
    run = run_as_bare("asyncio_wake.py")
    wake, end = wake_of(run, "MainThread/waiter waiter()", "future Future")
    assert wake["task"] == "MainThread/setter setter()"
    assert wake["detail"] == {
        "by": "task",
        "by_task": "setter",
        "done": "set_result",
        "task": "waiter",
    }
    assert end["detail"]["woken_by"] == "task"
    assert wake["t"] <= end["t"]
    # setter's sleep(0.05) then set_result: the waiter waited about that long
    assert 0.05 - EARLY_S <= end["detail"]["waited_s"] <= 0.05 + LATE_S
    wake, _ = wake_of(run, "MainThread/failer failer()", "future Future")
    assert (wake["task"], wake["detail"]["done"]) == ("MainThread/setter setter()", "set_exception")


def test_a_timer_links_to_the_step_its_sleep_resumed() -> None:
    run = run_as_bare("asyncio_wake.py")
    wake, end = wake_of(run, "MainThread/sleeper sleeper()", "asyncio.sleep(0.1)")
    # the timer fired in the loop's own lane (its thread), not in a task's
    assert wake["task"] == "MainThread"
    assert wake["detail"]["by"] == "timer"
    assert wake["detail"]["callback"] == "_set_result_unless_cancelled"
    assert 0.1 - EARLY_S <= end["detail"]["waited_s"] <= 0.1 + LATE_S


def test_a_stream_read_over_a_socket_is_woken_by_the_io_readiness() -> None:
    run = run_as_bare("asyncio_stream.py")
    lane = "MainThread/client client()"
    wake, end = wake_of(run, lane, "stream read")
    assert wake["detail"]["by"] == "io", wake
    assert "_read_ready" in wake["detail"]["callback"]
    assert wake["task"] == "MainThread"
    # the server's handler wrote its line after sleep(0.1)
    assert 0.1 - EARLY_S <= end["detail"]["waited_s"] <= 0.1 + LATE_S


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_run_in_executor_links_its_await_to_the_work_in_the_thread_and_the_process(
    method: str,
) -> None:
    if method not in start_methods():
        pytest.skip(f"no {method} here")
    run = run_as_bare("asyncio_executor.py", method)
    main = "MainThread/Task-1 main()"
    starts = {
        e["detail"]["func"]: e
        for e in run["events"]
        if e["task"] == main and e["kind"] == "await-start" and "func" in e["detail"]
    }
    assert set(starts) == {"blocking_work", "square"}, starts
    works = {e["link"]: e for e in run["events"] if e["kind"] == "task-start"}
    # the thread pool's work: on the worker thread's lane, in this process
    thread = starts["blocking_work"]
    assert thread["detail"]["on"] == "run_in_executor(blocking_work)"
    work = works[thread["link"]]  # a KeyError: the await links to no work
    assert work["task"].startswith("worker") and work["pid"] == thread["pid"]
    assert work["detail"]["func"] == "blocking_work"
    # the process pool's: in the worker process, reported once (not also as a submit)
    process = starts["square"]
    assert process["detail"]["on"] == "run_in_executor(square)"
    work = works[process["link"]]
    assert work["pid"] != process["pid"] and work["detail"]["func"] == "square"
    assert [e for e in run["events"] if e["kind"] == "submit"] == []
    # each await woke when the pool handed its result back to the loop
    ends = [e for e in run["events"] if e["task"] == main and e["kind"] == "await-end"]
    assert {e["detail"].get("woken_by") for e in ends} >= {"executor"}


def test_a_cancelled_task_ends_saying_who_cancelled_it_and_where() -> None:
    run = run_as_bare("asyncio_who_cancelled.py")
    ends = {
        lane: events[-1]["detail"]
        for lane, events in task_lanes(run).items()
        if events[-1]["kind"] == "task-done"
    }
    victim_at = f"asyncio_who_cancelled.py:{line_of('asyncio_who_cancelled.py', 'victim.cancel()')}"
    assert ends["MainThread/victim sleeper()"] == {
        "outcome": "cancelled",
        "cancelled_by": "boss",
        "cancelled_at": victim_at,
    }
    # outer() awaited inner: main's wrapper.cancel() cancelled both
    outer_at = f"asyncio_who_cancelled.py:{line_of('asyncio_who_cancelled.py', 'wrapper.cancel()')}"
    for lane in ("MainThread/inner sleeper()", "MainThread/outer outer()"):
        assert ends[lane] == {
            "outcome": "cancelled",
            "cancelled_by": "Task-1",
            "cancelled_at": outer_at,
        }, lane
