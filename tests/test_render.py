"""Views rendered on a fixed-width colourless console, against golden files.

Set UPDATE_GOLDEN=1 to rewrite the golden files after an intended change, then
read the diff before committing it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from rich.console import Console

from concdemo.catalogue import catalog
from concdemo.catalogue.run_spec import RunSpec
from concdemo.core.events import Event
from concdemo.core.runner import RunResult
from concdemo.render import summary
from concdemo.render.catalog import scenario_overview, scenarios_table
from concdemo.render.live import LiveView
from concdemo.render.plain import PlainView

GOLDEN = Path(__file__).parent / "golden"


def _console(height: int = 40) -> Console:
    return Console(
        width=100,
        height=height,
        color_system=None,
        record=True,
        force_terminal=False,
        legacy_windows=False,
        _environ={},
    )


def _check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


class MockClock:
    """A clock the test sets by hand (like Rich's MockClock)."""

    now = 0.0

    def __call__(self) -> float:
        return self.now


def _event(t: float, pid: int, process: str, kind: str, span: str = "", **detail: object) -> Event:
    return Event(
        t=t, pid=pid, process=process, task="MainThread", kind=kind, detail=dict(detail), span=span
    )


def _hang_result() -> RunResult:
    variant = catalog.get("pipe").variant("forgot-close")
    spec = RunSpec(variant=variant, start_method="spawn", params={"items": 2}, timeout_s=2.0)
    events = [
        _event(0.010, 100, "MainProcess", "process-start", start_method="spawn"),
        _event(0.011, 100, "MainProcess", "phase-start", "start", name="produce", theory_s=0.01),
        _event(0.012, 100, "MainProcess", "send", baozi=0),
        _event(0.013, 100, "MainProcess", "send", baozi=1),
        _event(0.020, 100, "MainProcess", "phase-end", "end", name="produce", theory_s=0.01),
        _event(0.050, 101, "Process-1", "process-start"),
        _event(0.051, 101, "Process-1", "recv", msg="c1 收到包子:0"),
        _event(0.052, 101, "Process-1", "recv", msg="c1 收到包子:1"),
        _event(0.060, 100, "MainProcess", "check", what="the consumer got both buns", ok=True),
    ]
    frame = {"file": "/x/connection.py", "line": 216, "function": "recv"}
    stacks = [
        {
            "pid": 101,
            "process": "Process-1",
            "thread": "0x7f (current)",
            "file": "/s/pipe_forgot_close.py",
            "line": 27,
            "function": "consumer",
            "blocked_in": frame,
            "frames": [frame],
        },
    ]
    # The variant traces its waits (TRACE = ["waits"]): its hang carries the graph,
    # the consumer's recv whose write end it kept itself (as a real run's does).
    def holder(pid: int, process: str) -> dict[str, object]:
        return {"pid": pid, "process": process, "thread": "MainThread", "ident": 0x7F,
                "since_s": None, "at": None, "inferred": False}

    waits = [
        {
            "waiter": {"pid": 101, "process": "Process-1", "thread": "MainThread", "ident": 0x7F},
            "on": {"kind": "recv", "label": "right", "created_at": "/s/pipe_forgot_close.py:42"},
            "held_by": [holder(101, "Process-1")],
            "since_s": None,
            "at": "/s/pipe_forgot_close.py:27",
            "timed": False,
        }
    ]
    return RunResult(
        spec=spec,
        outcome="hang",
        wall_s=2.001,
        events=events,
        returncode=-2,
        main_pid=100,
        stacks=stacks,
        waits=waits,
        deadlock={"cycle": ["MainProcess", "Process-1"], "kind": "pipe-not-closed"},
    )


def test_summary_of_a_hang() -> None:
    console = _console()
    console.print(summary.render(_hang_result()))
    _check("summary_hang.txt", console.export_text())


def test_plain_view_one_line_per_event() -> None:
    console = _console()
    view = PlainView(console)
    view.begin("pipe · forgot-close · spawn")
    for event in _hang_result().events:
        view.on_event(event)
    view.end()
    _check("plain_hang.txt", console.export_text())


def test_live_table_keeps_the_newest_rows_that_fit() -> None:
    console = _console(height=12)
    clock = MockClock()
    view = LiveView(console, clock=clock)
    view.title = "pipe · forgot-close · spawn"
    view.events = _hang_result().events
    clock.now = 1.25
    console.print(view.renderable())
    text = console.export_text()
    _check("live_hang.txt", text)
    assert "… 4 earlier events" in text
    assert "1.2 s" in text and "9 events" in text


def test_catalogue_views_match_the_files() -> None:
    console = _console(height=200)
    console.print(scenarios_table([catalog.get("pipe")]))
    console.print(scenario_overview(catalog.get("pipe")))
    _check("catalog_pipe.txt", console.export_text())


@pytest.mark.parametrize("width", [60, 100, 160])
def test_live_table_fits_any_width(width: int) -> None:
    console = Console(width=width, height=20, color_system=None, record=True)
    view = LiveView(console)
    view.events = _hang_result().events
    console.print(view.renderable())
    lines = console.export_text().splitlines()
    assert all(len(line) <= width for line in lines)
    assert any(re.search(r"recv\s", line) for line in lines)
