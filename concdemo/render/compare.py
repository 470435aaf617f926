"""`concdemo compare` as a table, and its progress display."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from concdemo.compare import Comparison


def _label(variant: str, phase: str, start_method: str | None) -> str:
    label = variant if start_method is None else f"{variant} · {start_method}"
    return label if phase in (variant, "wall") else f"{label}: {phase}"


def comparison_table(comparison: Comparison) -> Group:
    methods = sorted({s.start_method for s in comparison.series})
    one_method = len(methods) == 1
    table = Table(
        title=f"{comparison.scenario}: median of {comparison.repeat} fresh runs each "
        f"(after {comparison.warmup} warm-up), seconds"
        + (f", {methods[0]}" if one_method else ""),
        title_justify="left",
        header_style="bold",
    )
    table.add_column("variant" if one_method else "variant · start", min_width=14, overflow="fold")
    for column in ("min", "median", "max", "stdev", "theory", "÷theory", "speedup"):
        table.add_column(column, justify="right", no_wrap=True)
    for s in comparison.series:
        speedup = comparison.speedup(s)
        cells: list[str | Text] = [
            f"{min(s.samples):.3f}",
            Text(f"{s.median:.3f}", style="bold"),
            f"{max(s.samples):.3f}",
            f"{s.stdev:.3f}",
            "" if s.theory_s is None else f"{s.theory_s:.3f}",
            "" if not s.theory_s else f"{s.median / s.theory_s:.2f}×",
            "" if speedup is None else f"{speedup:.2f}×",
        ]
        table.add_row(_label(s.variant, s.phase, None if one_method else s.start_method), *cells)
    parts: list[Table | Text] = [table]
    parts += [Text(f"warning: {w}", style="yellow") for w in comparison.warnings]
    return Group(*parts)
