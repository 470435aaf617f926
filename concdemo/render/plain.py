"""Line-per-event output: pipes, logs, `--plain`, dumb terminals."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.text import Text

from concdemo.core.events import Event
from concdemo.core.store import Arrived, Key
from concdemo.render.style import ProcessColours, event_cells, format_detail

# Characters Rich changes when it prints a Text (tabs expanded, control codes
# stripped, line breaks): a line holding any of them is printed through Rich, so
# the fast path below never writes anything Rich would not have written.
_RICH_CHANGES = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")
# The same, less the newline that joins a batch's lines (checked by counting).
_RICH_CHANGES_IN_BATCH = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\u2028\u2029\x85]")

Row = tuple[float, Key, dict[str, Any]]


class PlainView:
    """Without colour, each batch of events is one write of ready-made lines (Rich
    costs about 100 µs a line, and even an Event object per line is too slow for
    a million); with colour, each line goes through Rich."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.colours = ProcessColours()
        self._labels: dict[Key, str] = {}  # "process[pid]  task  kind" by key

    def begin(self, title: str) -> None:
        self.console.print(Text(f"== {title}", style="bold"))

    def on_event(self, event: Event) -> None:
        self.on_events((event,))

    def on_events(self, events: Sequence[Event]) -> None:
        if self.console.color_system is not None or self.console.record:
            for event in events:
                self._print(event)
            return
        rows: Iterable[Row] = events.rows() if isinstance(events, Arrived) else map(_row, events)
        lines = [self._line(row) for row in rows]
        text = "\n".join(lines)
        if text.count("\n") == len(lines) - 1 and _RICH_CHANGES_IN_BATCH.search(text) is None:
            self._write(lines and [text])
            return
        ready: list[str] = []  # a line Rich would change goes through Rich
        for event, line in zip(events, lines, strict=True):
            if _RICH_CHANGES.search(line) is None:
                ready.append(line)
                continue
            self._write(ready)
            ready = []
            self._print(event)
        self._write(ready)

    def _line(self, row: Row) -> str:
        """What Rich prints for the event's line without colour, from its row."""
        t, key, detail = row
        label = self._labels.get(key)
        if label is None:
            label = self._labels[key] = f"{key[1]}[{key[0]}]  {key[2]}  {key[3]}"
        shown = format_detail(detail) if detail else ""
        return f"{t:8.3f}s  {label}  {shown}" if shown else f"{t:8.3f}s  {label}"

    def _write(self, lines: list[str]) -> None:
        if lines:
            self.console.file.write("\n".join(lines) + "\n")
            self.console.file.flush()

    def _print(self, event: Event) -> None:
        t, process, task, kind, detail = event_cells(event, self.colours)
        line = Text.assemble(t, "s  ", process, "  ", task, "  ", kind)
        if detail.plain:
            line.append("  ")
            line.append_text(detail)
        self.console.print(line, soft_wrap=True, highlight=False)

    def end(self) -> None:
        return


def _row(event: Event) -> Row:
    return event.t, (event.pid, event.process, event.task, event.kind, event.span), event.detail
