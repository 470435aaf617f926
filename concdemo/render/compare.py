"""`concdemo compare` as a table, and its progress display."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from concdemo.i18n import shown, tr
from concdemo.render.prose import prose
from concdemo.study.compare import Comparison


def _label(variant: str, phase: str, start_method: str | None) -> str:
    label = variant if start_method is None else f"{variant} · {start_method}"
    return label if phase in (variant, "wall") else f"{label}: {phase}"


def comparison_table(comparison: Comparison) -> Group:
    methods = sorted({s.start_method for s in comparison.series})
    one_method = len(methods) == 1
    title = tr(
        "compare_title",
        scenario=comparison.scenario,
        repeat=comparison.repeat,
        warmup=comparison.warmup,
    )
    if one_method:
        title += tr("compare_title_method", method=methods[0])
    table = Table(title=title, title_justify="left", header_style="bold")
    table.add_column(
        tr("col_variant" if one_method else "col_variant_start"), min_width=14, overflow="fold"
    )
    for column in (
        "col_min",
        "col_median",
        "col_max",
        "col_stdev",
        "col_theory",
        "col_ratio_theory",
        "col_speedup",
    ):
        table.add_column(tr(column), justify="right", no_wrap=True)
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
    parts += [prose(tr("warning", text=shown(w)), style="yellow") for w in comparison.warnings]
    return Group(*parts)
