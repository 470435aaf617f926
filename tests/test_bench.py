"""`concdemo bench`: every section runs to the end and its JSON keeps to the schema.

The figures themselves are the machine's; these tests check that each one was
measured (no failed command, no missing view or channel) and is shown, not its value.
"""

from __future__ import annotations

import io
import shutil
from typing import Any

import pytest
from rich.console import Console

from concdemo.commands.ipc_bench import KINDS, SIZES
from concdemo.render.bench import bench_tables, ratio_bar

from conftest import cli, cli_json, validate


@pytest.fixture(scope="module")
def quick_bench() -> dict[str, Any]:
    # Every section once, at --quick sizes: about 20 s on an idle 2-core machine.
    return cli_json("bench", "--quick", "--repeat", "1", timeout=600)


@pytest.mark.slow
def test_quick_bench_document_validates_against_its_schema(quick_bench: dict[str, Any]) -> None:
    assert quick_bench["_exit"] == 0
    validate(quick_bench, "bench-1")
    assert {"startup", "run", "channel", "burst", "ipc"} <= quick_bench.keys()


@pytest.mark.slow
def test_every_timed_command_and_view_finished(quick_bench: dict[str, Any]) -> None:
    for section in ("startup", "run"):
        failed = {r["name"]: r["failed"] for r in quick_bench[section]["commands"] if r["failed"]}
        assert not failed, f"{section}: commands that failed: {failed}"
    views = {r["view"]: r for r in quick_bench["burst"]["views"]}
    assert set(views) == {"floor", "plain", "json", "live"}
    broken = {name: r for name, r in views.items() if r["failed"] or r["scenario_s"] is None}
    assert not broken, f"views whose burst did not report its own time: {broken}"
    channel = quick_bench["channel"]
    assert channel["received"] == channel["events"], "the channel lost events"


@pytest.mark.slow
def test_ipc_table_has_every_channel_and_size_against_the_floor(
    quick_bench: dict[str, Any],
) -> None:
    rows = {(r["channel"], r["size"]): r for r in quick_bench["ipc"]["rows"]}
    assert set(rows) == {(kind, size) for kind in KINDS for size in SIZES}
    for size in SIZES:
        floor = rows[("os.pipe", size)]
        assert floor["rtt_ratio"] == 1.0 and floor["throughput_ratio"] == 1.0
    assert all(r["rtt_us"] > 0 and r["mib_per_s"] > 0 for r in rows.values())


@pytest.mark.slow
def test_terminal_tables_show_a_bar_per_ratio(quick_bench: dict[str, Any]) -> None:
    out = io.StringIO()
    Console(file=out, width=120, color_system=None).print(*bench_tables(quick_bench))
    text = out.getvalue()
    for channel in KINDS:
        assert channel in text
    shown_ratios = text.count("×")
    ratios = (
        len(quick_bench["startup"]["commands"])
        + len(quick_bench["run"]["commands"])
        + len(quick_bench["burst"]["views"]) * 2
        + len(quick_bench["ipc"]["rows"]) * 2
    )
    assert shown_ratios >= ratios, "a ratio is missing from the tables"


# What `bench --only ipc --json` must carry: the floor and the channels the article uses.
IPC_FIGURES = ("os.pipe", "Queue", "SimpleQueue", "Pipe duplex", "Pipe simplex",
               "Manager list", "shared_memory")  # fmt: skip


def test_only_ipc_json_carries_the_floor_and_every_channel_with_sane_figures() -> None:
    # The IPC section alone at --quick sizes, one sample: a few seconds.
    doc = cli_json("bench", "--only", "ipc", "--quick", "--repeat", "1", timeout=300)
    assert doc["_exit"] == 0
    validate(doc, "bench-1")
    assert not {"startup", "run", "channel", "burst"} & doc.keys(), "only the ipc section"
    ipc = doc["ipc"]
    assert ipc["floor"] == "os.pipe"
    rows = {(r["channel"], r["size"]): r for r in ipc["rows"]}
    missing = [(c, s) for c in IPC_FIGURES for s in SIZES if (c, s) not in rows]
    assert not missing, f"figures missing: {missing}"
    for (channel, size), row in rows.items():
        # Sane, not precise: something was timed, and a round trip is not a
        # second long even on a loaded 2-core machine (1 MiB takes about 10 ms).
        assert row["bytes"] == SIZES[size] and row["round_trips"] >= 3, row
        assert 0 < row["rtt_us"] < 1_000_000 and row["mib_per_s"] > 0, row
        if channel == "os.pipe":
            assert row["rtt_ratio"] == 1.0 and row["throughput_ratio"] == 1.0, row
        else:
            assert row["rtt_ratio"] > 0 and row["throughput_ratio"] > 0, row


def test_a_bar_grows_with_its_ratio_and_stops_at_the_widest() -> None:
    short, long, widest, capped = (ratio_bar(r, widest=4.0).plain for r in (1.0, 2.0, 4.0, 9.0))
    assert short.count("█") < long.count("█") < widest.count("█") == capped.count("█")
    assert capped.endswith("9.00×"), "a capped bar still names its own ratio"


def test_an_unknown_section_is_a_usage_error() -> None:
    result = cli("bench", "--only", "ipcc")
    assert result.returncode == 2
    assert "'ipcc'" in result.stderr and "ipc" in result.stderr
    assert "Traceback" not in result.stderr


def test_only_html_json_carries_the_report_figures_of_issue_18() -> None:
    # 10,000 events, one sample, ten pan steps: a few seconds.
    doc = cli_json("bench", "--only", "html", "--quick", "--repeat", "1", timeout=300)
    assert doc["_exit"] == 0
    validate(doc, "bench-1")
    html = doc["html"]
    assert html["events"] >= 10_000  # two processes of 5,000 and their own events
    assert html["targets"] == {"file_mb": 10, "drawn_ms": 3000, "pan_p95_ms": 50,
                               "write_ratio": 1.5}
    assert 0 < html["file_mb"] < 10 and html["json_s"] > 0 and html["html_s"] > 0
    if shutil.which("chromium") is None:
        pytest.skip("no chromium: the browser figures are the next test's case")
    assert html["browser_missing"] is None and html["page_errors"] == 0
    assert html["drawn_ms"] > 0 and html["pan_p95_ms"] >= html["pan_median_ms"] >= 0


def test_bench_html_without_a_browser_says_so_in_one_line() -> None:
    # No chromium on PATH (the CLI runs by its absolute sys.executable).
    result = cli("bench", "--only", "html", "--quick", "--repeat", "1",
                 env={"PATH": "/nonexistent"}, timeout=300)
    assert result.returncode == 0, result.stderr
    missing = [line for line in result.stdout.splitlines() if "no browser figures" in line]
    assert len(missing) == 1 and "chromium (apt-get install chromium) is missing" in missing[0]
    assert "file size" in result.stdout and "Traceback" not in result.stderr
    doc = cli_json("bench", "--only", "html", "--quick", "--repeat", "1",
                   env={"PATH": "/nonexistent"}, timeout=300)
    validate(doc, "bench-1")
    assert doc["html"]["browser_missing"] == "chromium (apt-get install chromium)"
    assert doc["html"]["drawn_ms"] is None and doc["html"]["pan_p95_ms"] is None
