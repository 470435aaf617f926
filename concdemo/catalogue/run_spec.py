"""What one run is: a variant (or a user's script), a start method, parameters, a limit.

The plan makes these from the command line (``plan``, ``target``); the run core
(``concdemo.core.runner``) runs them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from concdemo.catalogue.catalog import Variant

if TYPE_CHECKING:
    from concdemo.catalogue.target import Script


@dataclass(frozen=True)
class RunSpec:
    variant: Variant
    start_method: str
    params: dict[str, Any]
    timeout_s: float
    script: Script | None = None  # a user's own script (traced) instead of a scenario
