"""What the tracer summarised instead of sending one by one, added up for the run.

Past its budget (``tracer/budget.py``) a kind of event from one thread and
call site is sent as summary spans, each saying how many occurrences it
stands for, how long they kept the thread busy and how many raised. This adds
those up per kind, per process, thread and site: the counts and totals are
exact; what is gone is each occurrence's own time, arguments and link.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from concdemo.core.events import Event, count_in_details

MARK = '"summarised":'


@dataclass
class Tally:
    """One kind's summarised occurrences in one process, thread and site."""

    pid: int
    process: str
    task: str
    site: dict[str, str]  # {"func": name} or {"site": "file.py:12"}
    calls: int = 0
    spans: int = 0
    busy_s: float = 0.0
    errors: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "pid": self.pid, "process": self.process, "task": self.task, **self.site,
            "calls": self.calls, "spans": self.spans, "busy_s": round(self.busy_s, 6),
            "errors": self.errors,
        }


@dataclass
class Summarised:
    """One kind of event (``task``, ``put``, ``apply_async``...) that was summarised."""

    kind: str
    by: list[Tally] = field(default_factory=list)

    @property
    def calls(self) -> int:
        return sum(t.calls for t in self.by)

    @property
    def spans(self) -> int:
        return sum(t.spans for t in self.by)

    @property
    def processes(self) -> int:
        return len({t.pid for t in self.by})

    @property
    def message(self) -> str:
        """The English sentence the JSON carries (the summary shows ``text`` in its language)."""
        return self.text("en")

    def text(self, lang: str) -> str:
        from concdemo.i18n import t

        return t(
            "events_summarised",
            lang,
            calls=f"{self.calls:,}",
            kind=self.kind,
            processes=t("count_processes", lang, count=self.processes),
            spans=t("count_spans", lang, count=self.spans),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "calls": self.calls,
            "spans": self.spans,
            "processes": self.processes,
            "busy_s": round(sum(t.busy_s for t in self.by), 6),
            "errors": sum(t.errors for t in self.by),
            "message": self.message,
            "by": [t.as_json() for t in self.by],
        }


def summarised(events: Sequence[Event]) -> list[Summarised]:
    """Per kind, in the order each was first summarised. Only the summary spans'
    ends are decoded (a store finds them by their text), so a run with none
    costs one search of the details."""
    if not count_in_details(events, MARK):
        return []
    fast = getattr(events, "with_in_details", None)
    found = fast(MARK) if fast is not None else [e for e in events if MARK in e.detail_json]
    kinds: dict[str, Summarised] = {}
    tallies: dict[tuple[str, int, str, str, str], Tally] = {}
    for event in found:
        detail = event.detail
        count = detail.get("summarised")
        if event.span != "end" or type(count) is not int:
            continue
        kind = event.span_name
        site = {k: str(detail[k]) for k in ("func", "site") if k in detail}
        key = (kind, event.pid, event.task, *next(iter(site.items()), ("", "")))
        tally = tallies.get(key)
        if tally is None:
            tally = tallies[key] = Tally(event.pid, event.process, event.task, site)
            kinds.setdefault(kind, Summarised(kind)).by.append(tally)
        tally.calls += count
        tally.spans += 1
        tally.busy_s += float(detail.get("busy_s") or 0.0)
        tally.errors += int(detail.get("errors") or 0)
    return list(kinds.values())
