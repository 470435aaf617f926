"""The catalogue and `concdemo list` read from a cache: never stale, never in the way."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from concdemo.catalogue import catalog, catalog_cache, files

from conftest import FIXTURE_SCENARIOS, cli

AN_HOUR_AGO = time.time() - 3600


def _backdated_copy(tmp_path: Path) -> Path:
    """The fixture scenarios with old timestamps: files changed within the last
    seconds are never cached (a second change could keep the same stamp)."""
    root = tmp_path / "scenarios"
    shutil.copytree(FIXTURE_SCENARIOS, root)
    for path in root.rglob("*.py"):
        os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))
    return root


def _retitle(about: Path, old: str, new: str, age_s: float) -> None:
    text = about.read_text(encoding="utf-8")
    about.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(about, (AN_HOUR_AGO + age_s, AN_HOUR_AGO + age_s))


def test_a_cached_scenario_equals_a_fresh_parse_and_follows_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(catalog_cache.ENV_CACHE_DIR, str(tmp_path / "cache"))
    folder = _backdated_copy(tmp_path) / "90_fixture"
    first = catalog_cache.LiteralCache()
    parsed = catalog.read_scenario(folder, first)
    first.save()
    again = catalog_cache.LiteralCache()
    read = files.scenario_files(folder)
    assert all(again.get(p, catalog_cache.stamp(p)) is not None for p in read), "nothing was kept"
    assert catalog.read_scenario(folder, catalog_cache.LiteralCache()) == parsed
    assert parsed == catalog.read_scenario(folder)  # no cache at all

    # Same size, a different mtime: the file is read again.
    _retitle(folder / "about.py", "runner fixtures", "RUNNER FIXTURES", age_s=60)
    edited = catalog.read_scenario(folder, catalog_cache.LiteralCache())
    assert edited.title.startswith("RUNNER FIXTURES")


def test_a_broken_cache_file_means_a_fresh_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(catalog_cache.ENV_CACHE_DIR, str(tmp_path / "cache"))
    folder = _backdated_copy(tmp_path) / "90_fixture"
    expected = catalog.read_scenario(folder)
    cache_file = catalog_cache._file()
    cache_file.parent.mkdir(parents=True)
    cache_file.write_bytes(b"\x00not marshal at all")
    assert catalog.read_scenario(folder, catalog_cache.LiteralCache()) == expected


def test_list_is_kept_and_drawn_again_when_a_scenario_or_the_width_changes(
    tmp_path: Path,
) -> None:
    root = _backdated_copy(tmp_path)
    env = {"CONCDEMO_SCENARIO_PATH": str(root), "CONCDEMO_CACHE_DIR": str(tmp_path / "c")}
    drawn = cli("list", env=env)
    kept = cli("list", env=env)
    assert (tmp_path / "c" / "list.marshal").is_file(), "the listing was not kept"
    assert kept.stdout == drawn.stdout
    assert "runner fixtures" in kept.stdout

    narrow = cli("list", env={**env, "COLUMNS": "70"})
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 70

    _retitle(root / "90_fixture" / "about.py", "runner fixtures", "RUNNER FIXTURES", age_s=60)
    edited = cli("list", env=env)
    assert "RUNNER FIXTURES" in edited.stdout
    without_cache = cli("list", env={**env, "CONCDEMO_CACHE_DIR": str(tmp_path / "d")})
    assert edited.stdout == without_cache.stdout


def _imported(result_stderr: str) -> set[str]:
    """The modules PYTHONPROFILEIMPORTTIME says a process imported."""
    return {
        line.rsplit("|", 1)[1].strip()
        for line in result_stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    } - {"package"}


def test_a_kept_listing_is_printed_without_importing_what_draws_it_or_chinese_help(
    tmp_path: Path,
) -> None:
    # `concdemo list` is measured against `import typer, rich.console` (concdemo bench):
    # once the table is kept, printing it must not read the catalogue (the files'
    # stamps say the table is current), nor import the code that draws it, the run
    # core, or the Chinese --help machinery (its patterns compile at import).
    root = _backdated_copy(tmp_path)
    env = {"CONCDEMO_SCENARIO_PATH": str(root), "CONCDEMO_CACHE_DIR": str(tmp_path / "c")}
    cli("list", env=env)
    kept = cli("list", env={**env, "PYTHONPROFILEIMPORTTIME": "1"})
    assert kept.returncode == 0 and "runner fixtures" in kept.stdout, kept.stderr
    imported = _imported(kept.stderr)
    assert "concdemo.commands.cli" in imported  # the import log is real
    needless = {
        "concdemo.catalogue.catalog",
        "concdemo.commands.cli_help",
        "concdemo.render.catalog",
        "rich.table",
        "concdemo.core",
        "concdemo.study",
        "concdemo.explain",
        "concdemo.catalogue.texts",
    }
    assert sorted(imported & needless) == []
