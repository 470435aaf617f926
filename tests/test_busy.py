"""Verdicts that know when they cannot judge: timing and CPU claims on a busy machine."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from concdemo.catalogue import catalog, verdicts
from concdemo.catalogue.run_spec import RunSpec
from concdemo.commands import cli, report
from concdemo.core.events import Event
from concdemo.core.runner import RunResult
from concdemo.render.verify import render
from concdemo.study import busy
from concdemo.study import verify as verifying

from conftest import validate

METHODS = ["fork"]
QUIET = busy.Load(cores=2, wall_s=3.0, others_cores=0.1, steal_cores=0.0, load_avg=0.3, runnable=0)
LOADED = busy.Load(cores=2, wall_s=3.0, others_cores=1.6, steal_cores=0.2, load_avg=5.2, runnable=4)


def _check(ok: bool) -> Event:
    return Event(0.1, 1, "MainProcess", "MainThread", "check", {"what": "a bound", "ok": ok})


def _attempt(
    variant: str, outcome: str, ok: bool, load: busy.Load | None, scenario: str = "pool"
) -> verifying.Attempted:
    found = catalog.get(scenario).variant(variant)
    spec = RunSpec(found, "fork", {}, 5.0)
    result = RunResult(spec, outcome, 1.0, [_check(ok)], 0, main_pid=1)
    return verifying.Attempted(result, load=load)


def _claim(*attempts: verifying.Attempted) -> verifying.ClaimResult:
    (claim,) = verifying.judge(list(attempts), METHODS)
    return claim


# --- the measurement ---------------------------------------------------------------

STAT = (
    "cpu  {user} 0 {system} 900 10 0 {softirq} {steal} 0 0\ncpu0 1 2 3\nprocs_running {running}\n"
)


def test_parse_stat_reads_busy_steal_and_runnable() -> None:
    text = STAT.format(user=300, system=100, softirq=20, steal=50, running=5)
    assert busy.parse_stat(text, ticks=100.0) == (4.2, 0.5, 5)


def test_load_between_two_reads_subtracts_the_runs_own_cpu(tmp_path: Path) -> None:
    stat = tmp_path / "stat"
    clock = iter([10.0, 12.0])
    own = iter([1.0, 2.5])  # the run's processes used 1.5 s of CPU

    stat.write_text(STAT.format(user=1000, system=0, softirq=0, steal=0, running=3))
    before = busy.read(stat, own_cpu=lambda: next(own), clock=lambda: next(clock))
    # 2 s later: the machine spent 4.5 s busy, 0.4 s stolen; 1.5 s of it was the run's.
    stat.write_text(STAT.format(user=1450, system=0, softirq=0, steal=40, running=9))
    after = busy.read(stat, own_cpu=lambda: next(own), clock=lambda: next(clock))
    load = busy.between(before, after, cores=2)
    assert load is not None
    assert before is not None and before.runnable == 2  # less the reading process
    assert load.others_cores == pytest.approx(1.5)  # (4.5 - 1.5) s over 2 s
    assert load.steal_cores == pytest.approx(0.2)
    assert load.free_cores == pytest.approx(0.3)
    assert load.busy_for(1) and load.busy_for(None)
    assert busy.read(tmp_path / "missing") is None
    assert busy.between(None, after) is None


def test_the_busy_rule_leaves_half_a_core_of_slack() -> None:
    two = busy.Load(
        cores=2, wall_s=1, others_cores=0.4, steal_cores=0.0, load_avg=None, runnable=None
    )
    assert not two.busy_for(None)  # 1.6 free of the 2 it needs: judged
    assert busy.Load(2, 1, 0.6, 0.0, None, None).busy_for(None)  # 1.4 free: busy
    assert not busy.Load(2, 1, 1.4, 0.0, None, None).busy_for(1)  # 0.6 free of 1: judged
    assert busy.Load(2, 1, 1.2, 0.4, None, None).busy_for(1)  # steal counts: 0.4 free
    assert busy.Load(1, 1, 0.0, 0.0, None, None).needs(4) == 1.0  # never more than there are


# --- judging ---------------------------------------------------------------------


def test_timing_and_cpu_claims_are_declared() -> None:
    declared = {c for c, v in verdicts.VERDICTS.items() if v.measures}
    article = {"PL1", "PL2", "PL8", "C1", "GE1", "GE2", "GE7", "GE9"}
    assert declared == article | {"X1", "X3", "X4", "X5", "X6"}
    # X2 is about the order of turns (like Y1), not about time: nothing to tolerate.
    assert verdicts.verdict("X2").measures is None
    for claim_id, verdict in verdicts.VERDICTS.items():
        # A claim judged against a tolerance says what it measures, and only those do.
        assert bool(verdict.tolerance) == bool(verdict.measures), claim_id
    assert verdicts.verdict("PL8").measures == "cpu" and verdicts.verdict("PL8").cores is None


def test_a_timing_claim_that_failed_on_a_busy_machine_is_inconclusive() -> None:
    claim = _claim(_attempt("apply", "ok", False, LOADED))
    assert claim.status == "inconclusive" and claim.busy is LOADED
    assert claim.headline.startswith("inconclusive: the machine was busy (other programs used 1.6")
    assert "the claim needs 1" in claim.headline and "load average 5.2" in claim.headline


def test_failures_a_busy_machine_does_not_explain_stay_failed() -> None:
    assert _claim(_attempt("apply", "ok", False, QUIET)).status == "failed"
    assert _claim(_attempt("apply", "ok", False, None)).status == "failed"  # not measured
    assert _claim(_attempt("apply", "hang", True, LOADED)).status == "failed"  # wrong outcome
    assert _claim(_attempt("duplex", "ok", False, LOADED, "pipe")).status == "failed"  # no timing
    # A wall-clock claim that held on a busy machine held: load only makes waits longer.
    held = _claim(_attempt("apply", "ok", True, LOADED))
    assert held.status == "held" and held.headline == "holds"


def test_a_cpu_claim_on_a_busy_machine_is_inconclusive_even_when_it_held() -> None:
    # Other programs bend a speedup either way: a pool that outnumbers them wins CPU share.
    claim = _claim(_attempt("cpu-sweep", "ok", True, LOADED))
    assert claim.status == "inconclusive"
    assert "the claim needs 2" in claim.headline  # PL8 needs every core
    assert _claim(_attempt("cpu-sweep", "ok", True, QUIET)).status == "held"


def _verification(*attempts: verifying.Attempted) -> verifying.Verification:
    claims = verifying.judge(list(attempts), METHODS)
    return verifying.Verification(claims, METHODS, {}, 3.0, len(attempts))


def test_json_counts_inconclusive_apart_and_follows_the_schema() -> None:
    verification = _verification(
        _attempt("cpu-sweep", "ok", False, LOADED),
        _attempt("apply", "ok", True, LOADED),
        _attempt("duplex", "hang", True, None, "pipe"),
    )
    doc = report.verify_doc(verification)
    validate(doc, "verify-1")
    assert (doc["passed"], doc["failed"], doc["inconclusive"]) == (1, 1, 1)
    by_id = {c["id"]: c for c in doc["claims"]}
    assert by_id["PL8"]["status"] == "inconclusive" and by_id["PL8"]["holds"] is False
    assert by_id["PL8"]["busy"]["needed_cores"] == 2 and by_id["PL8"]["busy"]["free_cores"] == 0.2
    assert by_id["PL8"]["verdict"].startswith("inconclusive: the machine was busy (")
    assert by_id["PL1"]["status"] == "held" and by_id["PL1"]["busy"] is None
    assert by_id["P1"]["status"] == "failed" and by_id["P1"]["measures"] is None
    assert by_id["PL8"]["runs"][0]["busy"]["others_cores"] == 1.6


def test_the_table_says_inconclusive_with_the_figures() -> None:
    console = Console(width=120, color_system=None, record=True)
    console.print(render(_verification(_attempt("cpu-sweep", "ok", False, LOADED))))
    text = console.export_text()
    assert "inconclusive: the" in text and "FAILED" not in text.replace("0 FAILED", "")
    assert "ok ?" in text  # the run's mark: neither ✓ nor ✗
    assert "busy machine: other programs used 1.6 and steal 0.2 of 2 cores" in text
    assert "1 inconclusive (the machine was busy)" in text


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        ([], 1, "1 claim could not be judged because the machine was busy"),
        (["--allow-inconclusive"], 0, "1 inconclusive claim: --allow-inconclusive accepts it"),
    ],
)
def test_exit_code_on_inconclusive_claims(
    monkeypatch: pytest.MonkeyPatch, args: list[str], code: int, said: str
) -> None:
    verification = _verification(_attempt("cpu-sweep", "ok", True, LOADED))
    monkeypatch.setattr(verifying, "verify", lambda plan, **kwargs: verification)
    result = CliRunner().invoke(cli.app, ["verify", "pool", "--start-method", "fork", *args])
    assert result.exit_code == code, result.output
    assert said in result.output.replace("\n", " ")
    failed = _verification(
        _attempt("cpu-sweep", "ok", True, LOADED), _attempt("apply", "hang", True, None)
    )
    monkeypatch.setattr(verifying, "verify", lambda plan, **kwargs: failed)
    result = CliRunner().invoke(cli.app, ["verify", "pool", "--start-method", "fork", *args])
    assert result.exit_code == 1  # --allow-inconclusive never excuses a failure


# --- the real thing: a machine made busy on purpose ---------------------------------


@pytest.mark.skipif(not Path("/proc/stat").exists(), reason="reads /proc/stat")
def test_cpu_sweep_on_cores_kept_busy_is_inconclusive_not_failed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One spinning process per usable core, plus one, for the whole run: the sweep's pool
    # shares every core with them. One attempt is enough here (the retry has its own test).
    monkeypatch.setattr(verifying, "TIMING_ATTEMPTS", 1)
    plan = verifying.make_plan("pool", "fork")
    plan.specs = [s for s in plan.specs if s.variant.name == "cpu-sweep"]
    spin = "while True: pass"
    spinners = [
        subprocess.Popen([sys.executable, "-c", spin]) for _ in range(busy.usable_cores() + 1)
    ]
    try:
        time.sleep(0.3)  # every spinner is up and running
        started = time.monotonic()
        verification = verifying.verify(plan)
        took = time.monotonic() - started
    finally:
        for process in spinners:
            process.kill()
        for process in spinners:
            process.wait()
    (claim,) = verification.claims
    (attempt,) = claim.runs
    load = attempt.load
    assert load is not None
    figures: dict[str, Any] = load.as_json(None)
    print(f"cpu-sweep beside {len(spinners)} spinners took {took:.1f} s: {figures}")
    print(claim.headline)
    assert attempt.result.outcome == "ok", attempt.result.error
    # The spinners took well over half a core on average, whatever the pool managed.
    assert load.others_cores > 0.5, figures
    assert claim.status == "inconclusive", claim.headline
    assert verification.failed == 0 and verification.inconclusive == 1
