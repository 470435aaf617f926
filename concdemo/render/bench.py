"""`concdemo bench` as a table."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from concdemo.i18n import tr


def bench_table(doc: dict[str, Any]) -> Table:
    table = Table(
        title=tr("bench_title", python=doc["python"], cpus=doc["cpus"]),
        title_justify="left",
        header_style="bold",
    )
    table.add_column(tr("col_measure"), overflow="fold")
    table.add_column(tr("col_value"), justify="right")
    startup = doc["startup"]
    for name, seconds in startup["median_s"].items():
        label = tr("bench_startup", name=name, repeat=startup["repeat"])
        table.add_row(label, f"{seconds * 1000:.0f} ms")
    for name, ratio in startup["ratio_to_import"].items():
        table.add_row(tr("bench_ratio", name=name), f"{ratio:.2f}×")
    burst = doc["burst"]
    table.add_row(tr("bench_emit_cost"), f"{burst['emit_us_per_event']:.2f} µs")
    table.add_row(
        tr("bench_burst", events=burst["events"]),
        tr("bench_events_per_s", rate=burst["events_per_s"]),
    )
    table.add_row(tr("bench_lost"), str(burst["lost_in_any_run"]))
    return table
