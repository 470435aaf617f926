"""scripts/i18n_hashes.py: shows what is stale, and stores a new hash only when asked by key."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from concdemo.catalogue import catalog
from concdemo.i18n import translations

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "i18n_hashes.py"


def _script(*args: str, extra: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CONCDEMO_SCENARIO_PATH"}
    if extra is not None:
        env["CONCDEMO_SCENARIO_PATH"] = str(extra)
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_a_changed_english_text_is_listed_then_its_new_hash_stored(tmp_path: Path) -> None:
    # A copy of the pipe scenario under another name, added through CONCDEMO_SCENARIO_PATH.
    folder = tmp_path / "50_pipecopy"
    shutil.copytree(catalog.load()["pipe"].folder, folder)
    about = folder / "about.py"
    about.write_text(about.read_text().replace('NAME = "pipe"', 'NAME = "pipecopy"'))
    assert _script(extra=tmp_path).returncode == 0  # the copy's Chinese is current

    script = folder / "pipe_duplex.py"
    old_title = catalog.read_scenario(folder).variant("duplex").title
    script.write_text(script.read_text().replace(old_title, "A changed first line."))
    listed = _script(extra=tmp_path)
    assert listed.returncode == 1
    new_hash = translations.source_hash("A changed first line.")
    (line,) = listed.stdout.splitlines()
    assert line.split()[:4] == ["pipecopy", "variant/duplex/title", new_hash, "STALE"]

    # --write without naming the key leaves a stale hash alone (it would hide it) ...
    _script("pipecopy", "--write", extra=tmp_path)
    assert _script(extra=tmp_path).returncode == 1
    # ... and stores it once the key is named (after the Chinese was updated).
    stored = _script("pipecopy", "variant/duplex/title", "--write", extra=tmp_path)
    assert stored.returncode == 0 and "variant/duplex/title" in stored.stdout
    assert _script(extra=tmp_path).returncode == 0
    entry = translations.read(folder / "zh.py")["variant/duplex/title"]
    assert entry[0] == new_hash
