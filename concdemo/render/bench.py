"""`concdemo bench` as a table."""

from __future__ import annotations

from typing import Any

from rich.table import Table


def bench_table(doc: dict[str, Any]) -> Table:
    table = Table(
        title=f"concdemo bench (Python {doc['python']}, {doc['cpus']} CPUs)",
        title_justify="left",
        header_style="bold",
    )
    table.add_column("measure")
    table.add_column("value", justify="right")
    startup = doc["startup"]
    for name, seconds in startup["median_s"].items():
        table.add_row(f"{name} (median of {startup['repeat']})", f"{seconds * 1000:.0f} ms")
    for name, ratio in startup["ratio_to_import"].items():
        table.add_row(f"{name} / import typer, rich", f"{ratio:.2f}×")
    burst = doc["burst"]
    table.add_row("emit cost per event (median burst)", f"{burst['emit_us_per_event']:.2f} µs")
    table.add_row(f"burst of {burst['events']:,} events", f"{burst['events_per_s']:,} events/s")
    table.add_row("events lost in all bursts", str(burst["lost_in_any_run"]))
    return table
