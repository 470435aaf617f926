"""`concdemo tour`: every scenario's defaults, narrated, end to end without a terminal."""

from __future__ import annotations

import sys

import pytest

from concdemo.catalogue import catalog
from concdemo.commands import tour as touring

from conftest import cli
from proctree import interrupt_mid_run


def test_tour_runs_every_scenario_with_a_narration_and_exits_0() -> None:
    result = cli("tour", "--quick", timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert "\x1b[" not in out  # not a terminal: plain, no escapes
    scenarios = touring.in_the_tour()
    assert "cluster" in catalog.load() and "cluster" not in [s.name for s in scenarios]
    for index, scenario in enumerate(scenarios, 1):
        assert f"{index}/{len(scenarios)} · {scenario.name}:" in out
        first_words = " ".join(touring.NARRATION[scenario.name].split()[:4])
        assert first_words in out, scenario.name
        for variant in scenario.default_variants:
            assert f"== {scenario.name} · {variant.name} ·" in out  # plain, one line per event
    # narrations come in catalogue order, each before its runs
    positions = [out.index(f" · {s.name}: ") for s in scenarios]
    assert positions == sorted(positions)
    runs = sum(len(s.default_variants) for s in scenarios)
    assert f"{runs} runs: {runs} as expected, 0 not" in out
    assert "concdemo verify" in out  # what to do next


def test_the_tour_shortens_long_defaults_and_says_so() -> None:
    stops = {s.scenario.name: s for s in touring.stops()}
    assert stops["pool"].shortened == {"delay": (0.02, 0.1)}
    assert all(spec.params["delay"] == 0.02 for spec in stops["pool"].specs)
    assert [s.variant.name for s in stops["pool"].specs] == ["apply", "apply_async"]
    quick = {s.scenario.name: s for s in touring.stops(quick=True)}
    assert quick["pool"].specs[0].params["tasks"] == 10


def test_reading_time_is_bounded() -> None:
    low, high = touring.PAUSE_BOUNDS_S
    assert touring.reading_time("one two") == low
    assert touring.reading_time("word " * 1000) == high
    assert all(low <= touring.reading_time(t) <= high for t in touring.NARRATION.values())
    # About a minute in all on a terminal: the pauses leave room for the runs.
    assert sum(touring.reading_time(t) for t in touring.NARRATION.values()) <= 55


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_ends_the_tour_cleanly() -> None:
    code, out, err, seen, left = interrupt_mid_run(["tour"], at_least=2)  # a run under way
    assert seen >= 2, "no run started"
    assert code == 130, err
    assert "Interrupted" in err and "Traceback" not in err
    assert "1/10 · queue" in out  # ten stops: the catalogue without cluster (an extra)
    assert left == []
