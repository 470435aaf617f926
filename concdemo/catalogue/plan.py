"""Turn the command line's choices into the list of runs to make (validated)."""

from __future__ import annotations

from concdemo.catalogue import catalog, params
from concdemo.catalogue.catalog import START_METHODS, Variant
from concdemo.commands.errors import UsageError, did_you_mean
from concdemo.i18n import Message

__all__ = ["UsageError", "available_start_methods", "runs", "start_methods"]
from concdemo.core.runner import RunSpec


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
