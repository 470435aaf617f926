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
from typing import TYPE_CHECKING

from concdemo.catalogue.catalog import DEFAULT_TIMEOUT_S, Variant
from concdemo.commands.errors import UsageError

if TYPE_CHECKING:
    from concdemo.core.runner import RunSpec

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


def script_runs(script: Script, start_method: str | None, timeout_s: float | None) -> list[RunSpec]:
    """One run per start method, as `plan.runs` makes them for a scenario's variant."""
    from concdemo.catalogue.plan import start_methods
    from concdemo.core.runner import RunSpec

    if timeout_s is not None and not timeout_s > 0:
        raise UsageError(f"--timeout must be a positive number of seconds, not {timeout_s:g}.")
    variant = script.variant()
    return [
        RunSpec(
            variant=variant,
            start_method=method,
            params={},
            timeout_s=timeout_s if timeout_s is not None else variant.timeout_s,
            script=script,
        )
        for method in start_methods(start_method)
    ]


def runs_for(
    name: str | None,
    module: str | None,
    args: list[str],
    variants: list[str],
    start_method: str | None,
    param_pairs: list[str],
    timeout_s: float | None,
) -> list[RunSpec]:
    """`run`'s positional arguments and options -> the runs to make.

    ``run NAME`` is a scenario unless NAME looks like a file; with ``-m MODULE``
    every positional argument belongs to the module's ``sys.argv``.
    """
    if module is not None or (name is not None and is_script(name)):
        if variants or param_pairs:
            flag = "--variant" if variants else "--param"
            raise UsageError(
                f"{flag} is for scenarios; a script takes its own arguments after --,"
                " e.g. concdemo run demo.py -- --workers 4."
            )
        given = start_method is not None
        if module is not None:
            argv = ([name] if name is not None else []) + list(args)
            script = script_from_module(module, argv, given)
        else:
            assert name is not None
            script = script_from_path(name, list(args), given)
        return script_runs(script, start_method, timeout_s)
    if name is None:
        raise UsageError("Name a scenario (see `concdemo list`), a script (demo.py) or -m MODULE.")
    if args:
        raise UsageError(
            f"Unexpected argument '{args[0]}': scenarios take --param KEY=VALUE;"
            " arguments after -- are for scripts (concdemo run demo.py -- ARGS)."
        )
    from concdemo.catalogue import plan

    return plan.runs(name, variants, start_method, param_pairs, timeout_s)


def compare_runs(
    names: list[str], variants: list[str], start_method: str | None, param_pairs: list[str]
) -> list[RunSpec]:
    """`compare SCENARIO` or `compare a.py b.py ...` -> the runs to sample."""
    scripts = [n for n in names if is_script(n)]
    if not scripts:
        if len(names) != 1:
            raise UsageError(
                f"Compare one scenario's variants (--variant), not {len(names)} scenarios;"
                " or compare scripts: concdemo compare a.py b.py."
            )
        from concdemo.catalogue import plan

        return plan.runs(names[0], variants, start_method, param_pairs, None)
    if len(scripts) != len(names):
        other = next(n for n in names if not is_script(n))
        raise UsageError(f"'{other}' is not a script; compare scripts with scripts (a.py b.py).")
    if variants or param_pairs:
        raise UsageError("--variant and --param are for scenarios, not scripts.")
    given = start_method is not None
    return [
        spec
        for name in names
        for spec in script_runs(script_from_path(name, [], given), start_method, None)
    ]
