"""The one event type every view is built from, and decoding from the channel."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
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

    @property
    def link(self) -> str | None:
        """The id shared with the event that answers this one (a put and its get)."""
        link = self.detail.get("link")
        return str(link) if link is not None else None

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


@dataclass
class Decoder:
    """Turns channel lines into events and keeps count of what went wrong."""

    t0_ns: int
    malformed: int = 0
    _received: Counter[int] = field(default_factory=Counter)
    _highest: dict[int, int] = field(default_factory=dict)

    def decode(self, line: bytes) -> Event | None:
        if not line.strip():
            return None
        try:
            seq, t_ns, pid, process, task, kind, span, detail = json.loads(line)
            if not isinstance(detail, dict):
                raise ValueError("detail is not an object")
            event = Event(
                t=(int(t_ns) - self.t0_ns) / 1e9,
                pid=int(pid),
                process=str(process),
                task=str(task),
                kind=str(kind),
                detail=detail,
                span=str(span),
                seq=int(seq),
            )
        except (ValueError, TypeError):
            self.malformed += 1
            return None
        self._received[event.pid] += 1
        if event.seq > self._highest.get(event.pid, -1):
            self._highest[event.pid] = event.seq
        return event

    @property
    def dropped(self) -> int:
        """Messages a process numbered but that never arrived (gaps in its sequence)."""
        return sum(high + 1 - self._received[pid] for pid, high in self._highest.items())


def ordered(events: list[Event]) -> list[Event]:
    """Events in time order; ties keep each process's own order."""
    return sorted(events, key=lambda e: (e.t, e.pid, e.seq))
