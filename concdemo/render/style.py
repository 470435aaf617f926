"""Shared looks: one colour per process, event kinds, compact details."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text

from concdemo.i18n import tr

if TYPE_CHECKING:  # `concdemo list` draws no events and need not import them
    from concdemo.core.events import Event

PROCESS_COLOURS = (
    "cyan",
    "magenta",
    "green",
    "yellow",
    "blue",
    "bright_red",
    "bright_cyan",
    "bright_magenta",
    "bright_green",
    "bright_blue",
)
OUTCOME_STYLES = {"ok": "green", "error": "red", "hang": "yellow", "crash": "bold red"}


class ProcessColours:
    """The same process keeps its colour for the whole run."""

    def __init__(self) -> None:
        self._by_pid: dict[int, str] = {}

    def __call__(self, pid: int) -> str:
        if pid not in self._by_pid:
            self._by_pid[pid] = PROCESS_COLOURS[len(self._by_pid) % len(PROCESS_COLOURS)]
        return self._by_pid[pid]


def kind_style(event: Event) -> str:
    if event.kind == "error":
        return "bold red"
    if event.kind == "check":
        return "green" if event.detail.get("ok") else "bold red"
    if event.kind == "raised":
        return "yellow"
    if event.span_name == "phase":
        return "bold"
    if event.span:
        return "dim"
    return ""


def format_detail(detail: dict[str, Any], limit: int = 200) -> str:
    """``key=value`` pairs; beyond ``limit`` characters, cut with a mark that says
    how much is not shown (the JSON output keeps it all)."""
    parts = []
    for key, value in detail.items():
        shown = value if isinstance(value, str) else repr(value)
        parts.append(f"{key}={shown}")
    text = "  ".join(parts)
    if len(text) <= limit:
        return text
    return text[:limit] + tr("detail_cut", count=len(text) - limit)


def process_label(event: Event) -> str:
    return f"{event.process}[{event.pid}]"


def event_cells(event: Event, colours: ProcessColours) -> tuple[Text, Text, Text, Text, Text]:
    colour = colours(event.pid)
    return (
        Text(f"{event.t:8.3f}", style="dim"),
        Text(process_label(event), style=colour),
        Text(event.task, style=colour),
        Text(event.kind, style=kind_style(event)),
        Text(format_detail(event.detail)),
    )
