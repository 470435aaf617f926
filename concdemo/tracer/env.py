"""The CLI's side of the tracer: the environment a traced script starts with."""

from __future__ import annotations

import os

ENV_TRACE = "CONCDEMO_TRACE"  # "1" in a traced script's processes
ENV_TRACE_START_METHOD = "CONCDEMO_TRACE_START_METHOD"  # --start-method, when given
ENV_TRACE_HOME = "CONCDEMO_TRACE_HOME"  # where concdemo itself can be imported from
ENV_TRACE_OWN_DIR = "CONCDEMO_TRACE_OWN_DIR"  # the script's own code lives here
# A scenario's processes, reporting through the probe, that load only these parts
# of the tracer (comma-separated: "asyncio,waits"); the variant's TRACE asks for them.
ENV_TRACE_PARTS = "CONCDEMO_TRACE_PARTS"
# The parts a variant's TRACE may name (install.install_parts loads each):
# "asyncio", a lane per task with its awaits and links; "waits", the wait-for
# graph read at a hang (waits_mode). The catalogue refuses any other name.
PARTS = ("asyncio", "waits")
ENV_LOOP_BLOCK_MS = "CONCDEMO_LOOP_BLOCK_MS"  # --loop-block-ms, when given (tracer/aio.py)

_HERE = os.path.dirname(os.path.realpath(__file__))
BOOT_DIR = os.path.join(_HERE, "boot")


def traced_env(
    env: dict[str, str],
    pythonpath: list[str],
    start_method: str,
    given: bool,
    own_dir: str = "",
    loop_block_ms: float | None = None,
) -> dict[str, str]:
    """``env`` with the boot directory first on PYTHONPATH and the tracer switched on.

    The user's own PYTHONPATH entries follow, so their modules (and a
    ``sitecustomize`` of their own, which ours imports in turn) are still found.
    """
    paths = [p for p in pythonpath if p != BOOT_DIR]
    env = dict(env)
    env["PYTHONPATH"] = os.pathsep.join([BOOT_DIR, *paths])
    env[ENV_TRACE] = "1"
    env.pop(ENV_TRACE_PARTS, None)
    env[ENV_TRACE_HOME] = os.path.dirname(os.path.dirname(_HERE))
    env[ENV_TRACE_OWN_DIR] = own_dir
    if given:
        env[ENV_TRACE_START_METHOD] = start_method
    else:
        env.pop(ENV_TRACE_START_METHOD, None)
    if loop_block_ms is not None:
        env[ENV_LOOP_BLOCK_MS] = repr(loop_block_ms)
    else:  # one left in the CLI's own environment is not the user's choice for this run
        env.pop(ENV_LOOP_BLOCK_MS, None)
    return env


def traced_parts_env(
    env: dict[str, str], pythonpath: list[str], parts: tuple[str, ...], own_dir: str
) -> dict[str, str]:
    """A scenario's ``env`` with the boot directory first on PYTHONPATH and only
    ``parts`` of the tracer switched on (its probe reports the rest); its own
    code (``own_dir``, its folder) is not a library's, even when installed."""
    env = dict(env)
    env["PYTHONPATH"] = os.pathsep.join([BOOT_DIR, *(p for p in pythonpath if p != BOOT_DIR)])
    env[ENV_TRACE_PARTS] = ",".join(parts)
    env[ENV_TRACE_HOME] = os.path.dirname(os.path.dirname(_HERE))
    env[ENV_TRACE_OWN_DIR] = own_dir
    env.pop(ENV_TRACE, None)
    env.pop(ENV_LOOP_BLOCK_MS, None)
    return env
