"""Chrome Trace Event JSON from the runs' events, for Perfetto and chrome://tracing.

Spans become complete (``X``) slices, every other event an instant (``i``) on the
track of the thread, greenlet or generator that sent it. A viewer draws the
slices of one track as a stack, which only works when they nest; two spans of
one task that overlap without nesting (greenlets sharing a name) go to an extra
track of that task instead.

Every run of the file starts at ts 0, so the variants line up for comparison;
each run has pids of its own and process names that start with its variant and
start method, so runs never merge even when the system reused a pid.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from concdemo.core.events import Event, pair_spans

if TYPE_CHECKING:
    from concdemo.core.runner import RunResult

# Above any pid Linux hands out (pid_max is at most 2**22), so run n's pids
# are its real pids plus n * PID_STRIDE and the first run keeps the real ones.
PID_STRIDE = 1 << 22
_LINKED_INSTANT_NS = 1000
_FLOW_INSET_NS = 100


def dumps(results: list[RunResult]) -> str:
    return json.dumps(trace_doc(results), ensure_ascii=False, separators=(",", ":"))


def trace_doc(results: list[RunResult]) -> dict[str, Any]:
    builder = _Builder()
    for index, result in enumerate(results):
        spec = result.spec
        builder.add_run(
            index,
            f"{spec.variant.name} · {spec.start_method}",
            result.events,
            result.waits,
            result.wall_s,
        )
    return {
        "traceEvents": builder.metadata + builder.slices + builder.flows,
        "displayTimeUnit": "ms",
    }


def _ns(t: float) -> int:
    # Whole nanoseconds: nesting is decided on integers, never on float sums.
    return round(t * 1e9)


def _us(ns: int) -> float:
    return ns / 1000


@dataclass
class _Span:
    start: Event
    end: Event | None
    start_ns: int
    end_ns: int


@dataclass
class _Task:
    """The tracks of one task: the first holds its instants, extras hold overlaps."""

    tids: list[int] = field(default_factory=list)
    open_ends: list[list[int]] = field(default_factory=list)  # per track, a stack of ends


@dataclass
class _Builder:
    metadata: list[dict[str, Any]] = field(default_factory=list)
    slices: list[dict[str, Any]] = field(default_factory=list)
    flows: list[dict[str, Any]] = field(default_factory=list)
    _next_tid: int = 1
    _next_flow: int = 1

    def add_run(
        self,
        index: int,
        label: str,
        stored: Sequence[Event],
        waits: Sequence[dict[str, Any]] = (),
        wall_s: float = 0.0,
    ) -> None:
        if not stored and not waits:
            return
        # One Event object per event: slices and flows find each other by id(), and an
        # EventStore makes a fresh object each time it is read.
        events = list(stored)
        run_end_ns = max([_ns(e.t) for e in events] + [_ns(wall_s) if waits else 0])
        # The hang's wait-for graph: each wait a slice up to the stop, each holder
        # a slice of what it holds, and an arrow from the one to the other.
        graph, arrows = _wait_spans(waits, _ns(wall_s))  # they end at the stop
        events += [half for span in graph for half in (span.start, span.end) if half is not None]
        tasks: dict[tuple[int, str], _Task] = {}
        names: dict[int, str] = {}
        for event in events:
            names[event.pid] = event.process  # a renamed process keeps its last name
            key = (event.pid, event.task)
            if key not in tasks:
                tasks[key] = _Task()
                self._new_track(index, event.pid, event.task, tasks[key])
        for order, (pid, name) in enumerate(names.items()):
            trace_pid = pid + index * PID_STRIDE
            self._meta("process_name", trace_pid, 0, {"name": f"{label}: {name}[{pid}]"})
            self._meta("process_sort_index", trace_pid, 0, {"sort_index": index * 1000 + order})

        spans = [
            _Span(start, end, _ns(start.t), run_end_ns if end is None else _ns(end.t))
            for start, end in pair_spans(events)
            if start.kind not in _GRAPH_KINDS
        ]
        spans += graph
        # A linked instant becomes a 1 µs slice: a flow arrow binds to a slice.
        spans += [
            _Span(e, e, _ns(e.t), _ns(e.t) + _LINKED_INSTANT_NS)
            for e in events
            if not e.span and e.link is not None
        ]
        where: dict[int, tuple[int, int, int]] = {}  # id(event) -> (tid, slice start, end)
        # Outer spans first, so that each inner one finds its parent already open.
        spans.sort(key=lambda s: (s.start_ns, -s.end_ns))
        for span in spans:
            key = (span.start.pid, span.start.task)
            tid = self._place(index, key, tasks[key], span)
            self.slices.append(self._slice(index, tid, span))
            for half in (span.start, span.end):
                if half is not None:
                    where[id(half)] = (tid, span.start_ns, span.end_ns)
        for event in events:
            if not event.span and event.link is None and event.kind not in _GRAPH_KINDS:
                tid = tasks[(event.pid, event.task)].tids[0]
                self.slices.append(
                    {
                        "name": event.kind,
                        "cat": "event",
                        "ph": "i",
                        "s": "t",
                        "ts": _us(_ns(event.t)),
                        "pid": event.pid + index * PID_STRIDE,
                        "tid": tid,
                        "args": event.detail,
                    }
                )

        self._add_flows(index, events, where)
        self._add_wait_flows(index, arrows, where)

    def _add_wait_flows(
        self,
        index: int,
        arrows: list[tuple[Event, Event, str]],
        where: dict[int, tuple[int, int, int]],
    ) -> None:
        """An arrow from each wait to each of its holders, at the stop (Perfetto
        draws the cycle of a deadlock as arrows between its lanes)."""
        for waiter, holder, label in arrows:
            flow_id = self._next_flow
            self._next_flow += 1
            for event, phase in ((waiter, "s"), (holder, "f")):
                tid, start_ns, end_ns = where[id(event)]
                ts_ns = max(start_ns, end_ns - _FLOW_INSET_NS)
                pid = event.pid + index * PID_STRIDE
                self._add_flow("waits for", "wait", phase, flow_id, ts_ns, pid, tid, {"on": label})

    def _add_flows(
        self, index: int, events: list[Event], where: dict[int, tuple[int, int, int]]
    ) -> None:
        """One arrow from the first event of each link to every later one (a put to
        its get; a map call to each of its tasks), across processes."""
        groups: dict[str, list[Event]] = {}
        for event in events:
            if event.link is not None and id(event) in where:
                groups.setdefault(event.link, []).append(event)
        for link, group in groups.items():
            first, *answers = group
            for answer in answers:
                flow_id = self._next_flow
                self._next_flow += 1
                for event, phase in ((first, "s"), (answer, "f")):
                    tid, start_ns, end_ns = where[id(event)]
                    # Strictly inside the slice the arrow binds to: at its start for
                    # the sender, at its end for a receiver that waited.
                    at_end = event.span == "end"
                    ts_ns = end_ns - _FLOW_INSET_NS if at_end else start_ns + _FLOW_INSET_NS
                    ts_ns = max(start_ns, min(ts_ns, end_ns))
                    pid = event.pid + index * PID_STRIDE
                    self._add_flow("link", "link", phase, flow_id, ts_ns, pid, tid, {"link": link})

    def _add_flow(
        self, name: str, cat: str, phase: str, flow_id: int, ts_ns: int, pid: int, tid: int,
        args: dict[str, Any],
    ) -> None:
        """One end of a flow arrow: its start ("s") or its end ("f"), which binds to
        the slice that encloses it ("bp": "e")."""
        flow: dict[str, Any] = {
            "name": name, "cat": cat, "ph": phase, "id": flow_id, "ts": _us(ts_ns),
            "pid": pid, "tid": tid, "args": args,
        }
        if phase == "f":
            flow["bp"] = "e"
        self.flows.append(flow)

    def _place(self, index: int, key: tuple[int, str], task: _Task, span: _Span) -> int:
        """The first track of the task where the span nests; a new track if none."""
        for tid, ends in zip(task.tids, task.open_ends, strict=True):
            # Spans come in start order: whatever ended by now can contain nothing more.
            while ends and ends[-1] <= span.start_ns:
                ends.pop()
            if not ends or span.end_ns <= ends[-1]:
                ends.append(span.end_ns)
                return tid
        self._new_track(index, key[0], f"{key[1]} ({len(task.tids) + 1})", task)
        task.open_ends[-1].append(span.end_ns)
        return task.tids[-1]

    def _new_track(self, index: int, pid: int, name: str, task: _Task) -> None:
        # tids are unique in the whole file: viewers key threads by tid.
        tid = self._next_tid
        self._next_tid += 1
        task.tids.append(tid)
        task.open_ends.append([])
        trace_pid = pid + index * PID_STRIDE
        self._meta("thread_name", trace_pid, tid, {"name": name})
        self._meta("thread_sort_index", trace_pid, tid, {"sort_index": tid})

    def _slice(self, index: int, tid: int, span: _Span) -> dict[str, Any]:
        start = span.start
        name = start.span_name
        if not start.span:  # a linked instant
            return {
                "name": name,
                "cat": "event",
                "ph": "X",
                "ts": _us(span.start_ns),
                "dur": _us(span.end_ns - span.start_ns),
                "pid": start.pid + index * PID_STRIDE,
                "tid": tid,
                "args": start.detail,
            }
        if name == "phase":
            name = f"phase {start.detail.get('name', '')}".strip()
        elif start.kind == _WAIT:
            name = f"waits for {start.detail.get('on', '')}"
        elif start.kind == _HOLD:
            what = str(start.detail.get("what", ""))
            name = _HOLD_NAMES.get(str(start.detail.get("kind")), "holds {}").format(what)
        args = {**start.detail, **(span.end.detail if span.end is not None else {})}
        if span.end is None:
            args["unfinished"] = True  # the run ended (or hung) before this span did
        return {
            "name": name,
            "cat": "span",
            "ph": "X",
            "ts": _us(span.start_ns),
            "dur": _us(span.end_ns - span.start_ns),
            "pid": start.pid + index * PID_STRIDE,
            "tid": tid,
            "args": args,
        }

    def _meta(self, name: str, pid: int, tid: int, args: dict[str, Any]) -> None:
        self.metadata.append({"name": name, "ph": "M", "pid": pid, "tid": tid, "args": args})


# The kinds of the slices made from the wait-for graph (not events any process sent).
_WAIT, _HOLD = "waits-for", "holds"
_GRAPH_KINDS = frozenset((_WAIT, _HOLD))
# A holder's slice, by what it is the holder of: a thread or process is awaited (its
# end releases the waiter), a recv's holder keeps the write end open, a queue's
# pipe waits for its reader; the rest are held.
_HOLD_NAMES = {
    "thread": "awaited: {}",
    "process": "awaited: {}",
    "recv": "holds the write end of {}",
    "pipe": "would read {}",
}
# A wait or a hold whose beginning is not known: a mark this long, ending at the stop.
_MARK_NS = 1_000_000


def _wait_spans(
    waits: Sequence[dict[str, Any]], end_ns: int
) -> tuple[list[_Span], list[tuple[Event, Event, str]]]:
    """Slices for each edge of the graph (the wait on the waiter's lane, what each
    holder holds on its lane, both ending at the stop) and the (wait, hold) pairs
    an arrow joins."""
    from concdemo.explain.waits import named

    spans: list[_Span] = []
    arrows: list[tuple[Event, Event, str]] = []
    holds: dict[tuple[int, str, str], Event] = {}

    def span(
        pid: int, process: str, thread: str, kind: str, since: Any, detail: dict[str, Any]
    ) -> Event:
        start_ns = end_ns - _MARK_NS if since is None else end_ns - _ns(float(since))
        start_ns = max(0, min(start_ns, end_ns - _FLOW_INSET_NS * 2))
        start = Event(start_ns / 1e9, pid, process, thread, kind, detail, "start")
        end = Event(end_ns / 1e9, pid, process, thread, kind, {}, "end")
        spans.append(_Span(start, end, start_ns, end_ns))
        return end

    for edge in waits:
        waiter, on = edge["waiter"], edge["on"]
        label = named(on, "en")  # the trace's names are English, as its JSON
        holders = edge.get("held_by") or []
        wait = span(
            waiter["pid"],
            waiter["process"],
            waiter["thread"],
            _WAIT,
            edge.get("since_s"),
            {
                "on": label,
                "created_at": on.get("created_at"),
                "at": edge.get("at"),
                "held_by": [f"{h['process']}/{h['thread']}" for h in holders],
                "timed": edge.get("timed", False),
            },
        )
        for holder in holders:
            key = (holder["pid"], holder["thread"], label)
            if key not in holds:
                holds[key] = span(
                    holder["pid"],
                    holder["process"],
                    holder["thread"],
                    _HOLD,
                    holder.get("since_s"),
                    {
                        "what": label,
                        "kind": on["kind"],
                        "at": holder.get("at"),
                        "inferred": holder.get("inferred"),
                    },
                )
            arrows.append((wait, holds[key], label))
    return spans, arrows
