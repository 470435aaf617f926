"""`concdemo compare`: fresh runs per sample, statistics per phase, honest warnings."""

from __future__ import annotations

import pytest

from concdemo.commands import report
from concdemo.study import compare as comparing

from conftest import cli, cli_json, validate


def test_pool_apply_async_is_faster_than_apply_with_theory() -> None:
    doc = cli_json("compare", "pool", "--param", "tasks=12", "--param", "workers=4",
                   "--param", "delay=0.05", "--repeat", "2", "--warmup", "1",
                   "--start-method", "fork", timeout=300)
    validate(doc, "compare-1")
    assert doc["_exit"] == 0
    assert (doc["scenario"], doc["repeat"], doc["warmup"]) == ("pool", 2, 1)
    apply, apply_async = doc["results"]
    assert (apply["variant"], apply["phase"]) == ("apply", "apply")
    assert (apply_async["variant"], apply_async["phase"]) == ("apply_async", "apply_async")
    assert len(apply["samples"]) == 2 and apply["min"] <= apply["median"] <= apply["max"]
    assert apply["theory_s"] == pytest.approx(12 * 0.05)
    assert apply_async["theory_s"] == pytest.approx(3 * 0.05)
    assert apply["speedup"] == 1.0
    assert apply_async["speedup"] > 1.5  # generous: theory says 4x
    assert apply["median"] >= 0.9 * apply["theory_s"]


def test_variants_without_phases_are_compared_on_wall_time() -> None:
    doc = cli_json("compare", "fixture", "--variant", "ok", "--variant", "exit-status",
                   "--repeat", "2", "--warmup", "0", "--start-method", "fork", fixtures=True)
    phases = [(r["variant"], r["phase"]) for r in doc["results"]]
    assert phases == [("ok", "child"), ("exit-status", "wall")]


def test_mixed_start_methods_are_warned_about() -> None:
    doc = cli_json("compare", "fixture", "--variant", "ok", "--repeat", "1", "--warmup", "0",
                   "--start-method", "all", fixtures=True)
    assert any("different start methods" in w for w in doc["warnings"])


def test_bad_repeat_is_a_usage_error() -> None:
    result = cli("compare", "pool", "--repeat", "0")
    assert result.returncode == 2
    assert "--repeat must be at least 1" in result.stderr


def test_large_spread_warns_like_pyperf() -> None:
    series = comparing.Series("apply", "fork", "apply", None, samples=[1.0, 1.0, 2.0])
    steady = comparing.Series("apply", "fork", "apply", None, samples=[1.0, 1.01, 0.99])
    warnings = comparing._spread_warnings([series, steady])
    assert len(warnings) == 1 and "noisy" in warnings[0]


def test_speedup_is_relative_to_the_first_result() -> None:
    first = comparing.Series("apply", "fork", "apply", 4.7, samples=[4.8])
    second = comparing.Series("apply_async", "fork", "apply_async", 1.0, samples=[1.2])
    result = comparing.Comparison("pool", 1, 0, [first, second], [])
    assert result.speedup(first) == 1.0
    assert result.speedup(second) == pytest.approx(4.0)
    doc = report.compare_doc(result)
    validate(doc, "compare-1")
    assert [r["speedup"] for r in doc["results"]] == [1.0, 4.0]
