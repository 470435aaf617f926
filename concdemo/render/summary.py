"""After a run: outcome against expectation, timings, checks, who did what, and the lesson."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from concdemo.catalogue.claims import beyond_article
from concdemo.catalogue.texts import check_text
from concdemo.core.events import pid_counts
from concdemo.core.runner import RunResult
from concdemo.i18n import active_lang, outcome, tr
from concdemo.render.prose import cell, prose
from concdemo.render.style import OUTCOME_STYLES


def outcome_line(result: RunResult) -> Text:
    spec = result.spec
    lang = active_lang()
    mark = (
        ("✓ " + tr("as_expected"), "green")
        if result.as_expected
        else ("✗ " + tr("not_as_expected"), "bold red")
    )
    return Text.assemble(
        mark,
        "  ",
        (outcome(result.outcome, lang), OUTCOME_STYLES.get(result.outcome, "") + " bold"),
        " " + tr("expected_paren", expected=outcome(result.expected, lang)) + "  ",
        (f"{spec.variant.scenario} · {spec.variant.name} · {spec.start_method}", "bold"),
        "  " + tr("wall_time", seconds=result.wall_s),
    )


def _heading(text: str) -> Text:
    return Text(text, style="bold underline")


def _phases(result: RunResult) -> Group | None:
    from concdemo.explain.facts import finished_phases

    phases = finished_phases(result)  # a hang's stop ends no phase: shown as unfinished
    if not phases:
        return None
    table = Table(box=None, header_style="bold")
    table.add_column(tr("col_phase"))
    table.add_column(tr("col_measured_s"), justify="right")
    table.add_column(tr("col_theory_s"), justify="right")
    table.add_column(tr("col_measured_theory"), justify="right")
    for phase in phases:
        measured = tr("unfinished") if phase.seconds is None else f"{phase.seconds:.3f}"
        theory = "" if phase.theory_s is None else f"{phase.theory_s:.3f}"
        ratio = ""
        if phase.seconds is not None and phase.theory_s:
            ratio = f"{phase.seconds / phase.theory_s:.2f}×"
        table.add_row(phase.name, measured, theory, ratio)
    return Group(_heading(tr("heading_phases")), table)


def _checks(result: RunResult) -> Group | None:
    checks = result.checks
    if not checks:
        return None
    table = Table(box=None, show_header=False)
    table.add_column("", no_wrap=True)
    table.add_column("")
    for check in checks:
        mark = Text("✓", style="green") if check.ok else Text("✗", style="bold red")
        table.add_row(mark, cell(check_text(result.spec.variant, check.what, active_lang())))
    claims = result.spec.variant.claims
    beyond = bool(claims) and all(beyond_article(c) for c in claims)
    return Group(_heading(tr("heading_checks_beyond" if beyond else "heading_checks")), table)


def _processes(result: RunResult) -> Group:
    counts = pid_counts(result.events)
    table = Table(box=None, header_style="bold")
    table.add_column(tr("col_process"))
    table.add_column(tr("col_pid"), justify="right")
    table.add_column(tr("col_events"), justify="right")
    table.add_column(tr("col_exit"), justify="right")
    for info in result.processes:
        exit_text = "" if info.exitcode is None else str(info.exitcode)
        table.add_row(info.name, str(info.pid), str(counts.get(info.pid, 0)), exit_text)
    return Group(_heading(tr("heading_processes")), table)


def _problems(result: RunResult) -> list[RenderableType]:
    parts: list[RenderableType] = []
    for event in result.unexpected_errors:
        if result.error is None or event.pid != result.error.get("pid"):
            shown = tr(
                "unexpected_error",
                type=event.detail.get("type"),
                message=event.detail.get("message"),
                process=event.process,
            )
            parts.append(Text(shown, style="red"))
    if result.error:
        err = result.error
        where = ""
        if "file" in err:
            where = tr(
                "error_where", file=err["file"], line=err.get("line"), function=err.get("function")
            )
        detail = tr(
            "error_detail",
            type=err.get("type"),
            message=err.get("message"),
            process=err.get("process"),
            where=where,
        )
        parts.append(Text.assemble((tr("error_label") + " ", "bold red"), detail))
    if result.stacks or any(e["waiter"].get("greenlet") for e in result.waits):
        table = Table(box=None, header_style="bold")
        table.add_column(tr("col_process"))
        table.add_column(tr("col_thread"))
        table.add_column(tr("col_blocked_in"))
        table.add_column(tr("col_scenario_line"))
        edges = _edges_by_thread(result)
        if edges:
            table.add_column(tr("col_waits_for"))
        for stack in result.stacks:
            inner = stack["blocked_in"]
            waits_cell = [edges.get((stack["pid"], _ident(stack["thread"])), "")] if edges else []
            table.add_row(
                f"{stack['process']}[{stack['pid']}]",
                stack["thread"],
                f"{inner['function']}()  {_short(inner['file'])}:{inner['line']}",
                cell(
                    tr(
                        "stack_line",
                        file=_short(stack["file"]),
                        line=stack["line"],
                        function=stack["function"],
                    )
                ),
                *waits_cell,
            )
        for edge in _greenlet_edges(result):  # no thread of its own, so no stack row
            waiter = edge["waiter"]
            table.add_row(
                f"{waiter['process']}[{waiter['pid']}]",
                waiter["thread"],
                "",
                cell(_short(edge["at"] or "?")),
                edges[(waiter["pid"], waiter["ident"])],
            )
        # Not stopped: a run that ended in gevent's LoopExit shows its greenlets' waits.
        heading = "heading_stacks" if result.outcome == "hang" else "heading_loop_exit"
        parts.append(Group(_heading(tr(heading)), table))
    if result.dropped_events or result.malformed_events:
        shown = tr(
            "events_dropped", dropped=result.dropped_events, malformed=result.malformed_events
        )
        parts.append(Text(shown, style="yellow"))
    parts.extend(_losses(result))
    if not result.as_expected and result.outcome in ("error", "crash") and result.stderr_tail:
        parts.append(Panel(Text(result.stderr_tail), title=tr("stderr_tail"), expand=False))
    return parts


def _losses(result: RunResult) -> list[RenderableType]:
    """What the channel had to repair, and why events may have stopped arriving."""
    parts: list[RenderableType] = []
    for doc in result.unresponsive:
        parts.append(Text(tr("unresponsive", process=doc["process"], pid=doc["pid"]), "yellow"))
    if result.repaired_by_sender:
        parts.append(Text(tr("events_repaired", count=result.repaired_by_sender), "yellow"))
    if result.repaired_on_arrival:
        repaired = result.repaired_on_arrival
        parts.append(Text(tr("events_repaired_on_arrival", repaired=repaired), "yellow"))
    for kind in result.summarised:  # not a loss: what the budget turned into counts
        parts.append(Text(kind.text(active_lang()), "yellow"))
    for gap in result.gaps:
        if gap.reason != "lost-events":  # the dropped-events line above says it
            parts.append(Text(tr("gap_" + gap.reason.replace("-", "_")), "bold red"))
    return parts


def _short(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _lesson(result: RunResult) -> Panel | None:
    """The explanation computed from this run (concdemo.explain), not a fixed text."""
    from concdemo.explain import explain

    lang = active_lang()
    sentences = explain(result, lang)
    if not sentences:
        return None
    text = ("" if lang == "zh" else " ").join(sentences)
    return Panel(prose(text), title=tr("what_you_just_saw"), title_align="left", expand=True)


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
    return Text(tr("totals", runs=len(results), good=good, bad=len(results) - good), style=style)


def _ident(label: str) -> int:
    """'0x00007f… (current)' (faulthandler's thread id, the thread's ident) -> the ident."""
    try:
        return int(label.split()[0], 16)
    except (ValueError, IndexError):
        return -1


def _greenlet_edges(result: RunResult) -> list[dict[str, Any]]:
    """The waits of greenlets whose node is no thread with a stack row (a thread's
    main greenlet shares its thread's ident, hence its row)."""
    rows = {(s["pid"], _ident(s["thread"])) for s in result.stacks}
    return [
        e
        for e in result.waits
        if e["waiter"].get("greenlet") and (e["waiter"]["pid"], e["waiter"]["ident"]) not in rows
    ]


def _edges_by_thread(result: RunResult) -> dict[tuple[int, int], str]:
    """(pid, ident) -> the "waits for" cell of the hang table (the wait-for graph)."""
    from concdemo.explain.waits import waits_for

    lang = active_lang()
    return {(e["waiter"]["pid"], e["waiter"]["ident"]): waits_for(e, lang) for e in result.waits}
