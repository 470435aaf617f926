"""What `run` and `compare` were pointed at: a scenario name, or a user's own script.

A scenario name never contains ``/`` and never ends in ``.py`` (cli.md), so that
is how a script is told apart. A script becomes a run like a scenario's variant:
it gets a ``Variant`` of its own (expected outcome ``ok``) and a ``Script`` that
tells the runner how to start it (``python PATH.py ARGS`` or ``python -m MODULE``,
in the user's current directory) and that the tracer must reach its processes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from concdemo.base.errors import UsageError
from concdemo.catalogue.catalog import DEFAULT_TIMEOUT_S, Variant

SCRIPT_SCENARIO = "script"  # the `scenario` of a script's Variant, for titles and tables


def is_script(name: str) -> bool:
    return "/" in name or name.endswith(".py")


@dataclass(frozen=True)
class Script:
    """How to start a user's script exactly as ``python PATH.py ARGS`` would."""

    label: str  # the path as the user typed it, or ``-m MODULE``
    path: str | None  # the file given on the command line (as typed)
    module: str | None
    argv: tuple[str, ...]
    cwd: str
    # Only a start method given on the command line is imposed on the script;
    # without one it keeps the platform's default, untouched.
    start_method_given: bool = False
    # --loop-block-ms: an asyncio step holding its loop this long is a block
    # (None: the tracer's default).
    loop_block_ms: float | None = None

    def command(self, python: str) -> list[str]:
        if self.module is not None:
            return [python, "-m", self.module, *self.argv]
        assert self.path is not None
        return [python, self.path, *self.argv]

    @property
    def doc_path(self) -> str:
        """``script`` in ``--json``: the file as given, or ``-m MODULE``."""
        return self.path if self.path is not None else self.label

    def variant(self) -> Variant:
        where = Path(self.cwd) / self.path if self.path is not None else Path(self.cwd) / "x"
        return Variant(
            name=self.label,
            scenario=SCRIPT_SCENARIO,
            path=where.resolve() if self.path is not None else where,
            title="",
            explanation="",
            claims=(),
            expect={"*": "ok"},
            default=True,
            hang_timeout_s=DEFAULT_TIMEOUT_S,
        )


def script_from_path(path: str, argv: list[str], start_method_given: bool) -> Script:
    """A script file to run; a missing or unreadable one is a usage error."""
    file = Path(path).expanduser()
    if not file.exists():
        raise UsageError(f"No file '{path}'. Give the path of a Python script, e.g. ./demo.py.")
    if file.is_dir():
        main = file / "__main__.py"
        if not main.is_file():
            raise UsageError(f"'{path}' is a directory without __main__.py; name a .py file in it.")
    elif not os.access(file, os.R_OK):
        raise UsageError(f"Cannot read '{path}' (permission denied); check its permissions.")
    return Script(
        label=path,
        path=path,
        module=None,
        argv=tuple(argv),
        cwd=os.getcwd(),
        start_method_given=start_method_given,
    )


def script_from_module(module: str, argv: list[str], start_method_given: bool) -> Script:
    name = module.strip()
    if not name or not all(part.isidentifier() for part in name.split(".")):
        raise UsageError(f"'{module}' is not a module name; use e.g. -m mypackage.demo.")
    return Script(
        label=f"-m {name}",
        path=None,
        module=name,
        argv=tuple(argv),
        cwd=os.getcwd(),
        start_method_given=start_method_given,
    )
