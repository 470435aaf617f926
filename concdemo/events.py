"""The one event type every view is built from, and decoding from the channel."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concdemo.store import EventStore

# A line longer than this is no message of ours (the writer keeps them under
# PIPE_BUF); the receiver drops it whole and counts it as malformed.
MAX_LINE_BYTES = 1 << 20
_MAX_NAME_CHARS = 200
_MAX_SEQ = 1 << 62  # larger sequence numbers would report absurd losses
_SPANS = ("", "start", "end")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
# A message exactly as channel.encode writes it; anything else is decoded with care.
_STRING = rb'("(?:[^"\\\x00-\x1f]|\\.)*")'
_LINE = re.compile(
    rb"\[(\d{1,18}),(\d{1,19}),(\d{1,10})," + rb",".join([_STRING] * 4) + rb",(\{.*\})\]"
)


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
        doc: dict[str, Any] = {
            "t": round(self.t, 6),
            "pid": self.pid,
            "process": self.process,
            "task": self.task,
            "kind": self.kind,
            "detail": self.detail,
        }
        if self.span:
            doc["span"] = self.span
        return doc


class _Repairs:
    """Counts the values of one line that JSON output could not carry as they came."""

    def __init__(self) -> None:
        self.count = 0

    def constant(self, name: str) -> str:
        # NaN, Infinity, -Infinity: json.loads takes them, strict JSON readers do not.
        self.count += 1
        return name

    def float(self, text: str) -> float | str:
        value = float(text)
        if math.isfinite(value):
            return value
        self.count += 1  # 1e999 overflows to inf
        return text


def _without_lone_surrogates(value: Any, repairs: _Repairs) -> Any:
    """``"\\ud800"`` decodes to a string UTF-8 cannot encode; make it U+FFFD."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            repairs.count += 1
            return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return value
    if isinstance(value, list):
        return [_without_lone_surrogates(v, repairs) for v in value]
    if isinstance(value, dict):
        return {
            _without_lone_surrogates(k, repairs): _without_lone_surrogates(v, repairs)
            for k, v in value.items()
        }
    return value


@dataclass
class Decoder:
    """Turns channel lines into events and keeps count of what went wrong.

    Nothing a writer sends can make it raise: a line that is not a message is
    counted in ``malformed``; a message with values JSON output cannot carry
    (invalid UTF-8, lone surrogates, NaN, infinities) is kept with those values
    replaced, and counted in ``repaired``.
    """

    t0_ns: int
    malformed: int = 0
    repaired: int = 0
    _received: Counter[int] = field(default_factory=Counter)
    _highest: dict[int, int] = field(default_factory=dict)
    # Names repeat on every event of a process: keep one copy of each.
    _names: dict[str, str] = field(default_factory=dict)
    _pids: dict[int, int] = field(default_factory=dict)

    def decode(self, line: bytes) -> Event | None:
        if not line.strip():
            return None
        if len(line) > MAX_LINE_BYTES:
            self.malformed += 1
            return None
        repairs = _Repairs()
        try:
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                text = line.decode("utf-8", "replace")
                repairs.count += 1
            fields = json.loads(
                text, parse_constant=repairs.constant, parse_float=repairs.float
            )
            if _SURROGATE_ESCAPE.search(line) is not None:
                fields = _without_lone_surrogates(fields, repairs)
            event = self._event(fields)
        except (ValueError, TypeError, OverflowError, RecursionError):
            self.malformed += 1
            return None
        if repairs.count:
            self.repaired += 1
        self._count(event)
        return event

    def decode_block(self, data: bytes) -> list[Event]:
        """Every event in ``data`` (whole lines), in arrival order."""
        from concdemo.store import EventStore

        store = EventStore()
        self.feed(store, data)
        return store.arrived(0, len(store))

    def feed(self, store: EventStore, data: bytes) -> int:
        """Decode the whole lines in ``data`` into ``store``; returns how many events
        were added. Lines as our writer makes them take a fast path (one regex per
        line, one JSON parse per block to check the details, kept as text); any
        other line takes the careful path of ``decode``."""
        before = len(store)
        lines = data.strip(b"\n").split(b"\n")
        if lines == [b""]:
            return 0
        pending: list[tuple[int, re.Match[bytes]]] = []  # key id, the line's fields
        for line in lines:
            fields = _LINE.fullmatch(line)
            key = None if fields is None else self._fast_key(store, fields)
            if key is None or fields is None:
                self._flush(store, pending)
                pending = []
                event = self.decode(line)
                if event is not None:
                    store.append(event)
                continue
            pending.append((key, fields))
        self._flush(store, pending)
        return len(store) - before

    def _fast_key(self, store: EventStore, fields: re.Match[bytes]) -> int | None:
        raw = fields.group(3, 4, 5, 6, 7)
        found = store.raw_keys.get(raw)
        if found is None:
            if any(_SURROGATE_ESCAPE.search(quoted) for quoted in raw[1:]):
                return None  # the careful path repairs lone surrogates and counts them
            try:
                names = [_name(json.loads(quoted.decode("utf-8"))) for quoted in raw[1:]]
            except ValueError:
                return None
            if names[3] not in _SPANS:
                return None
            pid = int(raw[0])
            process, task, kind, span = (self._names.setdefault(n, n) for n in names)
            found = store.raw_keys[raw] = store.key_id((pid, process, task, kind, span))
        return found

    def _flush(self, store: EventStore, rows: list[tuple[int, re.Match[bytes]]]) -> None:
        """Check the details of fast-path rows in one parse; store them as text."""
        if not rows:
            return
        details = [fields[8] for _, fields in rows]
        joined = b"".join(details)
        try:
            if not joined.isascii() or _SURROGATE_ESCAPE.search(joined):
                raise ValueError("needs the careful path")
            json.loads(
                "[" + b",".join(details).decode("ascii") + "]",
                parse_constant=_refuse_constant,
                parse_float=_finite_float,
            )
        except (ValueError, RecursionError):
            for _, fields in rows:
                event = self.decode(fields.string)
                if event is not None:
                    store.append(event)
            return
        t0 = self.t0_ns
        seqs = [int(fields[1]) for _, fields in rows]
        keys = [key for key, _ in rows]
        store.extend(
            [(int(fields[2]) - t0) / 1e9 for _, fields in rows],
            seqs,
            keys,
            [d.decode("ascii") for d in details],
        )
        received, highest = self._received, self._highest
        pids = store.pids
        for seq, key in zip(seqs, keys, strict=True):
            pid = pids[key]
            received[pid] += 1
            if seq > highest.get(pid, -1):
                highest[pid] = seq

    def _event(self, fields: Any) -> Event:
        seq, t_ns, pid, process, task, kind, span, detail = fields
        if not isinstance(detail, dict):
            raise ValueError("detail is not an object")
        if type(seq) is not int or not 0 <= seq < _MAX_SEQ:
            raise ValueError("seq is not a message number")
        if span not in _SPANS:
            raise ValueError("span is neither start nor end")
        pid = int(pid)
        names = self._names
        return Event(
            t=(int(t_ns) - self.t0_ns) / 1e9,
            pid=self._pids.setdefault(pid, pid),
            process=names.setdefault(p := _name(process), p),
            task=names.setdefault(k := _name(task), k),
            kind=names.setdefault(n := _name(kind), n),
            detail=detail,
            span=names.setdefault(s := _name(span), s),
            seq=seq,
        )

    def _count(self, event: Event) -> None:
        pid, seq = event.pid, event.seq
        self._received[pid] += 1
        if seq > self._highest.get(pid, -1):
            self._highest[pid] = seq

    @property
    def dropped(self) -> int:
        """Messages a process numbered but that never arrived (gaps in its sequence)."""
        return sum(high + 1 - self._received[pid] for pid, high in self._highest.items())


def _name(value: Any) -> str:
    return value[:_MAX_NAME_CHARS] if isinstance(value, str) else str(value)[:_MAX_NAME_CHARS]


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} overflows")
    return value


def span_events(events: Sequence[Event]) -> Sequence[Event]:
    """The events that open or close a span, in order (an EventStore finds them fast)."""
    fast = getattr(events, "span_events", None)
    if fast is not None:
        return fast()  # type: ignore[no-any-return]
    return [e for e in events if e.span]


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


def pid_counts(events: Sequence[Event]) -> dict[int, int]:
    fast = getattr(events, "pid_counts", None)
    if fast is not None:
        return fast()  # type: ignore[no-any-return]
    return dict(Counter(e.pid for e in events))


def ordered(events: list[Event]) -> list[Event]:
    """Events in time order; ties keep each process's own order."""
    return sorted(events, key=lambda e: (e.t, e.pid, e.seq))
