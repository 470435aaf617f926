"""Ingestion: views never move the run's clocks, batches print what Rich printed,
and nothing a writer sends crashes the CLI or goes uncounted."""

from __future__ import annotations

import io
import json
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from concdemo.catalogue import plan
from concdemo.core import runner
from concdemo.core.decoder import MAX_DETAIL_DEPTH, MAX_LINE_BYTES, Decoder
from concdemo.core.events import Event
from concdemo.core.receiver import Reader
from concdemo.core.store import EventStore
from concdemo.render.plain import PlainView
from concdemo.wire.channel import encode

from conftest import FIXTURE_SCENARIOS, cli, cli_json, validate


def _strict_json(text: str) -> Any:
    """json.loads, but NaN and Infinity (which JSON does not have) are errors."""

    def refuse(name: str) -> None:
        raise ValueError(f"{name} in the output")

    return json.loads(text, parse_constant=refuse)


def test_a_slow_view_moves_neither_the_hang_clock_nor_wall_s(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONCDEMO_SCENARIO_PATH", str(FIXTURE_SCENARIOS))
    (spec,) = plan.runs("fixture", ["burst"], "fork", ["events=300"], 3.0)
    shown: list[Event] = []
    drawing_s = 0.0

    def slow_view(events: Sequence[Event]) -> None:
        nonlocal drawing_s
        started = time.monotonic()
        for event in events:
            time.sleep(0.01)  # 10 ms an event: 300 events take 3 s to draw
            shown.append(event)
        drawing_s += time.monotonic() - started

    result = runner.run(spec, on_events=slow_view)
    # The scenario itself ends in well under a second; drawing it takes over
    # three. Had the view held up the runner, the run would be a hang at 3 s.
    assert result.outcome == "ok", result.stderr_tail
    assert drawing_s >= 3.0  # the view really was slower than the timeout
    # wall_s is the scenario's own: 3 s would mean it waited for the drawing.
    # (Margin: the burst ends in ~0.3 s on an idle machine; 2.5 s allows a busy one.)
    assert result.wall_s < 2.5
    # And the view caught up: it was shown every event, in arrival order.
    bursts = [e.detail["i"] for e in shown if e.kind == "burst"]
    assert bursts == list(range(300))
    assert len(shown) == len(result.events)


def _plain_events() -> list[Event]:
    def event(kind: str, pid: int = 4242, task: str = "MainThread", **detail: Any) -> Event:
        return Event(t=len(detail) * 0.5, pid=pid, process="ForkPoolWorker-1", task=task,
                     kind=kind, detail=detail)

    return [
        event("process-start", start_method="fork", python="3.11.7"),
        event("task-start", n=3, ratio=0.25, flag=True, nothing=None),
        event("recv", msg="c1 收到包子:0"),
        event("empty"),
        event("tabs", text="a\tb"),
        event("newline", text="line one\nline two"),
        event("controls", text="bell\x07 back\x08 cr\r esc\x1b[31m"),
        event("long", blob="z" * 500),
        event("nested", value={"a": [1, 2, {"b": "c"}]}, items=[1, "two"]),
        event("emoji", face="😀 wide", task_name="greenlet-1"),
        event("markup", text="[bold]not markup[/bold] :smile:"),
        Event(t=12345.678912, pid=1, process="Main Process", task="Thread-2 (worker)",
              kind="check", detail={"what": "x", "ok": False}, span=""),
    ]


def test_batched_plain_lines_are_what_rich_printed_line_by_line() -> None:
    events = _plain_events()
    rich_out, batch_out = io.StringIO(), io.StringIO()
    # Today's path: one console.print of a Text per event (the view's _print).
    by_rich = PlainView(Console(file=rich_out, color_system=None, width=100))
    for event in events:
        by_rich._print(event)
    batched = PlainView(Console(file=batch_out, color_system=None, width=100))
    batched.on_events(events)
    assert batch_out.getvalue().splitlines() == rich_out.getvalue().splitlines()
    assert batch_out.getvalue() == rich_out.getvalue()


def test_plain_run_output_is_line_identical_to_rich_line_by_line(tmp_path: Path) -> None:
    result = cli("run", "fixture", "--variant", "burst", "--param", "events=2000",
                 "--start-method", "fork", "--plain", fixtures=True)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    event_lines = [line for line in lines if line.startswith(" ") and "s  " in line]
    assert sum(" burst  i=" in line for line in event_lines) == 2000
    console_out = io.StringIO()
    view = PlainView(Console(file=console_out, color_system=None, width=100))
    for line in event_lines[:50]:
        # Rebuild each event from its line and print it through Rich the old way.
        t, rest = line.split("s  ", 1)
        process, task, kind, *detail = rest.split("  ")
        name, pid = process[:-1].split("[")
        fields = dict(part.split("=", 1) for part in detail)
        values = {k: int(v) if v.isdigit() else v for k, v in fields.items()}
        view._print(Event(float(t), int(pid), name, task, kind, values))
    assert console_out.getvalue().splitlines() == event_lines[:50]


def test_garbage_on_the_channel_is_counted_and_the_run_still_reports(tmp_path: Path) -> None:
    trace = tmp_path / "run.json"
    result = cli("run", "fixture", "--variant", "garbage", "--start-method", "fork", "--json",
                 "--trace", str(trace), fixtures=True)
    assert result.returncode == 0, result.stderr
    doc = _strict_json(result.stdout)
    validate(doc, "run-1")
    (run,) = doc["runs"]
    assert run["outcome"] == "ok"
    # Five lines are no message at all, one is longer than any message can be.
    assert run["malformed_events"] == 6
    # NaN, 1e999, a lone surrogate and bad UTF-8 repaired on arrival; the probe itself
    # repaired two before sending (the NaN/bytes/object event and the huge detail).
    assert run["repaired_events"] == 6
    assert run["dropped_events"] == 0
    by_kind = {e["kind"]: e["detail"] for e in run["events"]}
    assert by_kind["nan"] == {"v": "NaN"} and by_kind["inf"] == {"v": "1e999"}
    assert by_kind["surrogate"] == {"s": "\ufffd"} and by_kind["latin1"] == {"s": "caf\ufffd"}
    assert by_kind["weird values"]["nan"] == "nan"  # the probe repaired it: repr(nan)
    assert by_kind["after garbage"] == {"n": 1}  # real events after the garbage arrive
    assert by_kind["huge detail"]["_repaired"] == ["long"]  # shortened by the probe, marked
    trace_doc = _strict_json(trace.read_text(encoding="utf-8"))
    assert any(e.get("name") == "after garbage" for e in trace_doc["traceEvents"])
    plain = cli("run", "fixture", "--variant", "garbage", "--start-method", "fork", "--plain",
                fixtures=True)
    assert plain.returncode == 0, plain.stderr
    assert "0 events dropped, 6 malformed" in plain.stdout
    assert "4 events kept with values JSON cannot carry replaced" in plain.stdout
    assert "2 events carried values JSON cannot" in plain.stdout


def test_each_kind_of_bad_line_is_counted_once_in_a_block() -> None:
    decoder = Decoder(t0_ns=0)
    good = [encode(seq, 0, 7, "p", "t", "k", "", {"i": seq}) for seq in range(4)]
    block = b"".join([
        good[0],
        b"not json\n",
        good[1],
        b"[" * 50_000 + b"\n",
        b"\xff\xfe\n",
        good[2],
        b'[9, 0, 8, "q", "t", "k", "", {"v": Infinity}]\n',
        b"\n",
        good[3],
    ])
    events = decoder.decode_block(block)
    assert [e.detail.get("i") for e in events] == [0, 1, 2, None, 3]
    assert (decoder.malformed, decoder.repaired) == (3, 1)
    # The failed block parse must not count the good events twice.
    assert decoder.dropped == 9  # pid 8 numbered up to 9 and sent one: 9 lost, pid 7 none


def test_a_detail_nested_deeper_than_the_bound_is_malformed_on_both_paths_not_lost() -> None:
    # Past MAX_DETAIL_DEPTH whether json.loads takes a detail depends on the Python
    # version and on the caller's stack: kept, it could raise later in a view.
    def line(seq: int, detail: bytes, spaced: bool = False) -> bytes:
        sep = b", " if spaced else b","
        return b"[%d%s0%s7%s" % (seq, sep, sep, sep) + b'"p","t","k","",%s]\n' % detail

    def nested(levels: int, before: bytes = b"", after: bytes = b"") -> bytes:
        return b'{%s"v":%s%s}' % (before, b"[" * levels + b"]" * levels, after)

    inside = MAX_DETAIL_DEPTH - 1  # lists inside the detail object
    # Strings whose brackets would hide the nesting from a count of brackets alone.
    hiding = nested(inside + 1, b'"a":"' + b"]" * 40 + b'",', b',"b":"' + b"[" * 40 + b'"')
    unbalanced = b'{"line":"print([1, [2, {3"}'  # shallow, with brackets in a string
    details = [nested(inside), nested(inside + 1), hiding, unbalanced, nested(3000), b"{}"]
    for spaced in (False, True):
        # As encode() writes lines (the fast path tries the block whole), and spaced
        # (no line matches the fast path: each is decoded with care).
        decoder = Decoder(t0_ns=0)
        events = decoder.decode_block(
            b"".join(line(seq, detail, spaced) for seq, detail in enumerate(details))
        )
        assert [e.seq for e in events] == [0, 3, 5], spaced
        assert events[1].detail == {"line": "print([1, [2, {3"}
        assert (decoder.malformed, decoder.dropped) == (3, 0)
    decoder = Decoder(t0_ns=0)
    assert decoder.decode(line(7, nested(inside + 1), spaced=True)) is None
    assert decoder.decode(b"[1, 2, 3, 4]\n") is None  # starts like message #1 of pid 3
    assert decoder.decode(line(8, b"{}")) is not None
    # #7 and #8 arrived, #0-#6 did not; pid 3 sent nothing real, so lost nothing.
    assert (decoder.malformed, decoder.dropped) == (2, 7)


def test_a_clean_block_is_parsed_whole_with_its_counts() -> None:
    decoder = Decoder(t0_ns=0)
    block = b"".join(encode(seq, 10 * seq, 7, "p", "t", "k", "", {"i": seq}) for seq in range(100))
    events = decoder.decode_block(block)
    assert [e.seq for e in events] == list(range(100))
    assert (decoder.malformed, decoder.repaired, decoder.dropped) == (0, 0, 0)
    # Repeated names are one object each, not one per event.
    assert len({id(e.process) for e in events}) == 1


def test_a_printed_line_sent_in_pieces_is_one_event_whole_in_its_lane() -> None:
    """The tracer sends a long printed line in pieces (``more``: the lane's next
    event goes on with it); two lanes' pieces interleave on the channel, and
    blocks end between pieces. Each lane's line is one event, its pieces counted
    as received (no gap), and another kind's ``more`` is left as it is."""
    decoder = Decoder(t0_ns=0)
    store = EventStore()

    def piece(seq: int, task: str, line: str, **more: Any) -> bytes:
        return encode(seq, seq, 7, "p", task, "stdout", "", {"line": line, **more})

    decoder.feed(store, b"".join([
        piece(0, "a", "a1 ", more=True),
        piece(1, "b", "b1 ", more=True),
        encode(2, 2, 7, "p", "a", "step", "", {"more": True}),
        piece(3, "a", "a2 ", more=True),
    ]))
    decoder.feed(store, b"".join([piece(4, "b", "b2"), piece(5, "a", "a3"), piece(6, "a", "")]))
    assert [(e.task, e.kind, e.detail, e.seq) for e in store.arrived(0, len(store))] == [
        ("a", "step", {"more": True}, 2),
        ("b", "stdout", {"line": "b1 b2"}, 4),
        ("a", "stdout", {"line": "a1 a2 a3"}, 5),
        ("a", "stdout", {"line": ""}, 6),
    ]
    assert (decoder.dropped, decoder.malformed) == (0, 0)


def test_a_printed_line_whose_last_piece_never_came_is_kept_as_partial() -> None:
    decoder = Decoder(t0_ns=0)
    store = EventStore()
    decoder.feed(store, encode(0, 5, 7, "p", "a", "stderr", "", {"line": "cut ", "more": True}))
    assert len(store) == 0
    assert decoder.flush(store) == 1
    (event,) = store.arrived(0, 1)
    assert (event.task, event.kind) == ("a", "stderr")
    assert event.detail == {"line": "cut ", "partial": True}
    assert decoder.dropped == 0


def test_a_line_longer_than_any_message_is_dropped_and_counted(tmp_path: Path) -> None:
    reader = Reader(str(tmp_path / "events"))
    decoder = Decoder(t0_ns=0)
    writer_fd = os.open(reader.path, os.O_WRONLY)
    messages = [encode(seq, 0, 7, "p", "t", "k", "", {}) for seq in range(3)]

    def write() -> None:
        os.write(writer_fd, messages[0])
        for _ in range(3):
            os.write(writer_fd, b"x" * MAX_LINE_BYTES)
        os.write(writer_fd, b"tail\n" + messages[1] + messages[2].rstrip(b"\n"))

    writing = threading.Thread(target=write)
    writing.start()
    events: list[Event] = []
    try:
        while writing.is_alive():
            # Take while the writer writes: the reader must not hold the long line whole.
            events += decoder.decode_block(reader.take_block())
            time.sleep(0.005)
        os.close(writer_fd)
        events += decoder.decode_block(reader.drain_block())  # the last line has no newline
    finally:
        writing.join()
        reader.close()
    assert [e.seq for e in events] == [0, 1, 2]
    # Dropped by the reader (no newline yet) or by the decoder (whole): once either way.
    assert reader.oversized + decoder.malformed == 1


def test_json_output_is_valid_for_every_run_of_a_plan() -> None:
    doc = cli_json("run", "fixture", "--variant", "ok", "--variant", "check-fails",
                   "--start-method", "fork", fixtures=True)
    validate(doc, "run-1")
    assert [r["variant"] for r in doc["runs"]] == ["ok", "check-fails"]


def test_streamed_json_is_the_document_run_doc_builds() -> None:
    from test_render import _hang_result

    from concdemo.commands import report
    from concdemo.core.store import EventStore

    listed = _hang_result()
    stored = _hang_result()
    store = EventStore()
    for event in listed.events:
        store.append(event)
    store.seal()
    stored.events = store
    many = _hang_result()
    many.events = [
        Event(t=i / 1000, pid=7, process="进程", task="t", kind="k", detail={"i": i, "f": 0.5})
        for i in range(5000)  # more than one write's worth
    ]
    results = [listed, stored, many]
    out = io.StringIO()
    report.write_run_doc(results, out)
    streamed = _strict_json(out.getvalue())
    validate(streamed, "run-1")
    assert streamed == report.run_doc(results)
    assert streamed["runs"][0]["events"] == streamed["runs"][1]["events"]
    empty = _hang_result()
    empty.events = []
    out = io.StringIO()
    report.write_run_doc([empty], out)
    assert _strict_json(out.getvalue())["runs"][0]["events"] == []


def test_the_store_orders_late_and_shuffled_arrivals_by_time() -> None:
    import random

    from concdemo.core.store import EventStore

    rng = random.Random(9)
    times = [i / 1000 + rng.uniform(-0.3, 0.3) for i in range(200_000)]  # nearly in order
    shuffled = list(times)
    rng.shuffle(shuffled)  # far out of order: the windowed sort cannot do it alone
    for arrival in (times, shuffled):
        store = EventStore()
        keys = [store.key_id((1, "p", "t", "k", ""))] * len(arrival)
        store.extend(arrival, list(range(len(arrival))), keys, ["{}"] * len(arrival))
        store.seal()
        assert [e.t for e in store] == sorted(arrival)
        assert store[0].seq == min(range(len(arrival)), key=arrival.__getitem__)


def test_a_timeline_drawn_from_the_store_is_the_one_drawn_from_every_event() -> None:
    # The store hands the timeline a sample (the first event of each kind per
    # column, found by bisecting the time order); a list hands it every event.
    import random

    from rich.console import Console

    from concdemo.core.store import EventStore
    from concdemo.render.timeline import timeline

    def stored(count: int) -> EventStore:
        rng = random.Random(count)
        events = []
        for i in range(count):
            pid = rng.choice((11, 12, 13))
            kind = rng.choice(("put", "get", "tick", "check"))
            detail = {"what": "w", "ok": rng.random() > 0.01} if kind == "check" else {"i": i}
            t = round(rng.uniform(0, 5), 3)  # events share times; columns hold one or many
            events.append(Event(t, pid, f"P{pid}", "MainThread", kind, detail, seq=i))
        store = EventStore()
        for event in sorted(events, key=lambda e: e.t + rng.uniform(-0.2, 0.2)):  # arrival
            store.append(event)
        store.seal()
        return store

    def drawn(source: object, width: int) -> str:
        console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
        console.print(timeline(source, width=width))  # type: ignore[arg-type]
        return console.export_text()

    for count in (300, 20_000):  # sparse columns and crowded ones
        store = stored(count)
        every_event = list(store)  # a list has no sample(): the timeline looks at each event
        for width in (40, 80, 173):
            assert drawn(store, width) == drawn(every_event, width), (count, width)


def test_the_stores_shortcuts_answer_what_a_list_of_the_same_events_answers() -> None:
    # Each shortcut (searching columns in C instead of making every event) against
    # the generic function over a plain list; spans, rare kinds, shuffled arrival.
    import random

    from concdemo.core import events as ev
    from concdemo.core.store import EventStore

    rng = random.Random(5)
    made = []
    for i in range(5000):
        pid = rng.choice((21, 22, 23, 24))
        kind, span = rng.choice(
            [("put", ""), ("get", ""), ("task-start", "start"), ("task-end", "end")] * 20
            + [("check", ""), ("error", ""), ("process-end", "")]
        )
        detail = {"link": f"q{i}"} if kind == "put" and i % 7 == 0 else {"i": i}
        made.append(Event(round(rng.uniform(0, 3), 2), pid, f"P{pid}", "T", kind, detail, span, i))
    store = EventStore()
    for event in sorted(made, key=lambda e: e.t + rng.uniform(-0.5, 0.5)):
        store.append(event)
    store.seal()
    every = list(store)  # a list: the generic paths
    rare = ("check", "error")

    def same(a: object, b: object) -> bool:
        return repr(a) == repr(b)

    wrong = [
        name
        for name, fast, generic in [
            ("span_events", ev.span_events(store), ev.span_events(every)),
            ("of_kinds", ev.of_kinds(store, *rare), ev.of_kinds(every, *rare)),
            ("process_names", ev.process_names(store), ev.process_names(every)),
            ("pid_counts", ev.pid_counts(store), ev.pid_counts(every)),
            ("kind_ends", list(ev.kind_ends(store).items()), list(ev.kind_ends(every).items())),
            ("linked", ev.linked(store), ev.linked(every)),
        ]
        if not same(fast, generic)
    ]
    assert wrong == []


def test_the_stores_columns_are_its_json_rows_in_time_order() -> None:
    """columns() (the HTML report's reader) cuts the same texts, in the same order,
    as json_rows(), across chunks and with arrivals out of time order."""
    from concdemo.core.store import EventStore

    store = EventStore()
    a = store.key_id((1, "p", "t", "k", ""))
    b = store.key_id((2, "q", "u", "x-start", "start"))
    store.extend([0.3, 0.1], [0, 1], [a, b], ['{"n":1}', '{"s":"é"}'])
    store.extend([0.2, 0.05, 0.4], [2, 3, 4], [b, a, a], ["{}", '{"n":2}', '{"m":[1]}'])
    store.seal()
    keys, times, key_ids, texts = store.columns()
    rows = list(store.json_rows())
    assert times == [t for t, _, _ in rows] == sorted(times)
    assert [keys[k] for k in key_ids] == [key for _, key, _ in rows]
    assert texts == [text for _, _, text in rows]
    assert texts[0] == '{"n":2}' and len(texts) == 5
