"""`concdemo verify`: run every variant linked to a claim, per start method, and judge each claim.

A claim holds only if every run that demonstrates it ended as expected
(``RunResult.as_expected``: the outcome for that start method and the
scenario's own checks). A variant that demonstrates several claims runs once
per start method and feeds each of them.

Runs that measure time (the variants of timing claims) run alone, one after
another; the others run a few at a time, which cannot disturb them: their
checks are about order, outcomes and lower bounds on sleeps.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from concdemo.catalogue import catalog, params, verdicts
from concdemo.catalogue.catalog import Scenario, Variant
from concdemo.catalogue.claims import CLAIMS, beyond_article
from concdemo.catalogue.run_spec import RunSpec
from concdemo.core import runner
from concdemo.core.runner import RunResult
from concdemo.i18n import Message
from concdemo.study import busy

# Smaller values where the claim does not depend on them, to keep verify short.
# pool: the claims compare apply with apply_async, and theory scales with delay
# (0.05 s still lets apply_async's "clearly faster" check run); the crawler's
# claims compare the sum of the latencies with the longest one.
VERIFY_PARAMS: dict[str, tuple[str, ...]] = {
    "pool": ("delay=0.05",),
    "gevent-crawler": ("latency=0.1",),
    # cluster: three workers start sooner than five on a small machine; the claims
    # (bounded overhead, spread over every worker) hold for any count.
    "cluster": ("workers=3",),
}
JOBS = 2  # runs at a time for the variants that measure no time
TIMING_ATTEMPTS = 2  # a timing run that misses its tolerance is tried once more


@dataclass(frozen=True)
class Skipped:
    """A scenario whose optional extra is not installed: its claims are not judged."""

    scenario: Scenario

    @property
    def claim_ids(self) -> list[str]:
        found: list[str] = []
        for variant in self.scenario.variants:
            found += [c for c in variant.claims if c not in found]
        return found

    def note(self, lang: str = "en") -> str:
        from concdemo.i18n import t

        s = self.scenario
        return t(
            "verify_skipped",
            lang,
            ids=", ".join(self.claim_ids),
            scenario=s.name,
            extra=s.requires,
            command=s.install_command,
        )


@dataclass
class Plan:
    specs: list[RunSpec]
    start_methods: list[str]
    # scenario -> param -> (value used, default)
    overrides: dict[str, dict[str, tuple[Any, Any]]]
    skipped: list[Skipped] = field(default_factory=list)


def _variants_with_claims(scenarios: Iterable[Scenario]) -> list[Variant]:
    return [v for s in scenarios for v in s.variants if v.claims]


def _fixed_halves(variant: Variant, scenario: Scenario) -> list[tuple[str, Any]]:
    """Broken/fixed pairs in one script: the fix is run too (e.g. fixed=true)."""
    return [(name, value) for name, value, _ in variant.expect_with if scenario.param(name)]


def make_plan(scenario_name: str | None, start_method: str | None) -> Plan:
    from concdemo.catalogue import plan as planning

    if scenario_name:
        scenarios = [catalog.get(scenario_name)]
        scenarios[0].check_available()  # asked for by name: say how to install it
    else:
        scenarios = list(catalog.load().values())
    methods = planning.start_methods(start_method or "all")
    specs: list[RunSpec] = []
    overrides: dict[str, dict[str, tuple[Any, Any]]] = {}
    skipped = [Skipped(s) for s in scenarios if s.missing_extra]
    for scenario in scenarios:
        if scenario.missing_extra:
            continue
        pairs = [p for p in VERIFY_PARAMS.get(scenario.name, ()) if _has_param(scenario, p)]
        values = params.parse(scenario, pairs)
        for pair in pairs:
            name = pair.partition("=")[0]
            found = scenario.param(name)
            assert found is not None
            overrides.setdefault(scenario.name, {})[name] = (values[name], found.default)
        for variant in _variants_with_claims([scenario]):
            halves = [values] + [{**values, n: v} for n, v in _fixed_halves(variant, scenario)]
            for method in methods:
                for chosen in halves:
                    specs.append(RunSpec(variant, method, chosen, variant.timeout_s))
    return Plan(specs, methods, overrides, skipped)


def _has_param(scenario: Scenario, pair: str) -> bool:
    return scenario.param(pair.partition("=")[0]) is not None


def runs_alone(spec: RunSpec) -> bool:
    """Variants of timing claims run with nothing else beside them."""
    return any(verdicts.is_timing(c) for c in spec.variant.claims)


def run_label(spec: RunSpec) -> str:
    """The variant, plus the switch that makes it the fixed half of a pair."""
    extra = [
        f" {name}={str(value).lower() if isinstance(value, bool) else value}"
        for name, value, _ in spec.variant.expect_with
        if spec.params.get(name) == value
    ]
    return spec.variant.name + "".join(extra)


# --- running ---------------------------------------------------------------


@dataclass
class Attempted:
    result: RunResult
    attempts: int = 1
    first_problem: str = ""  # why an earlier attempt did not count
    # timing runs: how busy the machine was during the attempt that counts
    load: busy.Load | None = None


class _Cancel:
    """Stops a run from another thread: the runner polls ``tick`` between reads.

    It uses the runner's stepping hook (without a gate: ``env`` adds nothing),
    so a run in a worker thread leaves the same way as on Ctrl-C, through the
    runner's own cleanup, which stops and reaps its whole process group.
    """

    def __init__(self, event: threading.Event) -> None:
        self._event = event

    def env(self, run_dir: Path) -> dict[str, str]:
        return {}

    def tick(self, events_seen: int) -> bool:
        if self._event.is_set():
            raise KeyboardInterrupt
        return False

    def close(self) -> None:
        return None


def _run_shared(spec: RunSpec, cancel: threading.Event) -> Attempted:
    return Attempted(runner.run(spec, stepper=_Cancel(cancel)))


def _run_timing(spec: RunSpec) -> Attempted:
    first_problem = ""
    for attempt in range(1, TIMING_ATTEMPTS + 1):
        # /proc/stat read around the run: nothing runs beside it, see busy.py.
        before = busy.read()
        result = runner.run(spec)
        load = busy.between(before, busy.read())
        if result.as_expected or attempt == TIMING_ATTEMPTS:
            return Attempted(result, attempt, first_problem, load)
        first_problem = first_problem or problem(result)
    raise AssertionError("unreachable")


def execute(
    specs: list[RunSpec],
    jobs: int = JOBS,
    on_start: Callable[[RunSpec], None] | None = None,
    on_done: Callable[[Attempted], None] | None = None,
) -> list[Attempted]:
    """Every run, in the order of ``specs``. Ctrl-C stops them all, then propagates."""
    found: dict[int, Attempted] = {}
    shared = [i for i, s in enumerate(specs) if not runs_alone(s)]
    alone = [i for i, s in enumerate(specs) if runs_alone(s)]
    cancel = threading.Event()
    pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="concdemo-verify")
    try:
        futures: dict[Future[Attempted], int] = {}
        for i in shared:
            futures[pool.submit(_run_shared, specs[i], cancel)] = i
        pending = set(futures)
        while pending:
            # A timeout keeps the main thread responsive to Ctrl-C and SIGTERM.
            done, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            for future in done:
                found[futures[future]] = future.result()
                if on_done is not None:
                    on_done(found[futures[future]])
        for i in alone:
            if on_start is not None:
                on_start(specs[i])
            found[i] = _run_timing(specs[i])
            if on_done is not None:
                on_done(found[i])
    except BaseException:
        cancel.set()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return [found[i] for i in range(len(specs))]


# --- judging ---------------------------------------------------------------


def problem(result: RunResult) -> str:
    """Why a run did not go as expected, in one line (an i18n.Message: English in JSON)."""
    where = f"{run_label(result.spec)} · {result.spec.start_method}"
    if result.outcome != result.expected:
        error = ""
        if result.error:
            error = f" ({result.error.get('type')}: {result.error.get('message')})"
        return Message(
            "problem_ended",
            where=where,
            outcome=result.outcome,
            expected=result.expected,
            error=error,
        )
    failed = [c for c in result.checks if not c.ok]
    if failed:
        shown = "; ".join(f"{c.what} {_compact(c.detail)}".strip() for c in failed)
        return Message("problem_check", where=where, failed=shown)
    errors = result.unexpected_errors
    if errors:
        e = errors[0]
        return Message(
            "problem_unexpected",
            where=where,
            type=e.detail.get("type"),
            message=e.detail.get("message"),
        )
    if result.error:
        return Message("problem_other_error", where=where, type=result.error.get("type"))
    return Message("problem_not_as_expected", where=where)


def _compact(detail: dict[str, Any]) -> str:
    if not detail:
        return ""
    return "(" + ", ".join(f"{k}={v}" for k, v in detail.items()) + ")"


@dataclass
class Figure:
    """One measured quantity of a timing claim, per start method, against theory."""

    label: str
    unit: str
    values: dict[str, float | None] = field(default_factory=dict)
    theory: float | None = None


@dataclass
class ClaimResult:
    id: str
    text: str
    runs: list[Attempted]  # primary variant first, in catalogue order
    start_methods: list[str]

    @property
    def verdict(self) -> verdicts.Verdict:
        return verdicts.verdict(self.id)

    @property
    def beyond_article(self) -> bool:
        """A claim of concdemo's own (X…), not one the article makes."""
        return beyond_article(self.id)

    @property
    def holds(self) -> bool:
        return all(a.result.as_expected for a in self.runs)

    @property
    def busy(self) -> busy.Load | None:
        """The busiest load that leaves this claim unjudged, or None when it can be judged.

        Only a declared timing or CPU claim can be inconclusive, and only when each
        run that went wrong did so in its measurements alone (it ended as expected,
        with no unexpected exception: a wrong outcome is no matter of load) and was
        measured on a machine busier than the claim allows. A "cpu" claim is
        inconclusive on a busy machine even when it held (see verdicts.Measures)."""
        verdict = self.verdict
        if verdict.measures is None:
            return None
        loaded = [
            a.load for a in self.runs if a.load is not None and a.load.busy_for(verdict.cores)
        ]
        if not loaded:
            return None
        wrong = [a for a in self.runs if not a.result.as_expected]
        if any(not _measurement_only(a.result) for a in wrong):
            return None
        if verdict.measures == "time" and (
            not wrong or any(a.load is None or not a.load.busy_for(verdict.cores) for a in wrong)
        ):
            return None
        return min(loaded, key=lambda load: load.free_cores)

    @property
    def status(self) -> str:
        """held, failed or inconclusive (the machine was too busy to judge)."""
        if self.busy is not None:
            return "inconclusive"
        return "held" if self.holds else "failed"

    @property
    def headline(self) -> str:
        return headline(self, "en")

    @property
    def variants(self) -> list[Variant]:
        seen: list[Variant] = []
        for a in self.runs:
            if all(a.result.spec.variant.path != v.path for v in seen):
                seen.append(a.result.spec.variant)
        return seen

    def chosen(self, method: str) -> RunResult | None:
        """The run that speaks for a start method: the first that went wrong, else the first."""
        mine = [a.result for a in self.runs if a.result.spec.start_method == method]
        if not mine:
            return None
        return next((r for r in mine if not r.as_expected), mine[0])

    def outcomes(self, method: str) -> list[str]:
        """Every outcome of this start method's runs, in order, without repeats."""
        found: list[str] = []
        for a in self.runs:
            if a.result.spec.start_method == method and a.result.outcome not in found:
                found.append(a.result.outcome)
        return found

    def method_ok(self, method: str) -> bool:
        return all(a.result.as_expected for a in self.runs if a.result.spec.start_method == method)

    @property
    def results(self) -> dict[str, str]:
        return {m: r.outcome for m in self.start_methods if (r := self.chosen(m)) is not None}

    @property
    def expected(self) -> dict[str, str]:
        return {m: r.expected for m in self.start_methods if (r := self.chosen(m)) is not None}

    @property
    def problems(self) -> list[str]:
        return [problem(a.result) for a in self.runs if not a.result.as_expected]

    @property
    def retries(self) -> list[str]:
        return [
            Message(
                "retry_passed", attempt=a.attempts, attempts=TIMING_ATTEMPTS, first=a.first_problem
            )
            for a in self.runs
            if a.attempts > 1 and a.result.as_expected
        ]

    @property
    def figures(self) -> list[Figure]:
        if not self.verdict.timing:
            return []
        measure = _MEASURES.get(self.id, _phase_figures)
        measured = [(a.result, measure(a.result)) for a in self.runs]
        # Name the variant only when figures come from more than one.
        several = len({run_label(r.spec) for r, found in measured if found}) > 1
        by_label: dict[str, Figure] = {}
        for result, found in measured:
            method = result.spec.start_method
            for label, unit, value, theory in found:
                if several:
                    label = _with_variant(run_label(result.spec), label)
                figure = by_label.setdefault(label, Figure(label, unit))
                figure.values[method] = value
                if figure.theory is None:
                    figure.theory = theory
        return list(by_label.values())


Measure = list[tuple[str, str, float | None, float | None]]


def _measurement_only(result: RunResult) -> bool:
    """The run ended as the story expects, and only its measured checks failed."""
    return (
        result.outcome == result.expected
        and not result.unexpected_errors
        and any(not c.ok for c in result.checks)
    )


def busy_text(load: busy.Load, cores: int | None, lang: str = "en") -> str:
    """The figures behind an inconclusive verdict, in one sentence."""
    from concdemo.i18n import t

    text = t(
        "busy_figures",
        lang,
        others=load.others_cores,
        steal=load.steal_cores,
        cores=load.cores,
        free=load.free_cores,
        needed=load.needs(cores),
    )
    if load.load_avg is not None:
        text += t("busy_load_avg", lang, load=load.load_avg)
    if load.runnable is not None:
        text += t("busy_runnable", lang, runnable=load.runnable)
    return text


def headline(claim: ClaimResult, lang: str) -> str:
    """The verdict column (and the JSON's ``verdict``, in English)."""
    load = claim.busy
    if load is not None:
        from concdemo.i18n import t

        return t("verdict_inconclusive", lang, figures=busy_text(load, claim.verdict.cores, lang))
    return verdicts.headline(claim.id, claim.holds, claim.start_methods, lang)


def _with_variant(variant: str, label: str) -> str:
    if label in (variant, ""):
        return variant
    return Message("figure_with_variant", variant=variant, label=label)


def _phase_figures(result: RunResult) -> Measure:
    return [(p.name, "s", p.seconds, p.theory_s) for p in result.phases if p.theory_s is not None]


def _speedups(result: RunResult) -> Measure:
    """cpu-sweep: the cores each pool size kept busy (what PL8 is judged on), then its
    clock-timed speedup over one worker; the ideal of both is min(workers, cores)."""
    busy: Measure = []
    speedups: Measure = []
    for e in result.events:
        if e.kind == "speedup":
            workers, cores = int(e.detail["workers"]), int(e.detail["cores"])
            ideal = float(min(workers, cores))
            if "cores_busy" in e.detail:
                label = Message("figure_cores_busy", workers=workers)
                busy.append((label, "", float(e.detail["cores_busy"]), ideal))
            label = Message("figure_speedup", workers=workers)
            speedups.append((label, "×", float(e.detail["speedup"]), ideal))
    return busy + speedups


def _cpu_bound(result: RunResult) -> Measure:
    """gevent cpu-bound: greenlets' and processes' speedup over one task alone."""
    found: Measure = []
    for check in result.checks:
        d = check.detail
        if "greenlets_s" in d and d.get("greenlets_s"):
            speedup = float(d["one_task_s"]) * float(d["tasks"]) / float(d["greenlets_s"])
            found.append((Message("figure_greenlets"), "×", speedup, 1.0))
        if "cores_used" in d:
            processes = Message("figure_processes")
            found.append((processes, "×", float(d["speedup"]), float(d["cores_used"])))
    return found


def _idle_growth(result: RunResult) -> Measure:
    """idle-fds: how much slower one waiting call got from the fewest to the most idle fds."""
    per_backend: dict[str, list[tuple[int, float]]] = {}
    for e in result.events:
        if e.kind == "measured":
            per_backend.setdefault(str(e.detail["backend"]), []).append(
                (int(e.detail["idle"]), float(e.detail["us_per_call"]))
            )
    found: Measure = []
    for backend, points in per_backend.items():
        points.sort()
        (low, first), (high, last) = points[0], points[-1]
        if first > 0:
            label = Message("figure_idle", backend=backend, low=low, high=high)
            found.append((label, Message("unit_slower"), last / first, None))
    return found


def _overheads(result: RunResult) -> Measure:
    """cluster: the cost of one no-op task through Dask and through Pool.apply_async."""
    found: Measure = []
    for check in result.checks:
        d = check.detail
        if "dask_ms" in d and "pool_ms" in d:
            found.append(("per-task overhead, Dask", "ms", float(d["dask_ms"]), None))
            found.append(("per-task overhead, Pool.apply_async", "ms", float(d["pool_ms"]), None))
    return found


_MEASURES: dict[str, Callable[[RunResult], Measure]] = {
    "X5": _overheads,
    "PL8": _speedups,
    "C1": _cpu_bound,
    "GE9": _idle_growth,
}


def judge(attempts: list[Attempted], start_methods: list[str]) -> list[ClaimResult]:
    """Claims in the article's order (claims.CLAIMS), each fed by every run that shows it."""
    by_claim: dict[str, list[Attempted]] = {}
    for a in attempts:
        for claim_id in a.result.spec.variant.claims:
            by_claim.setdefault(claim_id, []).append(a)
    order = [c for c in CLAIMS if c in by_claim] + [c for c in by_claim if c not in CLAIMS]
    return [ClaimResult(c, CLAIMS.get(c, c), by_claim[c], start_methods) for c in order]


@dataclass
class Verification:
    claims: list[ClaimResult]
    start_methods: list[str]
    overrides: dict[str, dict[str, tuple[Any, Any]]]
    elapsed_s: float
    runs: int
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(c.status == "held" for c in self.claims)

    @property
    def failed(self) -> int:
        return sum(c.status == "failed" for c in self.claims)

    @property
    def inconclusive(self) -> int:
        return sum(c.status == "inconclusive" for c in self.claims)


def verify(
    plan: Plan,
    jobs: int = JOBS,
    on_start: Callable[[RunSpec], None] | None = None,
    on_done: Callable[[Attempted], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Verification:
    started = clock()
    attempts = execute(plan.specs, jobs, on_start, on_done)
    claims = judge(attempts, plan.start_methods)
    return Verification(
        claims, plan.start_methods, plan.overrides, clock() - started, len(attempts), plan.skipped
    )


def overrides_line(overrides: dict[str, dict[str, tuple[Any, Any]]], lang: str = "en") -> str:
    from concdemo.i18n import t

    parts = [
        f"{scenario} " + t("param_with_default", lang, name=name, value=value, default=default)
        for scenario, values in overrides.items()
        for name, (value, default) in values.items()
    ]
    if not parts:
        return ""
    return t("verify_overrides", lang, parts=t("list_sep", lang).join(parts))
