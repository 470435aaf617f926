"""`concdemo bench` as tables, with bars that show each figure's ratio to its floor."""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from concdemo.i18n import tr

_BAR_CELLS = 12
_EIGHTHS = " ▏▎▍▌▋▊▉█"


def ratio_bar(ratio: float | None, widest: float) -> Text:
    """A bar as long as ``ratio`` on a scale up to ``widest``; the floor (1.0) is
    green, up to 1.2× yellow, beyond that red."""
    if ratio is None:
        return Text("")
    eighths = round(min(ratio, widest) / widest * _BAR_CELLS * 8)
    full, part = divmod(eighths, 8)
    bar = "█" * full + (_EIGHTHS[part] if part else "")
    style = "green" if ratio <= 1.0 else "yellow" if ratio <= 1.2 else "red"
    return Text(f"{bar} {ratio:.2f}×", style=style)


def _widest(ratios: list[float | None]) -> float:
    return max([1.0, *(r for r in ratios if r is not None)])


def _commands_table(title: str, rows: list[dict[str, Any]]) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold")
    table.add_column(tr("col_command"), overflow="fold")
    table.add_column(tr("col_median"), justify="right")
    table.add_column(tr("col_cpu"), justify="right")
    table.add_column(tr("col_ratio_floor"), no_wrap=True)
    widest = _widest([r["ratio"] for r in rows])
    for row in rows:
        table.add_row(
            row["name"],
            f"{row['median_s'] * 1000:.0f} ms",
            f"{row['cpu_s'] * 1000:.0f} ms",
            ratio_bar(row["ratio"], widest),
        )
    return table


def _burst_table(burst: dict[str, Any]) -> Table:
    floor = tr("bench_burst_floor")
    table = Table(
        title=tr(
            "bench_burst_title",
            events=burst["events"],
            processes=burst["processes"],
            floor=floor,
            repeat=burst["repeat"],
        ),
        title_justify="left",
        header_style="bold",
    )
    for key in ("col_view", "col_whole_command", "col_scenario_own", "col_peak_rss"):
        table.add_column(tr(key), justify="left" if key == "col_view" else "right", no_wrap=True)
    widest = _widest([r["command_ratio"] for r in burst["views"]])
    for row in burst["views"]:
        own = row["scenario_s"]
        table.add_row(
            floor if row["view"] == "floor" else row["view"],
            Text.assemble(f"{row['command_s']:.2f} s ", ratio_bar(row["command_ratio"], widest)),
            "?" if own is None else f"{own:.2f} s ({row['scenario_ratio']:.2f}×)",
            f"{row['peak_rss_mib']:.0f} MiB",
        )
    return table


def _ipc_table(ipc: dict[str, Any]) -> Table:
    title = tr(
        "bench_ipc_title",
        start_method=ipc["start_method"],
        floor=ipc["floor"],
        repeat=ipc["repeat"],
    )
    if ipc.get("pinned_cores"):
        first, second = ipc["pinned_cores"]
        title += tr("bench_ipc_pinned", first=first, second=second)
    table = Table(
        title=title,
        title_justify="left",
        header_style="bold",
    )
    for key in ("col_size", "col_channel", "col_round_trip", "col_one_way"):
        table.add_column(tr(key), no_wrap=True)
    rtt_widest = _widest([r["rtt_ratio"] for r in ipc["rows"]])
    oneway_widest = _widest([r["throughput_ratio"] for r in ipc["rows"]])
    previous = ""
    for row in ipc["rows"]:
        size = row["size"] if row["size"] != previous else ""
        previous = row["size"]
        table.add_row(
            size,
            row["channel"],
            Text.assemble(f"{_us(row['rtt_us'])} ", ratio_bar(row["rtt_ratio"], rtt_widest)),
            Text.assemble(
                f"{row['mib_per_s']:,.0f} MiB/s ",
                ratio_bar(row["throughput_ratio"], oneway_widest),
            ),
        )
    return table


def _us(value: float) -> str:
    return f"{value / 1000:,.1f} ms" if value >= 1000 else f"{value:,.1f} µs"


def _html_table(html: dict[str, Any]) -> list[RenderableType]:
    """Each figure of issue 18 next to its target; the browser's in one line when
    there is no browser to measure them in."""
    targets = html["targets"]
    table = Table(
        title=tr("bench_html_title", events=html["events"], repeat=html["repeat"]),
        title_justify="left",
        header_style="bold",
    )
    for key in ("col_figure", "col_measured", "col_target"):
        table.add_column(tr(key), justify="left" if key == "col_figure" else "right")
    table.add_row(tr("bench_html_file"), f"{html['file_mb']:.2f} MB",
                  f"≤ {targets['file_mb']} MB")
    table.add_row(tr("bench_html_write"),
                  f"{html['html_s']:.2f} s ({html['write_ratio']:.2f}× {html['json_s']:.2f} s)",
                  f"≤ {targets['write_ratio']}×")
    if html["browser_missing"] is not None:
        return [table, Text(tr("bench_html_no_browser", missing=html["browser_missing"]))]
    table.add_row(tr("bench_html_drawn"), f"{html['drawn_ms']:,.0f} ms",
                  f"≤ {targets['drawn_ms']:,} ms")
    table.add_row(tr("bench_html_pan"), f"{html['pan_p95_ms']:.1f} ms",
                  f"≤ {targets['pan_p95_ms']} ms")
    return [table]


def bench_tables(doc: dict[str, Any]) -> list[RenderableType]:
    parts: list[RenderableType] = [
        Text(tr("bench_title", python=doc["python"], cpus=doc["cpus"]), style="bold"),
        Text(tr("bench_load", **doc["load_average"]), style="dim"),
    ]
    if "startup" in doc:
        startup = doc["startup"]
        title = tr("bench_startup_title", floor=startup["floor"], repeat=startup["repeat"])
        parts.append(_commands_table(title, startup["commands"]))
    if "run" in doc:
        run = doc["run"]
        title = tr(
            "bench_run_title",
            tasks=run["tasks"],
            delay=run["delay_s"],
            workers=run["workers"],
            repeat=run["repeat"],
        )
        parts.append(_commands_table(title, run["commands"]))
    if "channel" in doc:
        channel = doc["channel"]
        parts.append(
            Text(
                tr(
                    "bench_channel",
                    emit=channel["emit_us_per_event"],
                    rate=channel["events_per_s"],
                    lost=channel["events"] - channel["received"],
                    events=channel["events"],
                )
            )
        )
    if "burst" in doc:
        parts.append(_burst_table(doc["burst"]))
    if "ipc" in doc:
        parts.append(_ipc_table(doc["ipc"]))
    if "html" in doc:
        parts.extend(_html_table(doc["html"]))
    return parts
