"""The wire (channel names, environment, message shape) is shared without the probe."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import _CLEARED, FIXTURE_SCENARIOS


def test_the_cli_side_of_a_run_never_imports_the_probe() -> None:
    # The tracer and the runner read the environment names from the wire; the
    # probe (the scenario's side) must stay out of the CLI process.
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env["CONCDEMO_SCENARIO_PATH"] = str(FIXTURE_SCENARIOS)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "concdemo",
         "run", "fixture", "--variant", "ok", "--plain"],
        capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()
                if line.startswith("import time:")]
    assert "concdemo.core.runner" in imported, "the run went through the runner"
    assert "concdemo.probe" not in imported


def test_the_probe_still_offers_the_environment_names() -> None:
    from concdemo import probe
    from concdemo.wire import channel

    for name in ("ENV_EVENTS", "ENV_RUN_DIR", "ENV_T0", "ENV_PARAMS", "ENV_START_METHOD",
                 "ENV_CLI_PID"):
        assert getattr(probe, name) == getattr(channel, name), name
