"""How a run can end, and what the report says about it (real subprocesses)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import cli, cli_json, start_methods, validate


def _run(variant: str, *extra: str, method: str = "spawn") -> dict[str, Any]:
    doc = cli_json(
        "run", "fixture", "--variant", variant, "--start-method", method, *extra, fixtures=True
    )
    validate(doc, "run-1")
    (run,) = doc["runs"]
    run["_exit"] = doc["_exit"]
    return run


def test_a_normal_end_is_ok_with_processes_and_phases() -> None:
    run = _run("ok")
    assert (run["outcome"], run["as_expected"], run["_exit"]) == ("ok", True, 0)
    names = {p["name"]: p["exitcode"] for p in run["processes"]}
    assert names == {"MainProcess": 0, "Process-1": 0}
    assert [p["name"] for p in run["phases"]] == ["child"]
    assert run["events"] == sorted(run["events"], key=lambda e: e["t"])
    assert run["events"][0]["t"] >= 0


@pytest.mark.parametrize("method", start_methods())
def test_an_uncaught_exception_in_a_child_is_an_error_with_its_place(method: str) -> None:
    run = _run("child-error", method=method)
    assert run["outcome"] == "error" and run["as_expected"]
    error = run["error"]
    assert (error["type"], error["message"], error["process"]) == (
        "ValueError",
        "boom in the child",
        "Process-1",
    )
    assert (error["file"], error["function"]) == ("fixture_child_error.py", "child")
    exits = {p["name"]: p["exitcode"] for p in run["processes"]}
    assert exits["Process-1"] == 1


def test_death_by_signal_is_a_crash() -> None:
    run = _run("crash")
    assert run["outcome"] == "crash" and run["as_expected"]
    assert run["error"]["type"] == "SIGSEGV"


def test_a_nonzero_exit_without_exception_is_an_error() -> None:
    run = _run("exit-status")
    assert run["outcome"] == "error"
    assert "3" in run["error"]["message"]


def test_a_hang_is_stopped_at_its_timeout_with_stacks() -> None:
    run = _run("hang")
    assert run["outcome"] == "hang" and run["as_expected"]
    assert 1.5 <= run["wall_s"] < 5
    where = {s["process"]: (s["blocked_in"]["function"], s["function"]) for s in run["stacks"]}
    assert where["Process-1"] == ("recv", "child")
    assert where["MainProcess"] == ("join", "<module>")
    assert run["signals_sent"][0] == "SIGINT"


def test_timeout_flag_overrides_and_unexpected_hang_fails_the_exit_code() -> None:
    run = _run("ok", "--timeout", "30")
    assert run["outcome"] == "ok"
    hung = _run("hang", "--timeout", "0.5")
    assert hung["outcome"] == "hang" and hung["wall_s"] < 1.4
    result = cli(
        "run",
        "pipe",
        "--variant",
        "forgot-close",
        "--start-method",
        "fork",
        "--timeout",
        "0.5",
        "--plain",
    )
    assert result.returncode == 0  # a hang is what forgot-close should do
    assert "as expected" in result.stdout


def test_a_process_that_ignores_sigint_and_sigterm_is_still_stopped() -> None:
    run = _run("stubborn", method="fork")
    assert run["outcome"] == "hang"
    assert "SIGINT" in run["signals_sent"]


def test_not_as_expected_gives_exit_code_1() -> None:
    # The run ends ok, as expected, but one of the story's checks fails.
    result = cli("run", "fixture", "--variant", "check-fails", "--start-method", "fork",
                 "--plain", fixtures=True)
    assert result.returncode == 1
    assert "NOT as expected" in result.stdout
    assert "✗" in result.stdout and "two plus two is five" in result.stdout
    timed_out = cli("run", "fixture", "--variant", "ok", "--timeout", "0.001",
                    "--start-method", "spawn", "--plain", fixtures=True)
    assert timed_out.returncode == 1  # a hang where ok was expected
    assert "hang (expected ok)" in timed_out.stdout


def test_200000_event_burst_arrives_complete() -> None:
    run = _run("burst", "--param", "events=200000", method="fork")
    assert run["outcome"] == "ok"
    bursts = [e for e in run["events"] if e["kind"] == "burst"]
    assert len(bursts) == 200_000
    assert run["dropped_events"] == 0 and run["malformed_events"] == 0
    assert [e["detail"]["i"] for e in bursts[:5]] == [0, 1, 2, 3, 4]


def test_concurrent_bursts_from_several_processes_stay_whole() -> None:
    run = _run("burst", "--param", "events=20000", "--param", "processes=4", method="fork")
    per_pid: dict[int, list[int]] = {}
    for event in run["events"]:
        if event["kind"] == "burst":
            per_pid.setdefault(event["pid"], []).append(event["detail"]["i"])
    assert len(per_pid) == 4
    assert all(values == list(range(20000)) for values in per_pid.values())
    assert run["dropped_events"] == 0


def test_plain_output_has_no_escape_codes_and_one_line_per_event() -> None:
    result = cli(
        "run",
        "fixture",
        "--variant",
        "ok",
        "--start-method",
        "fork",
        fixtures=True,
        env={"FORCE_COLOR": "", "TERM": "xterm-256color"},
    )
    assert result.returncode == 0
    assert "\x1b[" not in result.stdout
    lines = [line for line in result.stdout.splitlines() if "hello" in line]
    assert len(lines) == 1 and "Process-1[" in lines[0] and "n=1" in lines[0]


def test_standalone_script_prints_readable_lines() -> None:
    import subprocess
    import sys

    from concdemo.catalogue import catalog

    script = catalog.get("pipe").variant("duplex").path
    result = subprocess.run(
        [sys.executable, str(script), "--start-method", "spawn"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "recv  msg='hello world'" in result.stdout
    assert "[ok  ] the parent received the child's 'hello world'" in result.stdout
    bad = subprocess.run(
        [sys.executable, str(script), "items=x"], capture_output=True, text=True, timeout=60
    )
    assert bad.returncode == 2
    assert bad.stderr.strip() == (
        "error: Parameter 'items' takes an int, not 'x' (for example --param items=5)."
    )
