"""Make a list of runs one after another, each shown through a view."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from concdemo.catalogue.run_spec import RunSpec
from concdemo.core import runner
from concdemo.core.events import Event
from concdemo.core.runner import RunResult


class View(Protocol):
    """What shows a run while it runs.

    ``on_events`` gets the events in batches, in arrival order, on the runner's
    ingest thread and at the view's own pace; ``end`` comes after the last batch.
    """

    def begin(self, title: str) -> None: ...
    def on_events(self, events: Sequence[Event]) -> None: ...
    def end(self) -> None: ...


def title(spec: RunSpec, index: int, total: int) -> str:
    v = spec.variant
    counter = f"  [{index}/{total}]" if total > 1 else ""
    return f"{v.scenario} · {v.name} · {spec.start_method}{counter}"


def execute(
    specs: list[RunSpec],
    view: View | None,
    after_each: Callable[[RunResult], None] | None = None,
    stepper: runner.Stepping | None = None,
) -> list[RunResult]:
    results = []
    for index, spec in enumerate(specs, 1):
        if view is not None:
            view.begin(title(spec, index, len(specs)))
        try:
            result = runner.run(
                spec, on_events=view.on_events if view is not None else None, stepper=stepper
            )
        finally:
            if view is not None:
                view.end()
        results.append(result)
        if after_each is not None:
            after_each(result)
    return results

