"""The one event type every view is built from, and what the views ask of a run's events.

Decoding the channel's messages into events is ``concdemo.core.decoder``'s job."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any


class Event:
    """One thing a scenario process reported.

    ``detail`` may arrive as its JSON text (from the event store, which keeps
    details as text to stay small); it is decoded the first time it is read.
    """

    __slots__ = ("_detail", "_text", "kind", "pid", "process", "seq", "span", "t", "task")

    t: float  # seconds since the run started, from the shared monotonic clock
    pid: int
    process: str
    task: str  # thread, greenlet or generator
    kind: str
    span: str  # "start" / "end" for the two halves of a span, else ""
    seq: int

    def __init__(
        self,
        t: float,
        pid: int,
        process: str,
        task: str,
        kind: str,
        detail: dict[str, Any] | None = None,
        span: str = "",
        seq: int = 0,
        *,
        detail_json: str | None = None,
    ) -> None:
        self.t = t
        self.pid = pid
        self.process = process
        self.task = task
        self.kind = kind
        self.span = span
        self.seq = seq
        self._detail: dict[str, Any] | None = detail
        if detail is None and detail_json is None:
            self._detail = {}
        self._text = detail_json

    def replace(self, **changes: Any) -> Event:
        """A copy with some fields changed (what dataclasses.replace did for the
        dataclass this used to be)."""
        fields: dict[str, Any] = {
            "t": self.t, "pid": self.pid, "process": self.process, "task": self.task,
            "kind": self.kind, "detail": self.detail, "span": self.span, "seq": self.seq,
        }
        fields.update(changes)
        return Event(**fields)

    @property
    def detail(self) -> dict[str, Any]:
        if self._detail is None:
            assert self._text is not None
            self._detail = json.loads(self._text)
        return self._detail

    @property
    def detail_json(self) -> str:
        """The detail as compact JSON text."""
        if self._text is None:
            self._text = json.dumps(self.detail, separators=(",", ":"))
        return self._text

    @property
    def span_name(self) -> str:
        """``task`` for ``task-start`` / ``task-end``."""
        return self.kind.rsplit("-", 1)[0] if self.span else self.kind

    @property
    def link(self) -> str | None:
        """The id shared with the event that answers this one (a put and its get)."""
        link = self.detail.get("link")
        return str(link) if link is not None else None

    def _key(self) -> tuple[Any, ...]:
        return (self.t, self.pid, self.process, self.task, self.kind, self.detail, self.span,
                self.seq)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Event) and self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]  # mutable detail, like the dataclass was

    def __repr__(self) -> str:
        return (
            f"Event(t={self.t!r}, pid={self.pid!r}, process={self.process!r}, "
            f"task={self.task!r}, kind={self.kind!r}, detail={self.detail!r}, "
            f"span={self.span!r}, seq={self.seq!r})"
        )

    def as_json(self) -> dict[str, Any]:
        link = self.link
        doc: dict[str, Any] = {
            "t": round(self.t, 6),
            "pid": self.pid,
            "process": self.process,
            "task": self.task,
            "kind": self.kind,
            # On the wire the link travels in the detail; in JSON it is a field (cli.md).
            "detail": self.detail
            if link is None
            else {k: v for k, v in self.detail.items() if k != "link"},
        }
        if self.span:
            doc["span"] = self.span
        if link is not None:
            doc["link"] = link
        return doc


def span_events(events: Sequence[Event]) -> Sequence[Event]:
    """The events that open or close a span, in order (an EventStore finds them fast)."""
    fast = getattr(events, "span_events", None)
    if fast is not None:
        return fast()  # type: ignore[no-any-return]
    return [e for e in events if e.span]


def pair_spans(events: Sequence[Event]) -> list[tuple[Event, Event | None]]:
    """Match each ``X-start`` with its ``X-end`` on the same process and task (LIFO)."""
    open_spans: dict[tuple[int, str, str], list[Event]] = {}
    pairs: list[tuple[Event, Event | None]] = []
    index: dict[int, int] = {}
    for event in span_events(events):
        if event.span == "start":
            open_spans.setdefault((event.pid, event.task, event.span_name), []).append(event)
            index[id(event)] = len(pairs)
            pairs.append((event, None))
        elif event.span == "end":
            stack = open_spans.get((event.pid, event.task, event.span_name))
            if stack:
                start = stack.pop()
                pairs[index[id(start)]] = (start, event)
    return pairs


def of_kinds(events: Sequence[Event], *kinds: str) -> list[Event]:
    """The events of these kinds, in order (checks, errors: a few among many)."""
    fast = getattr(events, "of_kinds", None)
    if fast is not None:
        return fast(*kinds)  # type: ignore[no-any-return]
    return [e for e in events if e.kind in kinds]


def process_names(events: Sequence[Event]) -> dict[int, str]:
    """Each pid's latest process name, in the order the processes first appear."""
    fast = getattr(events, "process_names", None)
    if fast is not None:
        return fast()  # type: ignore[no-any-return]
    names: dict[int, str] = {}
    for event in events:
        names[event.pid] = event.process
    return names


def time_range(events: Sequence[Event]) -> tuple[float, float]:
    """The first and last event's time."""
    fast = getattr(events, "time_range", None)
    if fast is not None:
        return fast()  # type: ignore[no-any-return]
    return min(e.t for e in events), max(e.t for e in events)


def count_in_details(events: Sequence[Event], text: str) -> int:
    """Occurrences of ``text`` in the events' detail JSON (an EventStore counts fast)."""
    fast = getattr(events, "count_in_details", None)
    if fast is not None:
        return fast(text)  # type: ignore[no-any-return]
    return sum(e.detail_json.count(text) for e in events)


def linked(events: Sequence[Event]) -> list[Event]:
    """The events that carry a link, in order (an EventStore finds them without
    decoding the details of all the others)."""
    fast = getattr(events, "with_in_details", None)
    candidates = fast('"link":') if fast is not None else events
    return [e for e in candidates if e.link is not None]


def kind_ends(events: Sequence[Event]) -> dict[str, tuple[int, Event, Event]]:
    """Per kind of event that is not half of a span: (count, first, last), in time
    order (an EventStore finds them without decoding the events in between)."""
    fast = getattr(events, "kind_ends", None)
    if fast is not None:
        return fast()  # type: ignore[no-any-return]
    found: dict[str, tuple[int, Event, Event]] = {}
    for event in events:
        if event.span:
            continue
        known = found.get(event.kind)
        found[event.kind] = (1, event, event) if known is None else (
            known[0] + 1, known[1], event
        )
    return found


def pid_counts(events: Sequence[Event]) -> dict[int, int]:
    fast = getattr(events, "pid_counts", None)
    if fast is not None:
        return fast()  # type: ignore[no-any-return]
    return dict(Counter(e.pid for e in events))


def ordered(events: list[Event]) -> list[Event]:
    """Events in time order; ties keep each process's own order."""
    return sorted(events, key=lambda e: (e.t, e.pid, e.seq))
