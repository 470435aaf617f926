"""The JSON documents of cli.md, built from the same results the tables show."""

from __future__ import annotations

import platform
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the runner's imports are not needed to list the catalogue
    from concdemo.catalog import Scenario
    from concdemo.runner import RunResult


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


def run_head(result: RunResult) -> dict[str, Any]:
    """What a run was and how it ended: shared by `run --json` and `verify --json`."""
    spec = result.spec
    return {
        "scenario": spec.variant.scenario,
        "variant": spec.variant.name,
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


def run_json(result: RunResult) -> dict[str, Any]:
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
        "events": [e.as_json() for e in result.events],
        "dropped_events": result.dropped_events,
        "malformed_events": result.malformed_events,
        "repaired_events": result.repaired_events,
        "signals_sent": result.signals_sent,
        "stderr": result.stderr_tail,
    }


def run_doc(results: list[RunResult]) -> dict[str, Any]:
    return {
        "schema": "concdemo/run-1",
        "python": platform.python_version(),
        "platform": sys.platform,
        "runs": [run_json(r) for r in results],
    }
