"""The runs' summaries and timelines as one SVG picture (Rich's console recording)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from rich.console import Console

from concdemo.render import summary
from concdemo.render.timeline import timeline

if TYPE_CHECKING:
    from concdemo.core.runner import RunResult

# A fixed width, not the terminal's: the same run gives the same picture anywhere.
WIDTH = 100


def picture(results: list[RunResult], width: int = WIDTH, title: str | None = None) -> str:
    console = Console(
        record=True,
        file=io.StringIO(),  # recorded only: nothing reaches the terminal
        width=width,
        force_terminal=True,
        color_system="truecolor",
        highlight=False,
        legacy_windows=False,
        _environ={},  # colours in the picture whatever NO_COLOR or TERM say
    )
    for result in results:
        console.print(summary.render(result))
        console.print(timeline(result.events, waits=result.waits, stopped_at=result.wall_s))
        console.print()
    if len(results) > 1:
        console.print(summary.totals_line(results))
    if title is None:
        scenarios = dict.fromkeys(r.spec.variant.scenario for r in results)
        title = f"concdemo run {' '.join(scenarios)}".strip()
    return console.export_svg(title=title)
