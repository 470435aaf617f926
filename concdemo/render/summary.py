"""After a run: outcome against expectation, timings, checks, who did what, and the lesson."""

from __future__ import annotations

from collections import Counter

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from concdemo.render.style import OUTCOME_STYLES
from concdemo.runner import RunResult


def outcome_line(result: RunResult) -> Text:
    spec = result.spec
    mark = ("✓ as expected", "green") if result.as_expected else ("✗ NOT as expected", "bold red")
    return Text.assemble(
        mark,
        "  ",
        (result.outcome, OUTCOME_STYLES.get(result.outcome, "") + " bold"),
        f" (expected {result.expected})  ",
        (f"{spec.variant.scenario} · {spec.variant.name} · {spec.start_method}", "bold"),
        f"  wall {result.wall_s:.3f} s",
    )


def _heading(text: str) -> Text:
    return Text(text, style="bold underline")


def _phases(result: RunResult) -> Group | None:
    phases = result.phases
    if not phases:
        return None
    table = Table(box=None, header_style="bold")
    table.add_column("phase")
    table.add_column("measured (s)", justify="right")
    table.add_column("theory (s)", justify="right")
    table.add_column("measured/theory", justify="right")
    for phase in phases:
        measured = "unfinished" if phase.seconds is None else f"{phase.seconds:.3f}"
        theory = "" if phase.theory_s is None else f"{phase.theory_s:.3f}"
        ratio = ""
        if phase.seconds is not None and phase.theory_s:
            ratio = f"{phase.seconds / phase.theory_s:.2f}×"
        table.add_row(phase.name, measured, theory, ratio)
    return Group(_heading("phases"), table)


def _checks(result: RunResult) -> Group | None:
    checks = result.checks
    if not checks:
        return None
    table = Table(box=None, show_header=False)
    table.add_column("", no_wrap=True)
    table.add_column("")
    for check in checks:
        mark = Text("✓", style="green") if check.ok else Text("✗", style="bold red")
        table.add_row(mark, check.what)
    return Group(_heading("what the article claims, checked on this run"), table)


def _processes(result: RunResult) -> Group:
    counts = Counter(e.pid for e in result.events)
    table = Table(box=None, header_style="bold")
    table.add_column("process")
    table.add_column("pid", justify="right")
    table.add_column("events", justify="right")
    table.add_column("exit", justify="right")
    for info in result.processes:
        exit_text = "" if info.exitcode is None else str(info.exitcode)
        table.add_row(info.name, str(info.pid), str(counts[info.pid]), exit_text)
    return Group(_heading("events per process"), table)


def _problems(result: RunResult) -> list[RenderableType]:
    parts: list[RenderableType] = []
    for event in result.unexpected_errors:
        if result.error is None or event.pid != result.error.get("pid"):
            parts.append(
                Text(
                    f"unexpected {event.detail.get('type')}: "
                    f"{event.detail.get('message')} in {event.process}",
                    style="red",
                )
            )
    if result.error:
        err = result.error
        where = ""
        if "file" in err:
            where = f" at {err['file']}:{err.get('line')} in {err.get('function')}()"
        parts.append(
            Text.assemble(
                ("error ", "bold red"),
                f"{err.get('type')}: {err.get('message')} in {err.get('process')}{where}",
            )
        )
    if result.stacks:
        table = Table(box=None, header_style="bold")
        table.add_column("process")
        table.add_column("thread")
        table.add_column("blocked in")
        table.add_column("scenario line")
        for stack in result.stacks:
            inner = stack["blocked_in"]
            table.add_row(
                f"{stack['process']}[{stack['pid']}]",
                stack["thread"],
                f"{inner['function']}()  {_short(inner['file'])}:{inner['line']}",
                f"{_short(stack['file'])}:{stack['line']} in {stack['function']}",
            )
        parts.append(
            Group(_heading("where each process was blocked when the run was stopped"), table)
        )
    if result.dropped_events or result.malformed_events:
        parts.append(
            Text(
                f"{result.dropped_events} events dropped, {result.malformed_events} malformed",
                style="yellow",
            )
        )
    if not result.as_expected and result.outcome in ("error", "crash") and result.stderr_tail:
        parts.append(Panel(Text(result.stderr_tail), title="stderr (last lines)", expand=False))
    return parts


def _short(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _lesson(result: RunResult) -> Panel | None:
    variant = result.spec.variant
    text = variant.explanation
    note = variant.note(result.spec.start_method)
    if note:
        text = f"{text}\n\n{note}" if text else note
    if not text:
        return None
    return Panel(Text(text), title="what you just saw", title_align="left", expand=True)


def render(result: RunResult) -> Group:
    parts: list[RenderableType | None] = [
        outcome_line(result),
        _phases(result),
        _checks(result),
        *_problems(result),
        _processes(result),
        _lesson(result),
    ]
    return Group(*(p for p in parts if p is not None))


def totals_line(results: list[RunResult]) -> Text:
    good = sum(r.as_expected for r in results)
    style = "green" if good == len(results) else "bold red"
    return Text(
        f"{len(results)} run(s): {good} as expected, {len(results) - good} not", style=style
    )
