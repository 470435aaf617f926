"""A hang's wait-for graph everywhere a hang is shown: the timeline (terminal and
SVG), the Perfetto trace (a flow from each wait to its holder) and the HTML
report (linked events, drawn as its link arrows); and the same graph from the
queue scenario's join-deadlock as from the traced script, and a lock-order hang
traced under forkserver.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import re
import struct
from types import SimpleNamespace
from typing import Any

import pytest
from rich.console import Console

from concdemo.core.events import Event
from concdemo.export import trace
from concdemo.export.html import data as html_data
from concdemo.export.html import runs as html_runs
from concdemo.render.timeline import timeline

from conftest import HERE, cli, start_methods

STOP = 1.5  # the stop, seconds since the run started


def _edge(process: str, thread: str, lock: str, holder: str, pid: int, holder_pid: int,
          since: float | None = 1.4) -> dict[str, Any]:
    return {
        "waiter": {"pid": pid, "process": process, "thread": thread, "ident": pid},
        "on": {"kind": "lock", "label": lock, "created_at": "x.py:3"},
        "held_by": [{"pid": holder_pid, "process": holder, "thread": "MainThread",
                     "since_s": 1.45, "at": "x.py:7", "inferred": False, "ident": holder_pid}],
        "since_s": since,
        "at": "x.py:9",
        "timed": False,
    }


# Two processes in a lock-order deadlock, each with an event before it blocked.
WAITS = [
    _edge("Process-1", "MainThread", "lock_b", "Process-2", 11, 12),
    _edge("Process-2", "MainThread", "lock_a", "Process-1", 12, 11),
]
EVENTS = [
    Event(0.0, 10, "MainProcess", "MainThread", "process-start"),
    Event(0.05, 11, "Process-1", "MainThread", "took"),
    Event(0.06, 12, "Process-2", "MainThread", "took"),
]


def _lines(waits: list[dict[str, Any]]) -> list[str]:
    console = Console(width=100, color_system=None, file=io.StringIO(), _environ={})
    console.print(timeline(EVENTS, waits=waits, stopped_at=STOP))
    return console.file.getvalue().splitlines()  # type: ignore[attr-defined]


def test_the_timeline_draws_each_wait_up_to_the_stop_naming_its_holder() -> None:
    lines = _lines(WAITS)
    row = next(line for line in lines if line.startswith("Process-1[11]"))
    # The bar runs from when the wait began (0.1 s) to the stop, which ends the axis.
    assert "• ┝━" in row and "━ lock_b → Process-2┥" in row and row.rstrip().endswith("┥")
    assert "━ lock_a → Process-1┥" in next(x for x in lines if x.startswith("Process-2[12]"))
    assert "waits" in lines[0]  # the legend names the span
    assert "→" not in "".join(_lines([]))  # no graph, no arrow


def test_a_label_found_inside_its_holders_name_is_still_shown() -> None:
    # "ss" is inside "Process-2": only a join's label (the holder itself) is left out.
    row = next(x for x in _lines([_edge("Process-1", "MainThread", "ss", "Process-2", 11, 12)])
               if x.startswith("Process-1[11]"))
    assert "━ ss → Process-2┥" in row, row


def test_a_waiter_that_sent_no_event_gets_a_lane_for_its_wait() -> None:
    feeder = _edge("Process-1", "QueueFeederThread", "q", "MainProcess", 11, 10, since=None)
    lanes = [line for line in _lines([feeder]) if line.startswith("Pr")]
    assert any("QueueFeede" in line for line in lanes), lanes


def _result(waits: list[dict[str, Any]]) -> Any:
    spec = SimpleNamespace(variant=SimpleNamespace(name="processes"), start_method="fork")
    return SimpleNamespace(spec=spec, events=EVENTS, waits=waits, wall_s=STOP)


def test_perfetto_gets_each_edge_as_a_flow_from_the_wait_to_its_holder() -> None:
    doc = trace.trace_doc([_result(WAITS)])
    events = doc["traceEvents"]
    tracks = {(e["pid"], e["tid"]): e["args"]["name"] for e in events
              if e["ph"] == "M" and e["name"] == "thread_name"}
    slices = [e for e in events if e["ph"] == "X"]
    waits = {e["pid"]: e for e in slices if e["name"].startswith("waits for")}
    holds = {e["pid"]: e for e in slices if e["name"].startswith("holds")}
    assert waits[11]["name"] == "waits for lock_b" and holds[12]["name"] == "holds lock_b"
    # The wait began 1.4 s before the stop; both end at the stop.
    assert waits[11]["ts"] == pytest.approx(100_000) and waits[11]["dur"] == pytest.approx(1.4e6)
    assert holds[12]["ts"] + holds[12]["dur"] == pytest.approx(STOP * 1e6)
    flows = [e for e in events if e.get("cat") == "wait"]
    pairs = {}
    for flow in flows:
        pairs.setdefault(flow["id"], {})[flow["ph"]] = flow
    ends = sorted((p["s"]["pid"], p["f"]["pid"]) for p in pairs.values())
    assert ends == [(11, 12), (12, 11)]
    for pair in pairs.values():
        assert pair["f"]["bp"] == "e"
        # Each end binds inside its slice: the waiter's wait, the holder's hold.
        start, finish = pair["s"], pair["f"]
        wait, hold = waits[start["pid"]], holds[finish["pid"]]
        assert start["tid"] == wait["tid"] and finish["tid"] == hold["tid"]
        assert wait["ts"] < start["ts"] < wait["ts"] + wait["dur"]
        assert hold["ts"] < finish["ts"] < hold["ts"] + hold["dur"]
        assert tracks[(start["pid"], start["tid"])] == "MainThread"
    assert not [e for e in trace.trace_doc([_result([])])["traceEvents"] if e.get("cat") == "wait"]


def _decoded(view: html_runs.RunView) -> tuple[dict[str, Any], list[int]]:
    blob = gzip.decompress(base64.b64decode(html_data.encode(view)))
    (size,) = struct.unpack("<I", blob[:4])
    header = json.loads(blob[4 : 4 + size])
    return header, list(struct.unpack(f"<{header['links'] * 2}I", blob[-header["links"] * 8 :]))


def test_the_html_report_links_each_wait_to_its_holder() -> None:
    rows = ((e.t, (e.pid, e.process, e.task, e.kind, e.span), e.detail_json) for e in EVENTS)
    keys: list[Any] = []
    merged = list(html_runs.with_waits(rows, WAITS, STOP))
    assert [t for t, _, _ in merged] == sorted(t for t, _, _ in merged)  # still in time order
    kinds = [(key[0], key[3]) for _, key, _ in merged]
    assert (11, "waits-start") in kinds and (12, "holds") in kinds
    view = html_runs.RunView({}, {}, html_runs._interned(iter(merged), keys), keys)
    header, links = _decoded(view)
    assert header["links"] == 2
    # Each arrow goes from a wait's start (its waiter's lane) to the holder's event.
    by_index = [(key[0], key[3]) for _, key, _ in merged]
    pairs = zip(links[::2], links[1::2], strict=True)
    arrows = sorted((by_index[a], by_index[b]) for a, b in pairs)
    assert arrows == [((11, "waits-start"), (12, "holds")), ((12, "waits-start"), (11, "holds"))]


@pytest.mark.parametrize("method", start_methods())
def test_queue_join_deadlock_scenario_shows_the_scripts_graph(method: str) -> None:
    done = cli("run", "queue", "--variant", "join-deadlock", "--start-method", method, "--json")
    (run,) = json.loads(done.stdout)["runs"]
    assert run["outcome"] == "hang" and run["as_expected"]
    cycle = ["MainProcess", "Process-1", "Process-1/QueueFeederThread"]
    assert run["deadlock"] == {"cycle": cycle, "kind": "queue-join"}
    edges = {(e["waiter"]["process"], e["waiter"]["thread"]): e for e in run["waits"]}
    assert edges[("MainProcess", "MainThread")]["on"]["kind"] == "process"
    feeder = edges[("Process-1", "QueueFeederThread")]
    assert feeder["on"]["kind"] == "pipe" and feeder["on"]["label"] == "q"
    assert [h["process"] for h in feeder["held_by"]] == ["MainProcess"]
    assert edges[("Process-1", "MainThread")]["on"]["label"] == "QueueFeederThread"
    # The probe still tells the story alone: no tracer event joins it.
    assert sorted({e["kind"] for e in run["events"]}) == ["process-end", "process-start", "put"]


@pytest.mark.parametrize("method", start_methods())
def test_pipe_forgot_close_scenario_shows_the_scripts_graph(method: str) -> None:
    # The article's duplex Pipe() (a socket pair): the consumer's recv() on `right`
    # waits for EOF, which needs every copy of `left` closed; the consumer kept its
    # own (and the main process, joining it, kept its). Same edge, same holders'
    # kind, same pitfall as tests/fixtures/scripts/pipe_write_end_open.py.
    done = cli("run", "pipe", "--variant", "forgot-close", "--start-method", method, "--json")
    (run,) = json.loads(done.stdout)["runs"]
    assert run["outcome"] == "hang" and run["as_expected"], run["explanation"]
    assert run["deadlock"] == {"cycle": ["MainProcess", "Process-1"], "kind": "pipe-not-closed"}
    edges = {(e["waiter"]["process"], e["waiter"]["thread"]): e for e in run["waits"]}
    recv = edges[("Process-1", "MainThread")]
    assert (recv["on"]["kind"], recv["on"]["label"]) == ("recv", "right")
    assert recv["on"]["created_at"].endswith("pipe_forgot_close.py:42") and not recv["timed"]
    assert recv["at"].endswith("pipe_forgot_close.py:26")
    holders = sorted((h["process"], h["inferred"]) for h in recv["held_by"])
    assert holders == [("MainProcess", False), ("Process-1", False)]  # observed, from /proc
    assert edges[("MainProcess", "MainThread")]["on"] == {
        "kind": "process", "label": "Process-1", "created_at": None
    }
    assert (
        "Stuck for good: Process-1 calls recv() on end right of a duplex pipe (made at "
        "pipe_forgot_close.py:42) at pipe_forgot_close.py:26, waiting for EOF, but the other end "
        "is still open in Process-1 itself (and in MainProcess, which waits too), so EOF never "
        "comes. This is a Pipe whose other end was not closed: once the other end is handed to "
        "the process that writes, close it in Process-1 (and in every other process that does "
        "not use it)." in run["explanation"]
    )
    # The probe still tells the story alone: no tracer event joins it.
    assert sorted({e["kind"] for e in run["events"]}) == [
        "join", "process-end", "process-start", "recv", "send"
    ]


def test_a_lock_order_hang_under_forkserver_is_named() -> None:
    script = HERE / "fixtures" / "scripts" / "lock_order_processes.py"
    done = cli("run", str(script), "--start-method", "forkserver", "--timeout", "4", "--json")
    (run,) = json.loads(done.stdout)["runs"]
    assert run["outcome"] == "hang"
    assert run["deadlock"] == {"cycle": ["Process-1", "Process-2"], "kind": "lock-order"}
    owners = {e["waiter"]["process"]: e["held_by"][0]["process"] for e in run["waits"]
              if e["on"]["kind"] == "lock"}
    assert owners == {"Process-1": "Process-2", "Process-2": "Process-1"}


# --- a wait nobody holds and a wait two hold, in every view -------------------------

MAIN, CONSUMER, IDENT = 7993, 7994, 0x00007F0676E97B80  # the recorded forgot-close run's


def _views_run() -> Any:
    """The recorded pipe forgot-close hang (tests/fixtures/runs/pipe.json) with two
    edges: the main thread waits for an Event nobody holds (nobody is left to set
    it), the consumer's recv() for a pipe whose write end both processes keep; the
    recv's beginning was not observed (read from its stack at the stop)."""
    from recorded import RUNS, result_from_json

    doc = json.loads((RUNS / "pipe.json").read_text())
    (run,) = [r for r in doc["runs"] if r["variant"] == "forgot-close"]

    def party(pid: int, process: str) -> dict[str, Any]:
        return {"pid": pid, "process": process, "thread": "MainThread", "ident": IDENT}

    def holder(pid: int, process: str) -> dict[str, Any]:
        return {**party(pid, process), "since_s": None, "at": None, "inferred": False}

    waits = [
        {"waiter": party(MAIN, "MainProcess"),
         "on": {"kind": "event", "label": "ready", "created_at": "/s/pipe_forgot_close.py:40"},
         "held_by": [], "since_s": 1.5, "at": "/s/pipe_forgot_close.py:48", "timed": False},
        {"waiter": party(CONSUMER, "Process-1"),
         "on": {"kind": "recv", "label": "right", "created_at": "/s/pipe_forgot_close.py:42"},
         "held_by": [holder(MAIN, "MainProcess"), holder(CONSUMER, "Process-1")],
         "since_s": None, "at": "/s/pipe_forgot_close.py:26", "timed": False},
    ]
    return result_from_json(run, waits=waits)


def test_the_table_and_the_timeline_show_no_holder_and_two_holders() -> None:
    from concdemo.render import summary

    result = _views_run()
    console = Console(width=200, color_system=None, file=io.StringIO(), _environ={})
    console.print(summary.render(result))
    console.print(timeline(result.events, waits=result.waits, stopped_at=result.wall_s))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    # The hang table's "waits for" column: no holder, no arrow; both holders named.
    rows = {line.split("[")[0].strip(): line for line in text.splitlines()
            if line.startswith((" MainProcess[", " Process-1["))}
    assert rows["MainProcess"].rstrip().endswith("Event ready"), rows
    assert rows["Process-1"].rstrip().endswith("pipe right ← MainProcess, Process-1"), rows
    lanes = {line.split("[")[0]: line for line in text.splitlines()
             if line.startswith(("MainProcess[", "Process-1["))}
    # No holder: the bar ends in what it waits for, with no arrow to a "?".
    main = lanes["MainProcess"]
    assert "━ ready┥" in main and "→" not in main, main
    # Two holders: both named; the recv's bar, begun after the consumer's last event
    # (0.083 s; when it began was not observed), is drawn, not a bare mark at the stop.
    consumer = lanes["Process-1"]
    assert "━ right → MainProcess, Process-1┥" in consumer, consumer
    assert consumer.count("━") > 40, consumer


def test_the_svg_shows_no_holder_and_two_holders() -> None:
    from concdemo.export import svg

    picture = svg.picture([_views_run()])
    # Rich writes each run of text as an element of its own, placed: no spaces between.
    flat = re.sub(r"\s", "", re.sub(r"<[^>]+>", "", picture).replace("&#160;", " "))
    assert "piperight←" in flat and "Eventready" in flat  # the table's column (wrapped)
    assert "right→MainProcess,Process-1┥" in flat
    assert "━ready┥" in flat and "ready→?" not in flat


def test_perfetto_and_the_html_report_show_no_holder_and_two_holders() -> None:
    result = _views_run()
    events = trace.trace_doc([result])["traceEvents"]
    slices = [e for e in events if e["ph"] == "X"]
    waits = {e["pid"]: e for e in slices if e["name"].startswith("waits for")}
    assert waits[MAIN]["name"] == "waits for Event ready"
    assert waits[CONSUMER]["name"] == "waits for pipe right"
    holds = sorted((e["pid"], e["name"]) for e in slices if e["cat"] == "span"
                   and e["name"].startswith("holds"))
    assert holds == [(MAIN, "holds the write end of pipe right"),
                     (CONSUMER, "holds the write end of pipe right")]
    pairs: dict[int, dict[str, Any]] = {}
    for flow in (e for e in events if e.get("cat") == "wait"):
        pairs.setdefault(flow["id"], {})[flow["ph"]] = flow
    # Two flows from the recv's wait, one to each holder; none from the Event's.
    assert sorted((p["s"]["pid"], p["f"]["pid"]) for p in pairs.values()) == [
        (CONSUMER, MAIN), (CONSUMER, CONSUMER)
    ]

    rows = ((e.t, (e.pid, e.process, e.task, e.kind, e.span), e.detail_json)
            for e in result.events)
    merged = list(html_runs.with_waits(rows, result.waits, result.wall_s))
    starts = {key[0]: json.loads(d) for _, key, d in merged if key[3] == "waits-start"}
    assert starts[MAIN]["on"] == "Event ready" and starts[MAIN]["held_by"] == []
    # The recv's span begins at the consumer's last event (not observed: not at the stop).
    begun = {key[0]: t for t, key, _ in merged if key[3] == "waits-start"}
    consumer_last = max(e.t for e in result.events if e.pid == CONSUMER)
    assert begun[CONSUMER] == pytest.approx(consumer_last) and begun[CONSUMER] < result.wall_s
    assert starts[CONSUMER]["held_by"] == ["MainProcess", "Process-1"]
    keys: list[Any] = []
    view = html_runs.RunView({}, {}, html_runs._interned(iter(merged), keys), keys)
    _, links = _decoded(view)
    kinds = [(key[0], key[3]) for _, key, _ in merged]
    arrows = sorted((kinds[a], kinds[b]) for a, b in zip(links[::2], links[1::2], strict=True))
    assert arrows == [((CONSUMER, "waits-start"), (MAIN, "holds")),
                      ((CONSUMER, "waits-start"), (CONSUMER, "holds"))]
