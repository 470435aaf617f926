"""``--param KEY=VALUE``: typed and checked against a scenario's declarations."""

from __future__ import annotations

from typing import Any

from concdemo.base.errors import UsageError
from concdemo.catalogue import texts as scenario_texts
from concdemo.catalogue import validators
from concdemo.catalogue.catalog import Param, Scenario
from concdemo.i18n import Message, did_you_mean

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _convert(scenario: Scenario, param: Param, raw: str) -> Any:
    kind = param.type
    try:
        if kind == "int":
            value: Any = int(raw)
        elif kind == "float":
            value = float(raw)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError(raw)
        elif kind == "bool":
            lowered = raw.strip().lower()
            if lowered not in _TRUE | _FALSE:
                raise ValueError(raw)
            value = lowered in _TRUE
        else:
            value = raw
    except ValueError:
        example = {"int": "5", "float": "0.5", "bool": "true"}.get(kind, "text")
        key = "param_type_int" if kind == "int" else "param_type"
        raise UsageError(
            Message(key, name=param.name, kind=kind, raw=raw, example=example)
        ) from None
    if param.choices and value not in param.choices:
        raise UsageError(
            Message("param_choices", name=param.name, choices=", ".join(param.choices), raw=raw)
        )
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        low, high = param.min, param.max
        if (low is not None and value < low) or (high is not None and value > high):
            key = (
                "param_from_to"
                if low is not None and high is not None
                else ("param_at_least" if low is not None else "param_at_most")
            )
            raise UsageError(Message(key, name=param.name, low=low, high=high, raw=raw))
    wanted = scenario_texts.pattern_help(scenario, param) if param.pattern_help else ""
    validators.validate(param, value, wanted)
    return value


def parse(scenario: Scenario, pairs: list[str]) -> dict[str, Any]:
    """Defaults overridden by ``KEY=VALUE`` pairs; repeatable params collect lists."""
    values: dict[str, Any] = {p.name: p.default for p in scenario.params}
    seen_repeatable: set[str] = set()
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(Message("param_not_pair", pair=pair))
        param = scenario.param(key) or scenario.param(key.replace("_", "-"))
        if param is None:
            names = [p.name for p in scenario.params]
            known = (
                Message("param_known", names=", ".join(names)) if names else Message("param_none")
            )
            raise UsageError(
                Message(
                    "param_unknown",
                    scenario=scenario.name,
                    param=key,
                    did_you_mean=did_you_mean(key, names),
                    known=known,
                )
            )
        value = _convert(scenario, param, raw)
        if param.repeatable:
            if param.name not in seen_repeatable:
                values[param.name] = []
                seen_repeatable.add(param.name)
            values[param.name].append(value)
        else:
            values[param.name] = value
    return values
