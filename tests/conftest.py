"""Shared test helpers: a clean environment, the real CLI in a subprocess, schemas."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from proctree import RunProcesses, subreaper

HERE = Path(__file__).resolve().parent
FIXTURE_SCENARIOS = HERE / "fixtures" / "scenarios"

_CLEARED = (
    "FORCE_COLOR",
    "CONCDEMO_LANG",
    "NO_COLOR",
    "TERM",
    "COLUMNS",
    "LINES",
    "CONCDEMO_SCENARIO_PATH",
    "CONCDEMO_EVENTS",
    "CONCDEMO_RUN_DIR",
    "CONCDEMO_PARAMS",
    "CONCDEMO_START_METHOD",
)


@pytest.fixture
def run_procs() -> Iterator[RunProcesses]:
    """The processes of the CLI runs a test makes, found as a subreaper and, whatever
    the test's end, killed and reaped (the tmux tests, whose runs are the terminal's
    children, have their own)."""
    procs = RunProcesses()
    with subreaper():
        try:
            yield procs
        finally:
            procs.kill_and_reap()


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tests' own catalogue and listing cache, never the user's ~/.cache."""
    return tmp_path_factory.mktemp("concdemo-cache")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, cache_dir: Path) -> Iterator[None]:
    # Like Rich's own conftest: the outer terminal must not leak into results.
    for name in _CLEARED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERMINAL_WIDTH", "100")
    monkeypatch.setenv("CONCDEMO_CACHE_DIR", str(cache_dir))
    monkeypatch.setenv("_TYPER_FORCE_DISABLE_TERMINAL", "1")
    # The shown language is a process setting: an in-process CLI run (CliRunner) with
    # --lang zh must not leave later renders in Chinese.
    from concdemo import i18n

    i18n.set_lang("en")
    yield
    i18n.set_lang("en")


def cli(
    *args: str, timeout: float = 120, env: dict[str, str] | None = None, fixtures: bool = False
) -> subprocess.CompletedProcess[str]:
    """The real CLI, as a user runs it: a subprocess with captured output."""
    full_env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    full_env.update({"COLUMNS": "100"})
    if fixtures:
        full_env["CONCDEMO_SCENARIO_PATH"] = str(FIXTURE_SCENARIOS)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "concdemo", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        stdin=subprocess.DEVNULL,
    )


def cli_json(*args: str, **kwargs: Any) -> dict[str, Any]:
    result = cli(*args, "--json", **kwargs)
    assert result.stdout.strip(), f"no JSON on stdout; stderr:\n{result.stderr}"
    doc: dict[str, Any] = json.loads(result.stdout)
    doc["_exit"] = result.returncode
    return doc


def schema(name: str) -> dict[str, Any]:
    text = resources.files("concdemo").joinpath("schemas", f"{name}.json").read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def validate(doc: dict[str, Any], name: str) -> None:
    import jsonschema

    body = {k: v for k, v in doc.items() if not k.startswith("_")}
    jsonschema.validate(body, schema(name))


def start_methods() -> list[str]:
    import multiprocessing

    return [
        m for m in ("fork", "spawn", "forkserver") if m in multiprocessing.get_all_start_methods()
    ]


def kinds(run: dict[str, Any], pid: int | None = None) -> list[str]:
    return [e["kind"] for e in run["events"] if pid is None or e["pid"] == pid]


def crawler_servers() -> set[int]:
    """Pids of the crawler's local HTTP servers now running (Linux /proc): a test
    takes them before and after a run to see that none outlived it."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"8_gevent_crawler/_server.py" in cmdline:
                found.add(int(entry.name))
    return found
