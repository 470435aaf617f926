"""The live table: events as they happen, newest at the bottom, fitted to the terminal."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text

from concdemo.core.events import Event
from concdemo.i18n import tr
from concdemo.render.style import ProcessColours, event_cells

_CHROME_ROWS = 7  # header, table borders and heading, the line Live keeps below
_KEPT_ROWS = 1000  # more than any terminal shows: the table needs only the newest


class LiveView:
    """Redraws at a frame rate on Rich's refresh thread, from the newest events and
    a count; batches of events only get appended, never drawn one by one."""

    def __init__(self, console: Console, clock: Callable[[], float] = time.monotonic) -> None:
        self.console = console
        self.colours = ProcessColours()
        self._tail: deque[Event] = deque(maxlen=_KEPT_ROWS)
        self._count = 0
        self._lock = threading.Lock()
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

    @property
    def events(self) -> list[Event]:
        """The newest events (at most ``_KEPT_ROWS``)."""
        with self._lock:
            return list(self._tail)

    @events.setter
    def events(self, events: Sequence[Event]) -> None:
        with self._lock:
            self._tail = deque(events, maxlen=_KEPT_ROWS)
            self._count = len(events)

    def on_event(self, event: Event) -> None:
        self.on_events((event,))

    def on_events(self, events: Sequence[Event]) -> None:
        newest = events[-_KEPT_ROWS:]  # a batch may be huge: make only what can show
        with self._lock:
            self._tail.extend(newest)
            self._count += len(events)

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
            (tr("live_events", count=self._count), "dim"),
        )
        if self.footer:
            return Group(header, self.table(), Text(self.footer, style="reverse"))
        return Group(header, self.table())

    def table(self) -> Table:
        rows = max(3, self.console.size.height - _CHROME_ROWS)
        with self._lock:
            count = self._count
            shown = list(self._tail)[-rows:]
        table = Table(expand=True, pad_edge=False, show_edge=False, box=None, header_style="bold")
        table.add_column(tr("col_t_s"), justify="right", no_wrap=True, width=8)
        table.add_column(tr("col_process"), no_wrap=True, max_width=28)
        table.add_column(tr("col_thread_greenlet"), no_wrap=True, max_width=20)
        table.add_column(tr("col_event"), no_wrap=True, max_width=20)
        table.add_column(tr("col_detail"), no_wrap=True, overflow="ellipsis", ratio=1)
        hidden = count - len(shown)
        if hidden:
            table.add_row("", Text(tr("earlier_events", hidden=hidden), style="dim"), "", "", "")
        for event in shown:
            table.add_row(*event_cells(event, self.colours))
        return table
