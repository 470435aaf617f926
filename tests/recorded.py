"""Recorded runs (``run --json`` documents in tests/fixtures/runs/) read back as RunResults."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from concdemo.catalogue import catalog
from concdemo.catalogue.run_spec import RunSpec
from concdemo.core.events import Event
from concdemo.core.runner import RunResult

RUNS = Path(__file__).parent / "fixtures" / "runs"


def result_from_json(doc: dict[str, Any], **changes: Any) -> RunResult:
    """One run of a ``run --json`` document as the RunResult it was made from.

    ``changes`` doctor it: ``params=``, ``outcome=``, ``error=``, ``stacks=``, ``events=``.
    """
    variant = catalog.get(doc["scenario"]).variant(doc["variant"])
    params = changes.pop("params", doc["params"])
    spec = RunSpec(variant, doc["start_method"], params, doc.get("timeout_s", 60.0))
    events = [
        Event(
            t=e["t"],
            pid=e["pid"],
            process=e["process"],
            task=e["task"],
            kind=e["kind"],
            detail=e["detail"],
            span=e.get("span", ""),
            seq=i,
        )
        for i, e in enumerate(doc["events"])
    ]
    main_pid = next((p["pid"] for p in doc["processes"] if p["name"] == "MainProcess"), 0)
    fields: dict[str, Any] = {
        "spec": spec,
        "outcome": doc["outcome"],
        "wall_s": doc["wall_s"],
        "events": events,
        "returncode": next(
            (p["exitcode"] for p in doc["processes"] if p["pid"] == main_pid), 0
        ),
        "main_pid": main_pid,
        "error": doc["error"],
        "stacks": doc["stacks"],
        "dropped_events": doc["dropped_events"],
    }
    fields.update(changes)
    return RunResult(**fields)


def recorded() -> list[RunResult]:
    """Every recorded run, one per variant of every shipped scenario."""
    found = []
    for path in sorted(RUNS.glob("*.json")):
        found += [result_from_json(run) for run in json.loads(path.read_text())["runs"]]
    return found
