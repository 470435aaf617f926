"""`--svg FILE`, and output paths that are refused before any run starts."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from concdemo import export
from concdemo.base.errors import UsageError

from conftest import cli


def test_svg_holds_the_summary_and_the_timeline(tmp_path: Path) -> None:
    path = tmp_path / "switch.svg"
    done = cli("run", "greenlet", "--variant", "switch", "--svg", str(path))
    assert done.returncode == 0, done.stderr
    assert f"picture written to {path}" in done.stdout
    svg = path.read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<svg") and svg.rstrip().endswith("</svg>")
    # Rich writes each run of text as one <text> element, spaces as &#160;.
    for text in ("as expected", "timeline", "MainProcess[", "] foo", "concdemo run greenlet"):
        assert text.replace(" ", "&#160;") in svg, text
    assert "fill=\"#" in svg  # coloured, whatever the terminal


def test_json_mode_writes_both_files_and_prints_only_json(tmp_path: Path) -> None:
    svg, trace = tmp_path / "run.svg", tmp_path / "run.json"
    done = cli("run", "greenlet", "--variant", "switch", "--json", "--svg", str(svg),
               "--trace", str(trace))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["schema"] == "concdemo/run-1"
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert "traceEvents" in json.loads(trace.read_text(encoding="utf-8"))


def test_an_existing_file_is_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text("old", encoding="utf-8")
    done = cli("run", "greenlet", "--variant", "switch", "--trace", str(path))
    assert done.returncode == 0, done.stderr
    assert json.loads(path.read_text(encoding="utf-8"))["displayTimeUnit"] == "ms"


@pytest.mark.parametrize(
    ("flag", "name", "said"),
    [
        ("--trace", "missing/t.json", "does not exist"),
        ("--svg", "missing/deeper/p.svg", "does not exist"),
        ("--trace", ".", "is a directory"),
        ("--svg", "", "needs a file name"),
    ],
)
def test_bad_paths_are_refused_before_running(
    tmp_path: Path, flag: str, name: str, said: str
) -> None:
    value = str(tmp_path / name) if name not in (".", "") else (str(tmp_path) if name else "")
    began = time.monotonic()
    # pool apply with these values would take 50 s: a refusal must come first.
    done = cli("run", "pool", "--variant", "apply", "--param", "delay=5", "--param",
               "tasks=10", flag, value)
    assert done.returncode == 2
    assert time.monotonic() - began < 20
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert said in lines[0] and flag in lines[0] and value in lines[0]
    assert "Traceback" not in done.stderr


def test_the_same_file_for_both_is_refused(tmp_path: Path) -> None:
    path = str(tmp_path / "x")
    done = cli("run", "greenlet", "--trace", path, "--svg", path)
    assert done.returncode == 2
    assert "give each its own file" in done.stderr


def test_an_unwritable_place_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As root every directory is writable to os.access; ask it for a refusal instead.
    monkeypatch.setattr(export.os, "access", lambda path, mode: False)
    with pytest.raises(UsageError, match=r"--svg .*p\.svg: .* is not writable; pick a path"):
        export.check_path("--svg", str(tmp_path / "p.svg"), ".svg")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only directory")
def test_a_read_only_directory_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    done = cli("run", "greenlet", "--trace", str(locked / "t.json"))
    assert done.returncode == 2
    assert "is not writable" in done.stderr


def test_a_directory_name_suggests_a_file_inside(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"is a directory; name a file inside it, e\.g\. --trace "):
        export.check_path("--trace", str(tmp_path), ".json")
    assert export.check_path("--trace", str(tmp_path / "t.json"), ".json") == tmp_path / "t.json"
