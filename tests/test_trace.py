"""`--trace FILE`: Chrome Trace Event JSON, checked for structure and nesting on real runs."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from concdemo.catalogue import catalog
from concdemo.catalogue.run_spec import RunSpec
from concdemo.core.events import Event
from concdemo.core.runner import RunResult
from concdemo.export.trace import PID_STRIDE, trace_doc

from conftest import cli

Trace = dict[str, Any]


def _load(path: Path) -> Trace:
    doc: Trace = json.loads(path.read_text(encoding="utf-8"))
    assert set(doc) == {"traceEvents", "displayTimeUnit"}
    assert doc["displayTimeUnit"] == "ms"
    assert isinstance(doc["traceEvents"], list) and doc["traceEvents"]
    return doc


def _check_structure(doc: Trace) -> None:
    """What Perfetto and chrome://tracing need, and slices that nest on every track."""
    events = doc["traceEvents"]
    meta = [e for e in events if e["ph"] == "M"]
    _check_flows(doc)
    timed = [e for e in events if e["ph"] not in ("M", "s", "f")]
    assert {e["ph"] for e in timed} <= {"X", "i"}
    assert {e["name"] for e in meta} <= {
        "process_name", "thread_name", "process_sort_index", "thread_sort_index"
    }
    process_names = {e["pid"] for e in meta if e["name"] == "process_name"}
    thread_names = [(e["pid"], e["tid"]) for e in meta if e["name"] == "thread_name"]
    assert len(thread_names) == len(set(thread_names))
    # tids are unique in the whole file, each belongs to one process.
    assert len({tid for _, tid in thread_names}) == len(thread_names)
    for event in timed:
        assert isinstance(event["ts"], (int, float)) and event["ts"] >= 0
        assert event["pid"] in process_names
        assert (event["pid"], event["tid"]) in thread_names
        assert isinstance(event["args"], dict)
        if event["ph"] == "X":
            assert event["dur"] >= 0
        else:
            assert event["s"] == "t"
    by_track: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for event in timed:
        if event["ph"] == "X":
            start = round(event["ts"] * 1000)  # back to whole nanoseconds
            end = start + round(event["dur"] * 1000)
            by_track[(event["pid"], event["tid"])].append((start, end))
    for track, slices in by_track.items():
        assert _nested(slices), f"slices overlap without nesting on {track}: {slices}"


def _check_flows(doc: Trace) -> None:
    """Each flow: one ``s`` and one ``f`` (bp e), each inside a slice of its track."""
    events = doc["traceEvents"]
    slices: dict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)
    for e in events:
        if e["ph"] == "X":
            slices[(e["pid"], e["tid"])].append((e["ts"], e["ts"] + e["dur"]))
    flows: dict[int, list[str]] = defaultdict(list)
    for e in events:
        if e["ph"] in ("s", "f"):
            flows[e["id"]].append(e["ph"])
            assert e["ph"] == "s" or e["bp"] == "e"
            inside = slices[(e["pid"], e["tid"])]
            assert any(start <= e["ts"] <= end for start, end in inside), e
    assert all(phases == ["s", "f"] for phases in flows.values()), flows


def test_linked_events_become_flows_from_producer_to_consumer(tmp_path: Path) -> None:
    from conftest import HERE

    path = tmp_path / "queue.json"
    script = HERE / "fixtures" / "scripts" / "queue_passed.py"
    done = cli("run", str(script), "--start-method", "spawn", "--json", "--trace", str(path))
    assert done.returncode == 0, done.stderr
    run = json.loads(done.stdout)["runs"][0]
    doc = _load(path)
    _check_structure(doc)
    flows = [e for e in doc["traceEvents"] if e["ph"] in ("s", "f")]
    child = next(p["pid"] for p in run["processes"] if p["name"] == "Process-1")
    main = next(p["pid"] for p in run["processes"] if p["name"] == "MainProcess")
    assert sorted((e["ph"], e["pid"]) for e in flows) == [("f", main)] * 3 + [("s", child)] * 3
    links = {e["link"] for e in run["events"] if "link" in e}
    assert {e["args"]["link"] for e in flows} == links and len(links) == 3


def _nested(slices: list[tuple[int, int]]) -> bool:
    open_ends: list[int] = []
    for start, end in sorted(slices, key=lambda s: (s[0], -s[1])):
        while open_ends and open_ends[-1] <= start:
            open_ends.pop()
        if open_ends and end > open_ends[-1]:
            return False
        open_ends.append(end)
    return True


def _names(doc: Trace, kind: str) -> dict[tuple[int, int], str]:
    return {
        (e["pid"], e["tid"]): e["args"]["name"]
        for e in doc["traceEvents"]
        if e["ph"] == "M" and e["name"] == kind
    }


def test_pool_apply_async(tmp_path: Path) -> None:
    path = tmp_path / "pool.json"
    done = cli("run", "pool", "--variant", "apply_async", "--param", "tasks=10",
               "--param", "delay=0.05", "--json", "--trace", str(path))
    assert done.returncode == 0, done.stderr
    run = json.loads(done.stdout)["runs"][0]  # stdout stays exactly one JSON document
    doc = _load(path)
    _check_structure(doc)

    slices = [e for e in doc["traceEvents"] if e["ph"] == "X"]
    tasks = sorted((e for e in slices if e["name"] == "task"), key=lambda e: e["ts"])
    starts = [e for e in run["events"] if e["kind"] == "task-start"]
    assert len(tasks) == len(starts) == 10
    # ts and dur are microseconds.
    assert abs(tasks[0]["ts"] - min(e["t"] for e in starts) * 1e6) < 1
    assert all(40_000 < t["dur"] < 500_000 for t in tasks)
    [phase] = [e for e in slices if e["name"].startswith("phase")]
    assert phase["name"] == "phase apply_async"

    processes = _names(doc, "process_name")
    worker_pids = {e["pid"] for e in tasks}
    assert len(worker_pids) == 5
    method = run["start_method"]
    for pid in worker_pids:  # the first run keeps the real pids
        assert processes[(pid, 0)] == f"apply_async · {method}: {_process(run, pid)}[{pid}]"
    # Side by side: when some task starts, tasks of other workers are running too.
    peak = max(
        len({t["pid"] for t in tasks if t["ts"] <= s["ts"] < t["ts"] + t["dur"]}) for s in tasks
    )
    assert peak >= 2

    instants = [e for e in doc["traceEvents"] if e["ph"] == "i"]
    assert {"process-start", "process-end", "check"} <= {e["name"] for e in instants}


def _process(run: dict[str, Any], pid: int) -> str:
    return next(e["process"] for e in run["events"] if e["pid"] == pid)


def test_greenlet_switch_gets_a_track_per_greenlet(tmp_path: Path) -> None:
    path = tmp_path / "greenlet.json"
    done = cli("run", "greenlet", "--variant", "switch", "--trace", str(path))
    assert done.returncode == 0, done.stderr
    doc = _load(path)
    _check_structure(doc)
    threads = _names(doc, "thread_name")
    assert sorted(threads.values()) == ["MainThread", "bar", "foo"]
    assert len({pid for pid, _ in threads}) == 1  # one process, three tracks
    by_tid = {tid: name for (_, tid), name in threads.items()}
    prints = sorted(
        (e for e in doc["traceEvents"] if e["ph"] == "i" and e["name"] == "print"),
        key=lambda e: e["ts"],
    )
    assert [by_tid[e["tid"]] for e in prints] == ["foo", "bar", "foo", "bar"]
    assert [e["args"]["text"] for e in prints] == ["ok1", "ok2", "ok3", "ok4"]


def test_several_runs_do_not_collide(tmp_path: Path) -> None:
    path = tmp_path / "both.json"
    done = cli("run", "pool", "--variant", "apply", "--variant", "apply_async",
               "--param", "tasks=5", "--param", "delay=0.02", "--trace", str(path))
    assert done.returncode == 0, done.stderr
    assert f"trace written to {path}" in done.stdout
    doc = _load(path)
    _check_structure(doc)
    names = _names(doc, "process_name")
    apply = {pid for (pid, _), name in names.items() if name.startswith("apply · ")}
    apply_async = {pid for (pid, _), name in names.items() if name.startswith("apply_async · ")}
    assert len(apply) == len(apply_async) == 6
    assert not apply & apply_async
    assert all(pid >= PID_STRIDE for pid in apply_async)


# Synthetic runs: what real scenarios rarely do on cue.


def _result(events: list[Event]) -> RunResult:
    spec = RunSpec(catalog.get("greenlet").variant("switch"), "fork", {}, 5.0)
    return RunResult(spec=spec, outcome="ok", wall_s=1.0, events=events, returncode=0)


def _ev(t: float, task: str, kind: str, span: str = "") -> Event:
    return Event(t=t, pid=50, process="MainProcess", task=task, kind=kind, detail={}, span=span)


def test_overlap_without_nesting_goes_to_an_extra_track() -> None:
    # Two greenlets both named "g": their spans cross, which one track cannot show.
    events = [
        _ev(0.1, "g", "fetch-start", "start"),
        _ev(0.2, "g", "sleep-start", "start"),
        _ev(0.3, "g", "fetch-end", "end"),
        _ev(0.4, "g", "sleep-end", "end"),
        _ev(0.5, "g", "read-start", "start"),  # after both: back on the first track
        _ev(0.6, "g", "read-end", "end"),
    ]
    doc = trace_doc([_result(events)])
    _check_structure(doc)
    names = {tid: name for (_, tid), name in _names(doc, "thread_name").items()}
    tracks = {e["name"]: names[e["tid"]] for e in doc["traceEvents"] if e["ph"] == "X"}
    assert tracks == {"fetch": "g", "sleep": "g (2)", "read": "g"}


def test_nested_spans_share_a_track_and_unfinished_ones_last_to_the_end() -> None:
    events = [
        _ev(0.0, "t", "outer-start", "start"),
        _ev(0.1, "t", "inner-start", "start"),
        _ev(0.2, "t", "inner-end", "end"),
        _ev(0.25, "t", "note"),
        _ev(0.3, "t", "outer-end", "end"),
        _ev(0.4, "t", "stuck-start", "start"),
        _ev(0.9, "u", "last"),
    ]
    doc = trace_doc([_result(events)])
    _check_structure(doc)
    slices = {e["name"]: e for e in doc["traceEvents"] if e["ph"] == "X"}
    assert len({e["tid"] for e in slices.values()}) == 1
    assert slices["inner"]["ts"] == 100_000 and slices["inner"]["dur"] == 100_000
    assert slices["stuck"]["dur"] == 500_000 and slices["stuck"]["args"]["unfinished"] is True
    [note] = [e for e in doc["traceEvents"] if e["name"] == "note"]
    assert note["ph"] == "i" and note["tid"] == slices["outer"]["tid"]
