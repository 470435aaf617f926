"""The import layers: the contracts catch a wrong import, and what runs inside a
scenario's or a user's processes really loads no part of the CLI.

``make test`` runs ``lint-imports`` on the tree itself (.importlinter); these tests
show that the contracts can fail, and check the two things a contract cannot see:
the scenario scripts (folders named ``1_queue``, not a package) and the modules a
real run's processes end up holding.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import HERE, cli, cli_json, start_methods

ROOT = HERE.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
# What a process of a run may hold of concdemo: the channel's end, the probe, the tracer.
INSIDE = ("concdemo.wire", "concdemo.probe", "concdemo.tracer")


def _lint_copy(tmp_path: Path, wrong: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """lint-imports on a scratch copy of the package, with lines appended to some modules."""
    shutil.copytree(ROOT / "concdemo", tmp_path / "concdemo")
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    for module, line in wrong.items():
        path = tmp_path / "concdemo" / module
        path.write_text(path.read_text() + "\n" + line + "\n")
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is in the test extra")
def test_the_contracts_catch_lazy_and_upward_imports(tmp_path: Path) -> None:
    # Each a mistake a future change could make, written the way it would hide best:
    # inside a function, where a look at the module's head does not find it.
    wrong = {
        "core/receiver.py": "def _view():\n    from concdemo.render import live  # noqa",
        "wire/gate.py": "def _rich():\n    import rich.console  # noqa",
        "tracer/hooks.py": "def _names():\n    from concdemo.catalogue import catalog  # noqa",
        "i18n/translations.py": "def _claims():\n    from concdemo.catalogue import claims  # noqa",
        # A circle inside one package (store imports events): no layer is crossed.
        "core/events.py": "def _store():\n    from concdemo.core import store  # noqa",
    }
    found = _lint_copy(tmp_path, wrong)
    assert found.returncode == 1, found.stdout + found.stderr
    report = found.stdout
    caught = {
        "core -> render": "concdemo.core.receiver -> concdemo.render.live" in report,
        "wire -> rich": "concdemo.wire.gate -> rich" in report,
        "tracer -> catalogue": "concdemo.tracer.hooks -> concdemo.catalogue.catalog" in report,
        "i18n -> catalogue": "concdemo.i18n.translations -> concdemo.catalogue.claims" in report,
        "circle in core": "No cycles are allowed in concdemo.core." in report,
    }
    assert all(caught.values()), f"not caught: {[k for k, v in caught.items() if not v]}\n{report}"


def _concdemo_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return [name for name in found if name.split(".")[0] == "concdemo"]


def test_scenarios_import_only_the_probe_and_the_explanation_template() -> None:
    # Scenario folders are not packages (1_queue): the contracts cannot see them.
    allowed = {"concdemo.probe"}
    bad = []
    scripts = sorted((ROOT / "scenarios").rglob("*.py"))
    assert len(scripts) > 50, "the scenarios were not found"
    for script in scripts:
        ok = allowed | ({"concdemo.explain.template"} if script.name == "_explain.py" else set())
        for name in _concdemo_imports(script):
            if not any(name == a or name.startswith(a + ".") for a in ok):
                bad.append(f"{script.relative_to(ROOT)}: {name}")
    assert not bad, "\n".join(bad)


def _outside(loaded: list[str]) -> list[str]:
    return [m for m in loaded if m != "concdemo" and not m.startswith(INSIDE)]


@pytest.mark.parametrize("method", start_methods())
def test_a_scenarios_processes_load_no_part_of_the_cli(method: str) -> None:
    doc = cli_json("run", "fixture", "--variant", "modules", "--start-method", method,
                   fixtures=True)
    (run,) = doc["runs"]
    reports = [e for e in run["events"] if e["kind"] == "modules"]
    assert len(reports) == 2, run["events"]  # the child's and the main process's
    for report in reports:
        loaded = report["detail"]["loaded"]
        assert "concdemo.probe" in loaded, loaded  # the report itself is real
        assert _outside(loaded) == [], f"{report['process']} loaded {_outside(loaded)}"


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_traced_scripts_processes_load_no_part_of_the_cli(method: str) -> None:
    script = HERE / "fixtures" / "scripts" / "modules_loaded.py"
    shown = cli("run", str(script), "--start-method", method, "--json")
    doc = json.loads(shown.stdout)
    (run,) = doc["runs"]
    printed = {}
    for event in run["events"]:
        if event["kind"] == "stdout":
            who, *loaded = str(event["detail"]["line"]).split()
            printed[who] = loaded
    assert set(printed) == {"main", "child"}, run["events"]
    for who, loaded in printed.items():
        assert "concdemo.tracer.core" in loaded, loaded  # traced for real
        assert _outside(loaded) == [], f"{who} loaded {_outside(loaded)}"


def test_a_traced_interpreter_imports_typing_only_where_the_bare_one_does() -> None:
    # ``from typing import TYPE_CHECKING`` alone imports typing: it was the largest
    # part of every traced interpreter's start-up (the main process's, each spawn
    # child's). Compared with the bare run, where a site hook may load it anyway.
    script = HERE / "fixtures" / "scripts" / "typing_loaded.py"
    bare = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=60)
    doc = json.loads(cli("run", str(script), "--json").stdout)
    traced = [e["detail"]["line"] for e in doc["runs"][0]["events"] if e["kind"] == "stdout"]
    assert sorted(traced) == sorted(bare.stdout.splitlines()), (traced, bare.stdout)


def test_a_variant_asking_for_the_asyncio_tracer_gets_only_that_part() -> None:
    # TRACE = ["asyncio"]: asyncio is patched, nothing else of the tracer's (its
    # probe reports the rest), and the probe's events go to the task's lane.
    doc = cli_json("run", "fixture", "--variant", "asyncio-only", fixtures=True)
    (run,) = doc["runs"]
    assert run["outcome"] == "ok", run
    (hooks,) = [e["detail"] for e in run["events"] if e["kind"] == "hooks"]
    assert hooks == {
        "Handle._run": True,
        "time.sleep": False,
        "stdout": False,
        "tracer.threads": False,
        "tracer.output": False,
    }
    (inside,) = [e for e in run["events"] if e["kind"] == "inside"]
    assert inside["task"] == "MainThread/worker work()"
    first_steps = {e["task"] for e in run["events"] if e["kind"] == "first-step"}
    assert "MainThread/worker work()" in first_steps


def test_a_variant_asking_for_asyncio_and_waits_gets_both() -> None:
    # TRACE = ["asyncio", "waits"]: the task's lane and awaits are the tracer's, and
    # the hang's wait-for graph names the lock the keeper thread holds. (WAITS = True
    # beside TRACE = ["asyncio"] loaded the graph alone; ["asyncio", "waits"] loaded
    # the asyncio part alone, the name "waits" unknown to it.)
    doc = cli_json("run", "fixture", "--variant", "asyncio-waits", fixtures=True)
    (run,) = doc["runs"]
    assert run["outcome"] == "hang" and run["as_expected"], run["explanation"]
    (inside,) = [e for e in run["events"] if e["kind"] == "inside"]
    assert inside["task"] == "MainThread/worker work()"  # the asyncio part's lane
    assert {"first-step", "await-start", "task-done"} <= {e["kind"] for e in run["events"]}
    (lock,) = [e for e in run["waits"] if e["on"]["kind"] == "lock"]
    assert (lock["waiter"]["thread"], lock["on"]["label"]) == ("MainThread", "lock")
    assert [(h["thread"], h["inferred"]) for h in lock["held_by"]] == [("keeper", True)]
    assert run["deadlock"] == {"cycle": ["keeper"], "kind": "event-never-set"}
