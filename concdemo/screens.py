"""What the long-running commands show while they work: live runs, progress bars.

The commands in ``cli.py`` parse and validate; these functions make the runs
and hand every result to a renderer.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from concdemo import report, session
from concdemo.consoles import is_interactive, stderr_console, stdout_console
from concdemo.i18n import active_lang, outcome, tr
from concdemo.runner import RunResult, RunSpec


def progress_bar(console: Console) -> Progress:
    """A transient bar on stderr, so stdout keeps only the results."""
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def run_and_show(
    specs: list[RunSpec],
    as_json: bool,
    plain: bool,
    step: bool = False,
    outputs: Any = None,
    on_output_error: Callable[[], contextlib.AbstractContextManager[None]] = contextlib.nullcontext,
) -> list[RunResult]:
    """Each run live (or line by line), then its summary and timeline; or one JSON document."""
    if as_json:
        results = session.execute(specs, view=None)
        if outputs is not None:
            with on_output_error():
                outputs.write(results)
        report.write_run_doc(results, sys.stdout)
        return results
    from concdemo.render import summary
    from concdemo.render.timeline import timeline

    console = stdout_console()
    stepper = None
    keys: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
    footer = ""
    if step:
        from concdemo.stepper import Stepper, hint, keys_unbuffered

        stepper, keys, footer = Stepper(), keys_unbuffered(sys.stdin.fileno()), hint()
    view = session.make_view(console, live=is_interactive(plain), footer=footer)
    with keys:
        results = session.execute(
            specs,
            view,
            after_each=lambda r: console.print(summary.render(r), timeline(r.events)),
            stepper=stepper,
        )
    if len(results) > 1:
        console.print(summary.totals_line(results))
    if outputs is not None:
        with on_output_error():
            for line in outputs.write(results):
                console.print(line, soft_wrap=True)
    return results


def compare_with_progress(specs: list[RunSpec], repeat: int, warmup: int, show: bool) -> Any:
    from concdemo import compare as comparing

    if not show:
        return comparing.compare(specs, repeat, warmup)
    with progress_bar(stderr_console()) as progress:
        task = progress.add_task(tr("progress_sampling"), total=len(specs) * (repeat + warmup))

        def advance(spec: RunSpec, index: int, result: RunResult) -> None:
            kind = tr("progress_warmup") if index < warmup else tr("progress_sample")
            progress.update(
                task,
                advance=1,
                description=f"{_where(spec)} · {kind} "
                + tr("progress_seconds", seconds=result.wall_s),
            )

        return comparing.compare(specs, repeat, warmup, on_sample=advance)


def verify_with_progress(plan: Any) -> Any:
    from concdemo import verify as verifying

    console = stderr_console()
    if not console.is_terminal:
        return verifying.verify(plan)
    with progress_bar(console) as progress:
        task = progress.add_task(tr("progress_verifying"), total=len(plan.specs))

        def started(spec: RunSpec) -> None:
            progress.update(task, description=tr("progress_timing_alone", where=_where(spec)))

        def done(attempted: Any) -> None:
            r = attempted.result
            mark = "✓" if r.as_expected else "✗"
            shown = outcome(r.outcome, active_lang())
            progress.update(task, advance=1, description=f"{_where(r.spec)}: {shown} {mark}")

        return verifying.verify(plan, on_start=started, on_done=done)


def _where(spec: RunSpec) -> str:
    return f"{spec.variant.scenario} · {spec.variant.name} · {spec.start_method}"
