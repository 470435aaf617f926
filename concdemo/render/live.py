"""The live table: events as they happen, newest at the bottom, fitted to the terminal."""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text

from concdemo.events import Event
from concdemo.i18n import tr
from concdemo.render.style import ProcessColours, event_cells

_CHROME_ROWS = 7  # header, table borders and heading, the line Live keeps below


class LiveView:
    """Draws from the event list on Rich's refresh thread; events only get appended."""

    def __init__(self, console: Console, clock: Callable[[], float] = time.monotonic) -> None:
        self.console = console
        self.colours = ProcessColours()
        self.events: list[Event] = []
        self.title = ""
        self.footer = ""  # e.g. step mode's key help
        self._clock = clock
        self._started = clock()
        self._live: Live | None = None

    def begin(self, title: str) -> None:
        self.title = title
        self.events = []
        self._started = self._clock()
        self._live = Live(
            console=self.console,
            get_renderable=self.renderable,
            refresh_per_second=10,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._live.start()

    def on_event(self, event: Event) -> None:
        self.events.append(event)

    def end(self) -> None:
        if self._live is not None:
            self._live.refresh()
            self._live.stop()
            self._live = None

    def renderable(self) -> RenderableType:
        elapsed = self._clock() - self._started
        header = Text.assemble(
            (self.title, "bold"),
            "  ",
            (tr("live_elapsed", seconds=elapsed), "dim"),
            "  ",
            (tr("live_events", count=len(self.events)), "dim"),
        )
        if self.footer:
            return Group(header, self.table(), Text(self.footer, style="reverse"))
        return Group(header, self.table())

    def table(self) -> Table:
        rows = max(3, self.console.size.height - _CHROME_ROWS)
        shown = self.events[-rows:]
        table = Table(expand=True, pad_edge=False, show_edge=False, box=None, header_style="bold")
        table.add_column(tr("col_t_s"), justify="right", no_wrap=True, width=8)
        table.add_column(tr("col_process"), no_wrap=True, max_width=28)
        table.add_column(tr("col_thread_greenlet"), no_wrap=True, max_width=20)
        table.add_column(tr("col_event"), no_wrap=True, max_width=20)
        table.add_column(tr("col_detail"), no_wrap=True, overflow="ellipsis", ratio=1)
        hidden = len(self.events) - len(shown)
        if hidden:
            table.add_row("", Text(tr("earlier_events", hidden=hidden), style="dim"), "", "", "")
        for event in shown:
            table.add_row(*event_cells(event, self.colours))
        return table
