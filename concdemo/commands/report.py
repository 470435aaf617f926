"""The JSON documents of cli.md, built from the same results the tables show."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:  # the runner's imports are not needed to list the catalogue
    from concdemo.catalogue.catalog import Scenario
    from concdemo.core.events import Event
    from concdemo.core.runner import RunResult
    from concdemo.study.compare import Comparison
    from concdemo.study.verify import Attempted, ClaimResult, Verification

VERIFY_SCHEMA = "concdemo/verify-1"


def print_json(doc: dict[str, Any]) -> None:
    """Exactly one JSON document on stdout, nothing else."""
    import json

    sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def list_doc(scenarios: list[Scenario]) -> dict[str, Any]:
    return {
        "schema": "concdemo/list-1",
        "scenarios": [
            {
                **_requires(s),
                "name": s.name,
                "title": s.title,
                "summary": s.summary,
                "params": [p.as_json() for p in s.params],
                "variants": [
                    {
                        "name": v.name,
                        "default": v.default,
                        "title": v.title,
                        "claims": list(v.claims),
                        "expect": dict(v.expect),
                    }
                    for v in s.variants
                ],
            }
            for s in scenarios
        ],
    }


def _requires(scenario: Scenario) -> dict[str, Any]:
    """Only for a scenario that needs an optional extra: which, and whether it is here."""
    if not scenario.requires:
        return {}
    return {
        "requires": scenario.requires,
        "requires_installed": not scenario.missing_extra,
        "install": scenario.install_command,
    }


def run_head(result: RunResult) -> dict[str, Any]:
    """What a run was and how it ended: shared by `run --json` and `verify --json`."""
    spec = result.spec
    script = spec.script
    which: dict[str, Any] = {"scenario": spec.variant.scenario, "variant": spec.variant.name}
    if script is not None:  # cli.md: a script's run has "scenario": null
        which = {
            "scenario": None,
            "script": script.doc_path,
            "argv": list(script.argv),
            "variant": spec.variant.name,
        }
    return {
        **which,
        "start_method": spec.start_method,
        "params": spec.params,
        "outcome": result.outcome,
        "expected": result.expected,
        "as_expected": result.as_expected,
        "wall_s": round(result.wall_s, 6),
        "phases": [
            {
                "name": p.name,
                "seconds": None if p.seconds is None else round(p.seconds, 6),
                "theory_s": p.theory_s,
            }
            for p in result.phases
        ],
    }


def run_json(result: RunResult, events: bool = True) -> dict[str, Any]:
    from concdemo.explain import explain  # JSON is for programs: always in English

    return {
        **run_head(result),
        "timeout_s": result.spec.timeout_s,
        "checks": [
            {"what": c.what, "ok": c.ok, "pid": c.pid, "process": c.process, "detail": c.detail}
            for c in result.checks
        ],
        "processes": [
            {"pid": p.pid, "name": p.name, "exitcode": p.exitcode} for p in result.processes
        ],
        "error": result.error,
        "stacks": result.stacks,
        "events": [e.as_json() for e in result.events] if events else [],
        "dropped_events": result.dropped_events,
        "malformed_events": result.malformed_events,
        "repaired_events": result.repaired_events,
        "summarised": [s.as_json() for s in result.summarised],
        "incomplete": [gap.as_json() for gap in result.gaps],
        "unresponsive": result.unresponsive,
        "waits": result.waits,
        "deadlock": result.deadlock,
        "signals_sent": result.signals_sent,
        "stderr": result.stderr_tail,
        "explanation": explain(result, "en"),
    }


_EVENTS_INDENT = " " * 8
_EVENTS_PER_WRITE = 2000


def write_run_doc(results: list[RunResult], out: TextIO) -> None:
    """``run_doc`` as a stream: everything but the events is laid out by json
    (indented), the events follow one per line, written a few thousand at a time.
    A run can hold a million events; the document is never whole in memory, and
    each event's detail is copied as the JSON text the event store keeps."""
    import json

    holes = [f"\u0000events of run {i}\u0000" for i in range(len(results))]
    doc = run_doc(results, events=False)
    for run, hole in zip(doc["runs"], holes, strict=True):
        run["events"] = hole
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    for result, hole in zip(results, holes, strict=True):
        before, text = text.split(json.dumps(hole), 1)
        out.write(before)
        _write_events(result.events, out)
    out.write(text + "\n")
    out.flush()


def _write_events(events: Sequence[Event], out: TextIO) -> None:
    import json

    if not events:
        out.write("[]")
        return
    fast = getattr(events, "json_rows", None)
    rows: Iterator[tuple[float, tuple[int, str, str, str, str], str]] = (
        fast()
        if fast is not None
        else (
            (e.t, (e.pid, e.process, e.task, e.kind, e.span), e.detail_json) for e in events
        )
    )
    heads: dict[tuple[int, str, str, str, str], tuple[str, str]] = {}
    lines: list[str] = []
    out.write("[\n")
    written = 0
    for t, key, detail in rows:
        parts = heads.get(key)
        if parts is None:
            pid, process, task, kind, span = key
            parts = heads[key] = (
                f'"pid": {pid}, "process": {json.dumps(process, ensure_ascii=False)}, '
                f'"task": {json.dumps(task, ensure_ascii=False)}, '
                f'"kind": {json.dumps(kind, ensure_ascii=False)}, "detail": ',
                f', "span": {json.dumps(span)}}}' if span else "}",
            )
        link = ""
        if '"link":' in detail:
            # On the wire a link travels in the detail; in JSON it is a field of its own
            # (cli.md), as Event.as_json writes it.
            parsed = json.loads(detail)
            if isinstance(parsed, dict) and "link" in parsed:
                link = f', "link": {json.dumps(str(parsed.pop("link")), ensure_ascii=False)}'
                detail = json.dumps(parsed, ensure_ascii=False, separators=(",", ":"))
        lines.append(
            f'{_EVENTS_INDENT}{{"t": {round(t, 6)!r}, {parts[0]}{detail}{link}{parts[1]}'
        )
        if len(lines) >= _EVENTS_PER_WRITE:
            written += len(lines)
            out.write(",\n".join(lines))
            lines = []
            if written < len(events):
                out.write(",\n")
    if lines:
        out.write(",\n".join(lines))
    out.write("\n      ]")


def run_doc(results: list[RunResult], events: bool = True) -> dict[str, Any]:
    return {
        "schema": "concdemo/run-1",
        "python": platform.python_version(),
        "platform": sys.platform,
        "runs": [run_json(r, events) for r in results],
    }


# --- compare and verify ----------------------------------------------------------


def compare_doc(comparison: Comparison) -> dict[str, Any]:
    return {
        "schema": "concdemo/compare-1",
        "scenario": comparison.scenario,
        "repeat": comparison.repeat,
        "warmup": comparison.warmup,
        "results": [
            {
                "variant": s.variant,
                "start_method": s.start_method,
                "phase": s.phase,
                "samples": [round(x, 6) for x in s.samples],
                "min": round(min(s.samples), 6),
                "median": round(s.median, 6),
                "max": round(max(s.samples), 6),
                "stdev": round(s.stdev, 6),
                "theory_s": s.theory_s,
                "speedup": None if (up := comparison.speedup(s)) is None else round(up, 3),
            }
            for s in comparison.series
        ],
        "warnings": comparison.warnings,
    }


def _attempt_json(a: Attempted) -> dict[str, Any]:
    r = a.result
    return {
        **run_head(r),
        "attempts": a.attempts,
        "failed_checks": [c.what for c in r.checks if not c.ok],
        "error": r.error,
        "busy": None if a.load is None else a.load.as_json(),
    }


def _figure(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def claim_json(claim: ClaimResult) -> dict[str, Any]:
    primary = claim.variants[0]
    verdict = claim.verdict
    return {
        "id": claim.id,
        "claim": claim.text,
        "scenario": primary.scenario,
        "variant": primary.name,
        "results": claim.results,
        "expected": claim.expected,
        "holds": claim.holds,
        "note": verdict.note,
        "beyond_article": claim.beyond_article,
        "kind": verdict.kind,
        "verdict": claim.headline,
        "status": claim.status,
        "measures": verdict.measures,
        "busy": None if (load := claim.busy) is None else load.as_json(verdict.cores),
        "variants": [{"scenario": v.scenario, "variant": v.name} for v in claim.variants],
        "tolerance": verdict.tolerance or None,
        "figures": [
            {
                "label": f.label,
                "unit": f.unit,
                "values": {m: _figure(v) for m, v in f.values.items()},
                "theory": _figure(f.theory),
            }
            for f in claim.figures
        ],
        "problems": claim.problems,
        "retries": claim.retries,
        "runs": [_attempt_json(a) for a in claim.runs],
    }


def verify_doc(verification: Verification) -> dict[str, Any]:
    from concdemo.catalogue.claims import CLAIMS

    return {
        "schema": VERIFY_SCHEMA,
        "passed": verification.passed,
        "failed": verification.failed,
        "inconclusive": verification.inconclusive,
        "python": platform.python_version(),
        "platform": sys.platform,
        "cpus": os.cpu_count(),
        "start_methods": verification.start_methods,
        "params": {
            scenario: {name: value for name, (value, _) in values.items()}
            for scenario, values in verification.overrides.items()
        },
        "elapsed_s": round(verification.elapsed_s, 3),
        "runs": verification.runs,
        "claims": [claim_json(c) for c in verification.claims],
        "skipped": [
            {
                "id": claim_id,
                "claim": CLAIMS.get(claim_id, claim_id),
                "scenario": skip.scenario.name,
                "requires": skip.scenario.requires,
                "note": skip.note(),
            }
            for skip in verification.skipped
            for claim_id in skip.claim_ids
        ],
    }

