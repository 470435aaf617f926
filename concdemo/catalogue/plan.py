"""Turn the command line's choices into the list of runs to make (validated)."""

from __future__ import annotations

import dataclasses

from concdemo.base.errors import UsageError
from concdemo.catalogue import catalog, params
from concdemo.catalogue.catalog import START_METHODS, Variant
from concdemo.catalogue.run_spec import RunSpec
from concdemo.catalogue.target import Script, is_script, script_from_module, script_from_path
from concdemo.i18n import Message, did_you_mean

__all__ = ["UsageError", "available_start_methods", "runs", "start_methods"]


def available_start_methods() -> list[str]:
    import multiprocessing

    have = set(multiprocessing.get_all_start_methods())
    return [m for m in START_METHODS if m in have]


def start_methods(choice: str | None) -> list[str]:
    """``None`` is the platform default; ``all`` every method the platform has."""
    import multiprocessing

    available = available_start_methods()
    if choice is None:
        return [multiprocessing.get_all_start_methods()[0]]
    if choice == "all":
        return available
    if choice not in START_METHODS:
        raise UsageError(
            Message(
                "start_method_unknown",
                choice=choice,
                did_you_mean=did_you_mean(choice, START_METHODS),
                methods=", ".join(START_METHODS),
            )
        )
    if choice not in available:
        raise UsageError(
            Message("start_method_unavailable", choice=choice, methods=", ".join(available))
        )
    return [choice]


def runs(
    scenario_name: str,
    variant_names: list[str],
    start_method: str | None,
    param_pairs: list[str],
    timeout_s: float | None,
) -> list[RunSpec]:
    scenario = catalog.get(scenario_name)
    scenario.check_available()
    variants: list[Variant] = catalog.pick_variants(scenario, variant_names)
    values = params.parse(scenario, param_pairs)
    if timeout_s is not None and not timeout_s > 0:
        raise UsageError(Message("timeout_positive", value=f"{timeout_s:g}"))
    methods = start_methods(start_method)
    return [
        RunSpec(
            variant=variant,
            start_method=method,
            params=values,
            timeout_s=timeout_s if timeout_s is not None else variant.timeout_s,
        )
        for variant in variants
        for method in methods
    ]


# --- a user's script, or a scenario: what `run` and `compare` were given ----------


def script_runs(script: Script, start_method: str | None, timeout_s: float | None) -> list[RunSpec]:
    """One run per start method, as `plan.runs` makes them for a scenario's variant."""
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


def _loop_block_ms(value: float) -> float:
    """--loop-block-ms: a positive, finite number of milliseconds."""
    if not 0 < value < float("inf"):
        raise UsageError(
            f"--loop-block-ms must be a positive number of milliseconds, not {value:g};"
            " e.g. --loop-block-ms 50."
        )
    return value


def runs_for(
    name: str | None,
    module: str | None,
    args: list[str],
    variants: list[str],
    start_method: str | None,
    param_pairs: list[str],
    timeout_s: float | None,
    loop_block_ms: float | None = None,
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
        if loop_block_ms is not None:
            script = dataclasses.replace(script, loop_block_ms=_loop_block_ms(loop_block_ms))
        return script_runs(script, start_method, timeout_s)
    if name is None:
        raise UsageError("Name a scenario (see `concdemo list`), a script (demo.py) or -m MODULE.")
    if loop_block_ms is not None:
        raise UsageError(
            "--loop-block-ms is for scripts (concdemo run demo.py --loop-block-ms 50),"
            " not scenarios."
        )
    if args:
        raise UsageError(
            f"Unexpected argument '{args[0]}': scenarios take --param KEY=VALUE;"
            " arguments after -- are for scripts (concdemo run demo.py -- ARGS)."
        )
    return runs(name, variants, start_method, param_pairs, timeout_s)


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
        return runs(names[0], variants, start_method, param_pairs, None)
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
