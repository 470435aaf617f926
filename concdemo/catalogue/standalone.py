"""Command-line handling for a scenario script run on its own (without the CLI).

``concdemo.probe.start`` imports it only then: a scenario's processes under concdemo
never load the catalogue."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from concdemo.base.errors import UsageError
from concdemo.catalogue import catalog, params


def parse_script_args(argv: list[str], script: str) -> tuple[str | None, dict[str, Any]]:
    """``[--start-method NAME] [KEY=VALUE ...]`` -> (start method, parameters)."""
    method: str | None = None
    pairs: list[str] = []
    args = iter(argv)
    try:
        for arg in args:
            if arg == "--start-method":
                method = next(args, "")
                if method not in catalog.START_METHODS:
                    raise UsageError(
                        f"Unknown start method '{method}'; use one of "
                        f"{', '.join(catalog.START_METHODS)}."
                    )
            elif "=" in arg:
                pairs.append(arg)
            else:
                raise UsageError(
                    f"Unexpected argument '{arg}'; use [--start-method NAME] [KEY=VALUE ...]."
                )
        scenario = catalog.read_scenario(Path(script).resolve().parent)
        return method, params.parse(scenario, pairs)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
