"""Line-per-event output: pipes, logs, `--plain`, dumb terminals."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from concdemo.events import Event
from concdemo.render.style import ProcessColours, event_cells


class PlainView:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.colours = ProcessColours()

    def begin(self, title: str) -> None:
        self.console.print(Text(f"== {title}", style="bold"))

    def on_event(self, event: Event) -> None:
        t, process, task, kind, detail = event_cells(event, self.colours)
        line = Text.assemble(t, "s  ", process, "  ", task, "  ", kind)
        if detail.plain:
            line.append("  ")
            line.append_text(detail)
        self.console.print(line, soft_wrap=True, highlight=False)

    def end(self) -> None:
        return
