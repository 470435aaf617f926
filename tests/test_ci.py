"""`.ci/run`: every Python 3.10-3.13 present, and never a silent pass."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("tmux") is None, reason=".ci/run would install tmux first")
def test_ci_with_no_python_to_test_fails_and_names_what_it_skipped(tmp_path: Path) -> None:
    # No such versions: nothing runs (so no make, no recursion), and that must not pass.
    env = {**os.environ, "CI_PYTHONS": "3.98 3.99", "PYENV_ROOT": str(tmp_path)}
    done = subprocess.run(
        ["bash", str(REPO / ".ci" / "run")],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode != 0, done.stdout
    assert "Python 3.98: not installed on this machine, skipped" in done.stdout
    assert "skipped (absent): 3.98 3.99" in done.stdout
    assert "nothing was tested" in done.stderr
