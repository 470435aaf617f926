"""The timeline: golden output on synthetic runs, and what it shows of real ones.

Set UPDATE_GOLDEN=1 to rewrite the golden files after an intended change.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from rich.console import Console

from concdemo.core.events import Event
from concdemo.render.style import ProcessColours
from concdemo.render.timeline import MAX_LANES, lanes, timeline

from conftest import cli

GOLDEN = Path(__file__).parent / "golden"
BAR_BODY = "━"
_LANE = re.compile(r"^(?P<process>\S+)\[(?P<pid>\d+)\] (?P<task>\S+)")


def _console(width: int = 80) -> Console:
    return Console(
        width=width, color_system=None, record=True, force_terminal=False, _environ={}
    )


def _text(events: list[Event], width: int = 80) -> str:
    console = _console(width)
    console.print(timeline(events))
    return console.export_text()


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


def _ev(
    t: float, pid: int, process: str, kind: str, span: str = "", task: str = "MainThread",
    **detail: object,
) -> Event:
    return Event(t=t, pid=pid, process=process, task=task, kind=kind, detail=dict(detail),
                 span=span)


def _pool(tasks: int, workers: int, delay: float, at_once: int) -> list[Event]:
    """A pool run: ``at_once`` = 1 is apply (one task at a time), ``workers`` apply_async."""
    name = "apply" if at_once == 1 else "apply_async"
    events = [_ev(0.0, 10, "MainProcess", "process-start", start_method="fork")]
    events += [
        _ev(0.002 * w, 11 + w, f"ForkPoolWorker-{w + 1}", "process-start") for w in range(workers)
    ]
    start = 0.012
    events.append(_ev(start, 10, "MainProcess", "phase-start", "start", name=name))
    for n in range(tasks):
        worker = n % workers
        begin = start + (n // at_once) * delay
        events.append(_ev(begin, 11 + worker, f"ForkPoolWorker-{worker + 1}", "task-start",
                          "start", n=n))
        events.append(_ev(begin + delay * 0.98, 11 + worker, f"ForkPoolWorker-{worker + 1}",
                          "task-end", "end", n=n))
    end = start + -(-tasks // at_once) * delay
    events.append(_ev(end, 10, "MainProcess", "phase-end", "end", name=name))
    events.append(_ev(end + 0.001, 10, "MainProcess", "check", what="timing", ok=True))
    events.append(_ev(end + 0.002, 10, "MainProcess", "process-end"))
    return sorted(events, key=lambda e: e.t)


def _lane_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if _LANE.match(line)]


def _bar_columns(line: str) -> set[int]:
    # Labels never hold the bar glyph, so columns of the whole line compare across lanes.
    return {i for i, char in enumerate(line) if char == BAR_BODY}


def _max_overlap(lines: list[str]) -> int:
    """The most lanes that have a bar in one and the same column."""
    counts: dict[int, int] = {}
    for line in lines:
        for col in _bar_columns(line):
            counts[col] = counts.get(col, 0) + 1
    return max(counts.values(), default=0)


def test_apply_runs_one_task_at_a_time() -> None:
    text = _text(_pool(tasks=10, workers=5, delay=0.05, at_once=1))
    _check_golden("timeline_apply.txt", text)
    workers = [line for line in _lane_lines(text) if line.startswith("ForkPoolWorker")]
    assert len(workers) == 5
    assert all(_bar_columns(line) for line in workers)
    assert _max_overlap(workers) == 1  # a staircase: never two bars at once


def test_apply_async_runs_five_at_a_time() -> None:
    text = _text(_pool(tasks=10, workers=5, delay=0.05, at_once=5))
    _check_golden("timeline_apply_async.txt", text)
    workers = [line for line in _lane_lines(text) if line.startswith("ForkPoolWorker")]
    assert _max_overlap(workers) == 5
    assert "[apply_async" in text


def test_lanes_in_order_of_first_appearance_and_phases_left_out() -> None:
    found = lanes(_pool(tasks=10, workers=3, delay=0.05, at_once=1))
    assert [(lane.process, lane.task) for lane in found] == [
        ("MainProcess", "MainThread"),
        ("ForkPoolWorker-1", "MainThread"),
        ("ForkPoolWorker-2", "MainThread"),
        ("ForkPoolWorker-3", "MainThread"),
    ]
    assert found[0].spans == []  # the phase is drawn on the axis, not as a bar
    assert [len(lane.spans) for lane in found[1:]] == [4, 3, 3]


def test_greenlet_switches_alternate_between_lanes() -> None:
    events = [_ev(0.0, 7, "MainProcess", "process-start")]
    for i, task in enumerate(["foo", "bar", "foo", "bar"]):
        events.append(_ev(0.001 + i * 0.0002, 7, "MainProcess", "print", task=task,
                          text=f"ok{i + 1}"))
    events.append(_ev(0.002, 7, "MainProcess", "process-end"))
    lines = {_LANE.match(line)["task"]: line for line in _lane_lines(_text(events))}  # type: ignore[index]
    foo = [i for i, c in enumerate(lines["foo"]) if c == "•"]
    bar = [i for i, c in enumerate(lines["bar"]) if c == "•"]
    assert len(foo) == len(bar) == 2
    assert foo[0] < bar[0] < foo[1] < bar[1]
    assert lines["foo"].startswith("MainProcess[7] foo")


def test_too_many_lanes_are_counted_not_drawn() -> None:
    events = [
        _ev(i * 0.01, 100 + i, f"Process-{i}", "task-start", "start") for i in range(25)
    ] + [_ev(0.3 + i * 0.01, 100 + i, f"Process-{i}", "task-end", "end") for i in range(25)]
    text = _text(sorted(events, key=lambda e: e.t))
    assert len(_lane_lines(text)) == MAX_LANES
    assert "… 5 more lanes" in text
    assert "Process-19[119]" in text and "Process-20[120]" not in text


def test_an_unfinished_span_and_phase_run_off_the_end() -> None:
    events = [
        _ev(0.0, 5, "MainProcess", "phase-start", "start", name="consume"),
        _ev(0.1, 6, "Process-1", "recv-start", "start"),
        _ev(1.0, 5, "MainProcess", "waiting"),
    ]
    text = _text(events)
    recv = next(line for line in _lane_lines(text) if line.startswith("Process-1"))
    assert recv.rstrip().endswith("→") and "┝" in recv
    phase = next(line for line in text.splitlines() if line.startswith("phases"))
    assert "[consume" in phase and phase.rstrip().endswith("→")


def test_failures_are_marked_over_bars() -> None:
    events = [
        _ev(0.0, 5, "MainProcess", "work-start", "start"),
        _ev(0.5, 5, "MainProcess", "error", type="ValueError", message="boom"),
        _ev(0.6, 5, "MainProcess", "check", what="x", ok=False),
        _ev(1.0, 5, "MainProcess", "work-end", "end"),
    ]
    lane = _lane_lines(_text(events))[0]
    assert lane.count("✗") == 2 and BAR_BODY in lane


@pytest.mark.parametrize("width", [40, 60, 80, 100, 160])
def test_fits_any_width_and_keeps_the_worker_number(width: int) -> None:
    text = _text(_pool(tasks=10, workers=5, delay=0.05, at_once=5), width=width)
    lines = text.splitlines()
    assert all(len(line) <= width for line in lines), text
    workers = [line for line in lines if re.search(r"\[1[1-5]\] ", line)]
    assert len(workers) == 5, text
    # A long process name loses its middle, never the number that tells workers apart.
    assert all(re.search(rf"-{i + 1}\[\d+\]", line) for i, line in enumerate(workers)), text
    assert all(_bar_columns(line) for line in workers)


def test_lanes_take_the_process_colour_of_the_live_table() -> None:
    events = _pool(tasks=5, workers=5, delay=0.05, at_once=5)
    colours = ProcessColours()
    expected = {e.pid: colours(e.pid) for e in events}
    console = Console(width=100, color_system="truecolor", force_terminal=True, _environ={})
    seen = {}
    for segment in console.render(timeline(events)):
        match = _LANE.match(segment.text)
        if match and segment.style is not None and segment.style.color is not None:
            seen[int(match["pid"])] = segment.style.color.name
    assert seen == expected


def test_no_events() -> None:
    assert "no events" in _text([])


def _timelines(stdout: str) -> list[list[str]]:
    """The lane lines of each timeline in the CLI's output, pids masked."""
    found: list[list[str]] = []
    inside = False
    for line in stdout.splitlines():
        if line.startswith("timeline"):
            found.append([])
            inside = True
        elif inside and _LANE.match(line):
            found[-1].append(re.sub(r"\[\d+\]", "[PID]", line, count=1))
        else:
            inside = False
    return found


def test_real_apply_async_overlaps() -> None:
    done = cli("run", "pool", "--variant", "apply_async", "--param", "tasks=10",
               "--param", "delay=0.05", "--plain")
    assert done.returncode == 0, done.stderr
    [lane_lines] = _timelines(done.stdout)
    workers = [line for line in lane_lines if line.startswith("ForkPoolWorker-")]
    assert len(workers) == 5, lane_lines
    assert all(line.split()[0].endswith("[PID]") for line in workers)
    assert _max_overlap(workers) >= 2, "\n".join(lane_lines)


def test_real_apply_then_apply_async() -> None:
    done = cli("run", "pool", "--param", "tasks=10", "--param", "delay=0.05", "--plain")
    assert done.returncode == 0, done.stderr
    apply, apply_async = _timelines(done.stdout)
    workers = [line for line in apply if line.startswith("ForkPoolWorker-")]
    # The pool may hand every task to a few of its workers; never two at once.
    assert len(workers) == 5 and sum(bool(_bar_columns(line)) for line in workers) >= 2
    assert _max_overlap(workers) == 1, "\n".join(apply)
    assert _max_overlap(apply_async) >= 2, "\n".join(apply_async)


@pytest.mark.slow
def test_real_gevent_crawler_fetches_overlap() -> None:
    done = cli("run", "gevent-crawler", "--variant", "gevent", "--param", "latency=0.1",
               "--plain")
    assert done.returncode == 0, done.stderr
    [lane_lines] = _timelines(done.stdout)
    greenlets = [line for line in lane_lines if " Greenlet-" in line]
    assert len(greenlets) == 10, lane_lines
    assert _max_overlap(greenlets) == 10, "\n".join(lane_lines)


def test_linked_events_are_marked_and_their_pairs_named() -> None:
    def ev(t: float, pid: int, process: str, kind: str, link: str | None) -> Event:
        detail = {"link": link} if link else {}
        return Event(t=t, pid=pid, process=process, task="MainThread", kind=kind, detail=detail)

    events = [
        ev(0.0, 2, "Process-1", "put", "2.1"),
        ev(0.1, 2, "Process-1", "put", "2.2"),
        ev(0.2, 1, "MainProcess", "get", "2.1"),
        ev(0.3, 1, "MainProcess", "get", "2.2"),
        ev(0.4, 1, "MainProcess", "stdout", None),
    ]
    text = _text(events, width=100)
    lane_rows = [line for line in text.splitlines() if _LANE.match(line)]
    assert [row.count("◆") for row in lane_rows] == [2, 2]
    assert "put→get ×2" in text
    assert "first: put Process-1[2] 0.000s → get MainProcess[1] 0.200s" in text
    assert "◆" not in _text(events[-1:])
