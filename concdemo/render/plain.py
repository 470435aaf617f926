"""Line-per-event output: pipes, logs, `--plain`, dumb terminals."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from concdemo.events import Event
from concdemo.render.style import ProcessColours, event_cells, format_detail, process_label

# Characters Rich changes when it prints a Text (tabs expanded, control codes
# stripped, line breaks): a line holding any of them is printed through Rich, so
# the fast path below never writes anything Rich would not have written.
_RICH_CHANGES = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")


class PlainView:
    """Without colour, each batch of events is one write of ready-made lines (Rich
    costs about 100 µs a line); with colour, each line goes through Rich."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.colours = ProcessColours()

    def begin(self, title: str) -> None:
        self.console.print(Text(f"== {title}", style="bold"))

    def on_event(self, event: Event) -> None:
        self.on_events((event,))

    def on_events(self, events: Sequence[Event]) -> None:
        if self.console.color_system is not None or self.console.record:
            for event in events:
                self._print(event)
            return
        lines: list[str] = []
        for event in events:
            line = plain_line(event)
            if _RICH_CHANGES.search(line) is None:
                lines.append(line)
                continue
            self._write(lines)
            lines = []
            self._print(event)
        self._write(lines)

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


def plain_line(event: Event) -> str:
    """What Rich prints for an event's line without colour."""
    detail = format_detail(event.detail)
    line = f"{event.t:8.3f}s  {process_label(event)}  {event.task}  {event.kind}"
    return f"{line}  {detail}" if detail else line
