"""What the long-running commands show while they work: live runs, progress bars.

The commands in ``cli.py`` parse and validate; these functions make the runs
and hand every result to a renderer.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.console import Console

from concdemo.catalogue.run_spec import RunSpec
from concdemo.commands.consoles import is_interactive, stderr_console, stdout_console
from concdemo.core import session
from concdemo.core.runner import RunResult
from concdemo.i18n import active_lang, outcome, tr

if TYPE_CHECKING:  # only compare and verify draw a bar; `run` need not import it first
    from rich.progress import Progress


def progress_bar(console: Console) -> Progress:
    """A transient bar on stderr, so stdout keeps only the results."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

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
        _import_meanwhile("concdemo.commands.report")
        results = session.execute(specs, view=None)
        if outputs is not None:
            with on_output_error():
                outputs.write(results)
        from concdemo.commands import report

        report.write_run_doc(results, sys.stdout)
        return results
    _import_meanwhile("concdemo.render.summary", "concdemo.render.timeline")
    console = stdout_console()
    stepper = None
    keys: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
    footer = ""
    if step:
        from concdemo.core.stepper import Stepper, hint, keys_unbuffered

        stepper, keys, footer = Stepper(), keys_unbuffered(sys.stdin.fileno()), hint()
    view = make_view(console, live=is_interactive(plain), footer=footer)
    with keys:
        results = session.execute(
            specs,
            view,
            after_each=lambda r: _show_result(console, r),
            stepper=stepper,
        )
    if len(results) > 1:
        from concdemo.render import summary

        console.print(summary.totals_line(results))
    if outputs is not None:
        with on_output_error():
            for line in outputs.write(results):
                console.print(line, soft_wrap=True)
    return results


def _show_result(console: Console, result: RunResult) -> None:
    from concdemo.render import summary
    from concdemo.render.timeline import timeline

    console.print(
        summary.render(result),
        timeline(result.events, waits=result.waits, stopped_at=result.wall_s),
    )


def _import_meanwhile(*modules: str) -> None:
    """Import what is only needed once a run has ended while the run goes on.

    The scenario starts a few milliseconds after this returns; from then on the
    CLI mostly waits, so these imports (Rich's tables, the summary, the timeline)
    no longer add to the time from start to the end of the report. Imports are
    thread-safe: a module still loading here is waited for where it is used.
    """
    import importlib
    import threading

    def load() -> None:
        for name in modules:
            with contextlib.suppress(Exception):  # it fails again, visibly, where used
                importlib.import_module(name)

    threading.Thread(target=load, name="concdemo-import", daemon=True).start()


def compare_with_progress(specs: list[RunSpec], repeat: int, warmup: int, show: bool) -> Any:
    from concdemo.study import compare as comparing

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
    from concdemo.study import verify as verifying

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


def make_view(console: Console, live: bool, footer: str = "") -> session.View:
    """The live table on a terminal, else a line per event."""
    if live:
        from concdemo.render.live import LiveView

        view = LiveView(console)
        view.footer = footer
        return view
    from concdemo.render.plain import PlainView

    return PlainView(console)
