"""The shipped package: scenarios inside the wheel, safe file names, honest docs."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

import concdemo
from concdemo.catalogue import catalog, files
from concdemo.i18n import LANGS

REPO = Path(__file__).resolve().parent.parent


def test_scenarios_ship_inside_the_installed_package() -> None:
    if not os.environ.get("CONCDEMO_TEST_INSTALLED"):
        pytest.skip("run by `make test`, which tests a plain (non-editable) install")
    package = Path(concdemo.__file__).resolve().parent
    assert package != REPO / "concdemo", f"concdemo imported from the source tree: {package}"
    assert package.parent.name == "site-packages"
    root = files.scenarios_root()
    assert root == package / "scenarios"
    shipped = {p.relative_to(root).as_posix() for p in root.rglob("*.py")}
    source = {
        p.relative_to(REPO / "scenarios").as_posix() for p in (REPO / "scenarios").rglob("*.py")
    }
    assert shipped == source
    assert (package / "schemas" / "run-1.json").is_file()
    assert (package / "schemas" / "bench-1.json").is_file()
    # `concdemo bench` runs its burst from here (the fixture scenarios do not ship).
    assert (package / "bench_scenarios" / "99_bench" / "bench_burst.py").is_file()
    # --html inlines its viewer from the package.
    assert (package / "export" / "html" / "viewer.js").is_file()
    assert (package / "export" / "html" / "viewer.css").is_file()


def test_no_scenario_file_or_folder_shadows_a_stdlib_module() -> None:
    root = files.scenarios_root()
    for path in root.rglob("*"):
        if "__pycache__" in path.parts:
            continue
        name = path.stem if path.is_file() else path.name
        assert name not in sys.stdlib_module_names, f"{path} shadows the stdlib module {name!r}"


def test_every_scenario_folder_has_metadata_and_every_script_a_variant() -> None:
    root = files.scenarios_root()
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name != "__pycache__"):
        scenario = catalog.read_scenario(folder)
        listed = {v.name for v in scenario.variants}
        # about.py, helpers (_crawl.py) and translations (zh.py) are not variants.
        not_variants = {"about.py", *(f"{lang}.py" for lang in LANGS)}
        scripts = [
            p
            for p in folder.glob("*.py")
            if p.name not in not_variants and not p.name.startswith("_")
        ]
        assert len(scripts) == len(listed), f"{folder.name}: a script is not in VARIANTS"
        assert scenario.default_variants, f"{folder.name} has no default variant"


def test_header_parsing_agrees_with_the_whole_file() -> None:
    for path in files.scenarios_root().rglob("*.py"):
        assert catalog._literals(path) == catalog._literals(path, whole=True), path


def test_readme_names_every_scenario_and_variant() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for scenario in catalog.load().values():
        row = next(
            (line for line in readme.splitlines() if line.startswith(f"| {scenario.name} |")), None
        )
        assert row is not None, f"README's catalogue has no row for {scenario.name}"
        for variant in scenario.variants:
            shown = f"**{variant.name}**" if variant.default else variant.name
            assert re.search(rf"(^|[ |,]){re.escape(shown)}(,|\s\|)", row), (
                f"README row for {scenario.name} lacks {shown}"
            )


def test_readme_quick_start_is_the_makefile_and_ci_runs_it() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
