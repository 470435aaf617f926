"""Parsing and bad input: one clear line, exit code 2, never a traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from concdemo import __version__
from concdemo.catalogue import catalog
from concdemo.commands.cli import app

from conftest import FIXTURE_SCENARIOS, cli, validate

runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", "pip"], "No scenario 'pip'. Did you mean 'pipe'?"),
        (["run", "pipe", "--variant", "duplx"], "Did you mean 'duplex'?"),
        (["run", "pipe", "--param", "itemz=3"], "no parameter 'itemz'. Did you mean 'items'?"),
        (["run", "pipe", "--param", "items=lots"], "takes an int, not 'lots'"),
        (["run", "pipe", "--param", "items=0"], "must be from 1 to 100000, not 0"),
        (["run", "pipe", "--param", "items"], "is not KEY=VALUE"),
        (
            ["run", "pipe", "--start-method", "forks"],
            "Unknown start method 'forks'. Did you mean 'fork'?",
        ),
        (["run", "pipe", "--timeout", "0"], "--timeout must be a positive number"),
        (["show", "pipe", "--variant", "nope"], "No variant 'nope' in scenario 'pipe'"),
        (["show", "nothing"], "No scenario 'nothing'"),
        (
            ["run", "gevent-crawler", "--param", "url=notaurl"],
            "'url' value 'notaurl' has no scheme: give an http:// or https:// URL",
        ),
        (
            ["run", "gevent-crawler", "--variant", "gevent", "--param", "url=ftp://x"],
            "'url' value 'ftp://x' uses 'ftp:', which the crawler cannot fetch",
        ),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(args: list[str], needle: str) -> None:
    code, output = _run(*args)
    assert code == 2, output
    assert needle in " ".join(output.split())
    assert "Traceback" not in output
    assert len(output.strip().splitlines()) <= 2


def test_unavailable_start_method_names_the_alternatives(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    code, output = _run("run", "pipe", "--start-method", "fork")
    assert code == 2
    assert "Start method 'fork' is not available on this platform; use one of spawn or all." in (
        " ".join(output.split())
    )


def test_version_flag_and_python_dash_m() -> None:
    code, output = _run("--version")
    assert code == 0 and output.strip() == f"concdemo {__version__}"
    result = cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"concdemo {__version__}"


def test_no_arguments_without_a_terminal_prints_help_and_does_not_wait() -> None:
    result = cli(timeout=20)
    assert result.returncode == 0
    assert "Usage:" in result.stdout and "run" in result.stdout


def test_list_shows_every_scenario_with_defaults_marked() -> None:
    code, output = _run("list")
    assert code == 0
    for scenario in catalog.load().values():
        assert scenario.name in output
    assert "duplex*" in output and "producer-consumer*" in output
    assert "simplex*" not in output


def test_list_json_matches_its_schema_and_the_catalogue() -> None:
    code, output = _run("list", "--json")
    assert code == 0
    doc = json.loads(output)
    validate(doc, "list-1")
    pipe = next(s for s in doc["scenarios"] if s["name"] == "pipe")
    assert [v["name"] for v in pipe["variants"]] == [
        "duplex",
        "simplex",
        "eof",
        "pickle",
        "producer-consumer",
        "forgot-close",
        "bytes-maxlength",
        "bytes-into",
        "poll",
    ]
    assert {v["name"] for v in pipe["variants"] if v["default"]} == {"duplex", "producer-consumer"}
    forgot = next(v for v in pipe["variants"] if v["name"] == "forgot-close")
    assert forgot["expect"] == {"fork": "hang", "spawn": "hang", "forkserver": "hang"}
    assert forgot["claims"] == ["P6"]
    assert pipe["params"][0]["name"] == "items" and pipe["params"][0]["default"] == 10


def test_show_scenario_lists_variants_claims_and_expectations() -> None:
    code, output = _run("show", "pipe")
    assert code == 0
    for needle in ("forgot-close", "P6", "hang", "items"):
        assert needle in output


def test_show_variant_has_claim_expectation_and_source() -> None:
    code, output = _run("show", "pipe", "--variant", "forgot-close")
    assert code == 0
    assert "Forget to close the unused ends" in output  # the claim text
    assert "fork hang" in " ".join(output.split())
    assert "def consumer(p, name):" in output  # the source itself


def test_json_output_is_only_json_even_for_usage_errors() -> None:
    result = cli("run", "pipe", "--variant", "nope", "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "No variant 'nope'" in result.stderr


def test_step_without_a_terminal_is_refused() -> None:
    result = cli("run", "pipe", "--step")
    assert result.returncode == 2
    assert "--step needs a terminal" in result.stderr
    assert result.stdout == ""
    with_json = cli("run", "pipe", "--step", "--json")
    assert with_json.returncode == 2 and "cannot be used with --json" in with_json.stderr


def test_declared_checks_catch_bad_values_and_let_good_ones_through() -> None:
    from concdemo.base.errors import UsageError
    from concdemo.catalogue import validators

    bad = [
        ("url", "url", None, "notaurl"),
        ("url", "url", None, "file:///etc/passwd"),
        ("url", "url", None, "https://"),
        ("size", None, r"[0-9]+[kM]", "12G"),
        ("size", "no-such-check", None, "1k"),
    ]
    let_through = [
        (name, value)
        for name, check, pattern, value in bad
        if not _raises(UsageError, validators.validate, _param(name, check, pattern), value)
    ]
    assert not let_through
    validators.validate(_param("url", "url", None), "http://127.0.0.1:8000/a")
    validators.validate(_param("size", None, r"[0-9]+[kM]"), "12k")
    shipped = [
        (s.name, p.name, p.check)
        for s in catalog.load().values()
        for p in s.params
        if p.check is not None and not validators.known(p.check)
    ]
    assert not shipped, f"parameters declaring unknown checks: {shipped}"


def _param(name: str, check: str | None, pattern: str | None) -> catalog.Param:
    return catalog.Param(name=name, type="str", default="", help="", check=check, pattern=pattern)


def _raises(kind: type[Exception], fn: object, *args: object) -> bool:
    try:
        fn(*args)  # type: ignore[operator]
    except kind:
        return True
    return False


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ('TRACE = ["asyncio"]', 'TRACE = ["asyncio", "wait"]',
         "Variant 'asyncio-only' (fixture_asyncio_only.py) asks TRACE for 'wait', which the "
         'tracer does not have; use only "asyncio", "waits".'),
        ('TRACE = ["asyncio"]', 'TRACE = "waits"',
         "Variant 'asyncio-only' (fixture_asyncio_only.py) has TRACE = 'waits'; write a list"),
        ('TRACE = ["asyncio"]', "WAITS = True",
         "Variant 'asyncio-only' (fixture_asyncio_only.py) says WAITS, which is no longer read; "
         'write TRACE = ["waits"] instead'),
    ],
)
def test_a_variant_asking_the_tracer_for_a_part_it_has_not_is_a_one_line_error(
    tmp_path: Path, old: str, new: str, says: str
) -> None:
    # A misspelt part would load nothing and say nothing (no graph, no task lanes):
    # `list` and `run` both refuse the catalogue, naming the variant and the fix.
    root = tmp_path / "scenarios"
    shutil.copytree(FIXTURE_SCENARIOS, root)
    script = root / "90_fixture" / "fixture_asyncio_only.py"
    script.write_text(script.read_text().replace(old, new))
    env = {"CONCDEMO_SCENARIO_PATH": str(root), "CONCDEMO_CACHE_DIR": str(tmp_path / "c")}
    for args in (("list",), ("run", "fixture", "--variant", "ok")):
        done = cli(*args, env=env)
        assert done.returncode == 2, (args, done.stderr)
        assert says in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
