"""scripts/sweep.py: runs a folder's scripts bare and traced, and tells matches
from mismatches, skipped scripts, survivors and files left behind."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "sweep.py"


def test_the_sweep_compares_outcomes_and_lines_and_says_what_it_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "examples"
    folder.mkdir()
    # An error, the same bare and traced; a file written; a line that differs
    # (it tells whether concdemo's event channel is there); one left out, with why.
    (folder / "fails.py").write_text("print('before')\nraise SystemExit(3)\n")
    (folder / "writes.py").write_text("open('left.txt', 'w').write('x')\nprint('wrote')\n")
    (folder / "tells.py").write_text(
        "import os\nprint('traced' if 'CONCDEMO_EVENTS' in os.environ else 'bare')\n"
    )
    (folder / "serves.py").write_text("while True: pass\n")
    summary = tmp_path / "summary.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(folder), "--skip", "serves.py=serves forever",
         "--timeout", "60", "--json", str(summary)],
        capture_output=True, text=True, timeout=240,
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(summary.read_text())
    assert (doc["cases"], doc["outcome_matches"], doc["stdout_matches"]) == (3, 3, 2)
    assert doc["skipped"] == {"serves.py": "serves forever"}
    (mismatch,) = doc["mismatches"]
    assert (mismatch["script"], mismatch["stdout_compared"]) == ("tells.py", "DIFF")
    assert mismatch["stdout"] == {"only_bare": ["bare"], "only_traced": ["traced"]}
    assert doc["survivors"] == 0
    # Each run has a fresh working directory: what the script wrote there is reported.
    left = {"bare": ["left.txt"], "traced": ["left.txt"]}
    assert doc["left_behind"] == {"writes.py [fork]": left}
    table = done.stdout.splitlines()
    header = ["script", "method", "bare", "traced", "stdout", "stderr", "surv", "left"]
    assert table[0].split() == header
    assert table[1].split() == ["fails.py", "fork", "error", "error", "=", "=", "0", "0"]


def test_a_folder_that_is_not_one_is_a_one_line_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "missing")],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"sweep: {tmp_path / 'missing'} is not a folder; name one that holds scripts"
    ]
