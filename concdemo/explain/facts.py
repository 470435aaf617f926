"""What a run showed, as named values that explanation templates can read.

Derived once from a ``RunResult`` (names made with ``ident``: "run time" -> run_time):

- each parameter (``tasks``, ``fail_rate``, ``fixed``; ``url`` joined by ", ");
- ``scenario``, ``variant``, ``start_method``, ``outcome``, ``expected``,
  ``as_expected``, ``wall_s``, ``timeout_s``, ``processes``, ``dropped_events``,
  ``checks_total``, ``checks_failed``, ``error_type``/``_message``/``_process``;
- each phase: ``phase_<name>_s`` (absent if it never ended, or ended only by a
  hang's stop) and ``phase_<name>_theory_s``;
- each span kind (``task``, ``fetch``, ``sleep``): ``<span>_started``, ``_done``,
  ``_unfinished``, ``_processes`` and ``_tasks`` (how many took one), ``_peak``
  (the most at one moment);
- each event kind: ``<kind>_count``, and each scalar detail of its last event
  (``done_failed``) and of its first (``first_recv_msg``);
- each scalar detail of the checks: ``check_<key>`` (the last one wins);
- ``printed`` (the ``print`` events' texts in order) and ``first_print``.

``concdemo.explain.facts_of`` adds ``blocked_all`` (where each process waited),
``outcome_shown``/``expected_shown`` in the language shown, and the scenario's
own ``extra_facts``. A value that was not observed is simply absent:
``facts["x"]`` (and ``facts.x``) then raise ``MissingFact``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from concdemo.core.events import kind_ends, of_kinds, span_events
from concdemo.explain.template import Facts, ident, peak

if TYPE_CHECKING:
    from concdemo.core.runner import Phase, RunResult


def cut_off(result: RunResult) -> float:
    """After a hang, what ended past this moment was ended by the stop, not by the story."""
    return result.wall_s if result.outcome == "hang" else float("inf")


def _span_facts(result: RunResult) -> dict[str, Any]:
    from concdemo.core.events import pair_spans

    found: dict[str, Any] = {}
    by_name: dict[str, list[tuple[float, float | None, int, str]]] = {}
    limit = cut_off(result)
    for start, end in pair_spans(span_events(result.events)):
        if start.span_name == "phase":
            continue
        ended = None if end is None or end.t > limit else end.t
        by_name.setdefault(ident(start.span_name), []).append(
            (start.t, ended, start.pid, start.task)
        )
    for name, spans in by_name.items():
        done = [(s, e) for s, e, _, _ in spans if e is not None]
        found[f"{name}_started"] = len(spans)
        found[f"{name}_done"] = len(done)
        found[f"{name}_unfinished"] = len(spans) - len(done)
        found[f"{name}_processes"] = len({pid for _, _, pid, _ in spans})
        found[f"{name}_tasks"] = len({(pid, task) for _, _, pid, task in spans})
        # A span still open at the end counts as running until the run ended.
        open_until_end = [(s, result.wall_s if e is None else e) for s, e, _, _ in spans]
        found[f"{name}_peak"] = peak(open_until_end)
    return found


def _event_facts(result: RunResult) -> dict[str, Any]:
    # Only each kind's first and last event are decoded: a million-event run
    # tells the same facts without reading every detail.
    found: dict[str, Any] = {}
    for kind, (count, first, last) in kind_ends(result.events).items():
        if kind == "check":
            continue
        name = ident(kind)
        for key, value in first.detail.items():
            if isinstance(value, (str, int, float, bool)):
                found[f"first_{name}_{ident(key)}"] = value
                found[f"{name}_{ident(key)}"] = value
        for key, value in last.detail.items():
            if isinstance(value, (str, int, float, bool)):
                found[f"{name}_{ident(key)}"] = value  # the last event of the kind wins
        found[f"{name}_count"] = count
    return found


def finished_phases(result: RunResult) -> list[Phase]:
    """The run's phases, those cut short by a hang's stop counted as unfinished."""
    limit = cut_off(result)
    return [
        p if p.seconds is None or p.start_t + p.seconds <= limit else replace(p, seconds=None)
        for p in result.phases
    ]


def _check_facts(result: RunResult) -> dict[str, Any]:
    """What the checks measured, as ``check_<key>`` (the last check naming a key wins)."""
    found: dict[str, Any] = {}
    for check in result.checks:
        for key, value in check.detail.items():
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                found[f"check_{ident(key)}"] = value
    return found


def _printed(result: RunResult) -> dict[str, Any]:
    """The article's own print lines (``print`` events), in the order they came."""
    texts = [str(e.detail.get("text")) for e in of_kinds(result.events, "print")]
    return {"printed": ", ".join(texts), "first_print": texts[0]} if texts else {}


def _phase_facts(result: RunResult) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for phase in finished_phases(result):
        name = ident(phase.name)
        found[f"phase_{name}_s"] = phase.seconds
        found[f"phase_{name}_theory_s"] = phase.theory_s
    return found


def derive(result: RunResult) -> Facts:
    spec = result.spec
    values: dict[str, Any] = {ident(k): v for k, v in spec.params.items()}
    if isinstance(spec.params.get("url"), list):
        values["url"] = ", ".join(spec.params["url"]) or None
        values["url_count"] = len(spec.params["url"]) or None
    checks = result.checks
    values.update(
        scenario=spec.variant.scenario,
        variant=spec.variant.name,
        start_method=spec.start_method,
        outcome=result.outcome,
        expected=result.expected,
        as_expected=result.as_expected,
        wall_s=result.wall_s,
        timeout_s=spec.timeout_s,
        checks_total=len(checks),
        checks_failed=sum(not c.ok for c in checks),
        processes=len(result.processes),
        dropped_events=result.dropped_events,
    )
    values.update(_phase_facts(result))
    values.update(_span_facts(result))
    values.update(_event_facts(result))
    if result.error:
        # After the events' facts: the last "error" event's type and message
        # (error_type, error_message) must not pass for the run's error, which
        # is the first one, with its own process.
        values.update(
            error_type=result.error.get("type"),
            error_message=result.error.get("message"),
            error_process=result.error.get("process"),
        )
    values["blocked_count"] = len(result.stacks) or None
    values.update(_check_facts(result))
    values.update(_printed(result))
    return Facts(values)
