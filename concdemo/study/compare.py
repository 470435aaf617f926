"""`concdemo compare`: repeated fresh runs of several variants, with statistics per phase."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

from concdemo.catalogue.run_spec import RunSpec
from concdemo.core import runner
from concdemo.core.runner import RunResult
from concdemo.i18n import Message

SPREAD_WARNING = 0.10  # stdev / mean, the threshold pyperf warns at
WHOLE_RUN = "wall"  # the phase name used for variants that declare no phases


@dataclass
class Series:
    """One variant, start method and phase, over the kept samples."""

    variant: str
    start_method: str
    phase: str
    theory_s: float | None
    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def stdev(self) -> float:
        return statistics.stdev(self.samples) if len(self.samples) > 1 else 0.0

    @property
    def spread(self) -> float:
        mean = statistics.fmean(self.samples)
        return self.stdev / mean if mean > 0 else 0.0


@dataclass
class Comparison:
    scenario: str
    repeat: int
    warmup: int
    series: list[Series]
    warnings: list[str]

    def speedup(self, series: Series) -> float | None:
        """How many times faster than the first result listed."""
        base = self.series[0].median if self.series else 0.0
        return base / series.median if series.median > 0 else None


def _measurements(result: RunResult) -> list[tuple[str, float, float | None]]:
    phases = [(p.name, p.seconds, p.theory_s) for p in result.phases if p.seconds is not None]
    return phases or [(WHOLE_RUN, result.wall_s, None)]


def compare(
    specs: list[RunSpec],
    repeat: int,
    warmup: int,
    on_sample: Callable[[RunSpec, int, RunResult], None] | None = None,
) -> Comparison:
    """Each sample is a fresh subprocess; warm-up samples are run and discarded."""
    series: dict[tuple[str, str, str], Series] = {}
    warnings: list[str] = []
    for spec in specs:
        for index in range(warmup + repeat):
            result = runner.run(spec)
            if on_sample is not None:
                on_sample(spec, index, result)
            if not result.as_expected:
                warnings.append(_not_as_expected(spec, index, result))
            if index < warmup:
                continue
            for name, seconds, theory in _measurements(result):
                key = (spec.variant.name, spec.start_method, name)
                entry = series.setdefault(key, Series(*key, theory_s=theory))
                entry.samples.append(seconds)
    found = list(series.values())
    warnings += _spread_warnings(found) + _mismatch_warnings(specs)
    scenario = specs[0].variant.scenario if specs else ""
    return Comparison(scenario, repeat, warmup, found, warnings)


# Warnings are i18n Messages: English text (the JSON keeps it), shown in the screen's language.


def _not_as_expected(spec: RunSpec, index: int, result: RunResult) -> str:
    where = Message(
        "compare_where", variant=spec.variant.name, start_method=spec.start_method, n=index + 1
    )
    if result.outcome != result.expected:
        return Message(
            "compare_ended", where=where, outcome=result.outcome, expected=result.expected
        )
    failed = [c.what for c in result.checks if not c.ok]
    if failed:
        return Message("compare_check_failed", where=where, failed="; ".join(failed))
    return Message("compare_unexpected_exception", where=where)


def _spread_warnings(found: list[Series]) -> list[str]:
    return [
        Message(
            "compare_noisy",
            variant=s.variant,
            phase=s.phase,
            start_method=s.start_method,
            spread=s.spread,
        )
        for s in found
        if len(s.samples) > 1 and s.spread >= SPREAD_WARNING
    ]


def _mismatch_warnings(specs: list[RunSpec]) -> list[str]:
    methods = {s.start_method for s in specs}
    if len(methods) > 1:
        return [Message("compare_mixed_methods", methods=", ".join(sorted(methods)))]
    return []
