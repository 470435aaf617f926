"""The one event type every view is built from, and decoding from the channel."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# A line longer than this is no message of ours (the writer keeps them under
# PIPE_BUF); the receiver drops it whole and counts it as malformed.
MAX_LINE_BYTES = 1 << 20
_MAX_NAME_CHARS = 200
_MAX_SEQ = 1 << 62  # larger sequence numbers would report absurd losses
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


@dataclass(frozen=True, slots=True)
class Event:
    t: float  # seconds since the run started, from the shared monotonic clock
    pid: int
    process: str
    task: str  # thread, greenlet or generator
    kind: str
    detail: dict[str, Any]
    span: str = ""  # "start" / "end" for the two halves of a span, else ""
    seq: int = 0

    @property
    def span_name(self) -> str:
        """``task`` for ``task-start`` / ``task-end``."""
        return self.kind.rsplit("-", 1)[0] if self.span else self.kind

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
        """Every event in ``data`` (whole lines). One JSON parse for the whole block
        is several times faster than one per line; a block with anything unusual in
        it (a bad line, invalid UTF-8, NaN, 1e999, a lone surrogate) takes the
        careful path, line by line."""
        body = data.strip(b"\n")
        if not body:
            return []
        if b"\n\n" not in body and _SURROGATE_ESCAPE.search(body) is None:
            try:
                text = body.decode("utf-8")
                rows = json.loads(
                    "[" + text.replace("\n", ",") + "]",
                    parse_constant=_refuse_constant,
                    parse_float=_finite_float,
                )
                events = [self._event(row) for row in rows]
            except (ValueError, TypeError, OverflowError, RecursionError):
                pass
            else:
                for fresh in events:
                    self._count(fresh)
                return events
        found = []
        for line in body.split(b"\n"):
            event = self.decode(line)
            if event is not None:
                found.append(event)
        return found

    def _event(self, fields: Any) -> Event:
        seq, t_ns, pid, process, task, kind, span, detail = fields
        if not isinstance(detail, dict):
            raise ValueError("detail is not an object")
        if type(seq) is not int or not 0 <= seq < _MAX_SEQ:
            raise ValueError("seq is not a message number")
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


def ordered(events: list[Event]) -> list[Event]:
    """Events in time order; ties keep each process's own order."""
    return sorted(events, key=lambda e: (e.t, e.pid, e.seq))
