"""`concdemo verify` as a table: each claim, its result per start method, the verdict."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from concdemo.catalogue import verdicts
from concdemo.catalogue.claims import claim_text
from concdemo.i18n import active_lang, shown, tr
from concdemo.i18n import outcome as outcome_word
from concdemo.render.prose import prose
from concdemo.render.style import OUTCOME_STYLES
from concdemo.study.verify import (
    ClaimResult,
    Figure,
    Verification,
    busy_text,
    overrides_line,
    run_label,
)

INCONCLUSIVE_STYLE = "bold yellow"
VERDICT_STYLES = {
    "holds": "green",
    "corrected": "cyan",
    "platform": "yellow",
    "outdated": "magenta",
}


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}" if unit == "s" or value < 10 else f"{value:.1f}"


def figure_text(figure: Figure, methods: list[str]) -> str:
    """'apply 4.83 · 4.95 · 4.81 s / 4.70 s': one value per start method, then theory."""
    values = " · ".join(_number(figure.values.get(m), figure.unit) for m in methods)
    if not figure.unit:  # a count (cores kept busy)
        unit = ""
    elif figure.unit.startswith("×"):
        unit = shown(figure.unit)
    else:
        unit = f" {shown(figure.unit)}"
    text = f"{shown(figure.label)} {values}{unit}"
    if figure.theory is not None:
        text += f" / {_number(figure.theory, figure.unit)}{unit}"
    return text


def method_cell(claim: ClaimResult, method: str) -> Text:
    outcomes = claim.outcomes(method)
    if not outcomes:
        return Text("–", style="dim")
    ok = claim.method_ok(method)
    text = Text()
    for n, outcome in enumerate(outcomes):
        if n:
            text.append("+")
        text.append(outcome_word(outcome, active_lang()), style=OUTCOME_STYLES.get(outcome, ""))
    if claim.status == "inconclusive":  # measured, but not on a machine that could judge it
        text.append(" ?", style=INCONCLUSIVE_STYLE)
    else:
        text.append(" ✓" if ok else " ✗", style="green" if ok else "bold red")
    return text


def verdict_cell(claim: ClaimResult) -> Text:
    if claim.status == "inconclusive":  # the figures are in the claim's cell
        return Text(tr("verdict_inconclusive_short"), style=INCONCLUSIVE_STYLE)
    # claim.headline is the JSON's English; the table says it in the language it shows.
    headline = verdicts.headline(claim.id, claim.holds, claim.start_methods, active_lang())
    if not claim.holds:
        return Text(headline, style="bold red")
    return Text(headline, style=VERDICT_STYLES.get(claim.verdict.kind, ""))


def claim_cell(claim: ClaimResult, methods: list[str]) -> Text:
    # concdemo's own claims (X…) say so first: the verdict is about them, not the article.
    label = tr("beyond_article") + "\n" if claim.beyond_article else ""
    text = prose(label + (claim_text(claim.id, active_lang()) or claim.text))
    if label:
        text.stylize("bold magenta", 0, len(label) - 1)
    variants = claim.variants
    if len(variants) > 1 or len(claim.runs) > len(claim.start_methods):
        one_scenario = len({v.scenario for v in variants}) == 1
        labels: list[str] = []
        for a in claim.runs:
            label = run_label(a.result.spec)
            if not one_scenario:
                label = f"{a.result.spec.variant.scenario} {label}"
            if label not in labels:
                labels.append(label)
        text.append("\n" + tr("verify_runs", runs=", ".join(labels)), style="dim")
    for figure in claim.figures:
        text.append("\n" + figure_text(figure, methods), style="bold")
    verdict, lang = claim.verdict, active_lang()
    if verdict.tolerance:
        tolerance = verdicts.tolerance_text(claim.id, lang)
        text.append("\n" + tr("verify_tolerance", tolerance=tolerance), style="dim")
    if verdict.note and verdict.kind != "holds":  # the corrections; --json has every note
        note = verdicts.note_text(claim.id, lang)
        text.append("\n" + tr("verify_note", note=note), style=VERDICT_STYLES[verdict.kind])
    for line in claim.retries:
        text.append("\n" + tr("verify_retried", line=shown(line)), style="yellow")
    load = claim.busy
    if load is not None:
        figures = busy_text(load, verdict.cores, active_lang())
        text.append("\n" + tr("verify_busy", figures=figures), style=INCONCLUSIVE_STYLE)
    for line in claim.problems:
        text.append(f"\n✗ {shown(line)}", style="red")
    return text


def verify_table(verification: Verification) -> Table:
    methods = verification.start_methods
    beyond = any(c.beyond_article for c in verification.claims)
    table = Table(
        title=tr("verify_title_beyond" if beyond else "verify_title"),
        caption=(
            tr("verify_caption", methods=" · ".join(methods))
            if any(c.verdict.timing for c in verification.claims)
            else None
        ),
        title_justify="left",
        caption_justify="left",
        header_style="bold",
        show_lines=True,
    )
    table.add_column(tr("col_id"), no_wrap=True)
    # The claim column takes what the narrow ones leave: Rich shrinks the widest first.
    table.add_column(tr("col_claim"), min_width=30, overflow="fold")
    for method in methods:
        table.add_column(method, no_wrap=True)
    table.add_column(tr("col_verdict"), min_width=10, max_width=24, overflow="fold")
    for claim in verification.claims:
        table.add_row(
            Text(claim.id, style="bold"),
            claim_cell(claim, methods),
            *(method_cell(claim, m) for m in methods),
            verdict_cell(claim),
        )
    return table


def totals(verification: Verification) -> Text:
    kinds: dict[str, int] = {}
    for claim in verification.claims:
        if claim.holds:
            kinds[claim.verdict.kind] = kinds.get(claim.verdict.kind, 0) + 1
    described = {
        "holds": "verify_count_holds",
        "corrected": "verify_count_corrected",
        "platform": "verify_count_platform",
        "outdated": "verify_count_outdated",
    }
    parts = [tr(described[k], count=kinds[k]) for k in described if kinds.get(k)]
    style = (
        "bold red"
        if verification.failed
        else INCONCLUSIVE_STYLE
        if verification.inconclusive
        else "bold green"
    )
    text = Text(
        tr("verify_totals", claims=len(verification.claims), passed=verification.passed),
        style=style,
    )
    if parts:
        text.append(tr("verify_kinds", parts=tr("list_sep").join(parts)), style="")
    text.append(
        tr("verify_failed", failed=verification.failed),
        style="bold red" if verification.failed else "",
    )
    if verification.inconclusive:
        text.append(
            tr("verify_count_inconclusive", count=verification.inconclusive),
            style=INCONCLUSIVE_STYLE,
        )
    text.append(
        tr(
            "verify_runs_summary",
            runs=verification.runs,
            methods=", ".join(verification.start_methods),
            seconds=verification.elapsed_s,
        ),
        style="dim",
    )
    return text


def render(verification: Verification) -> Group:
    parts: list[RenderableType] = [verify_table(verification), totals(verification)]
    line = overrides_line(verification.overrides, active_lang())
    if line:
        parts.append(prose(line, style="dim"))
    for skip in verification.skipped:
        parts.append(prose(skip.note(active_lang()), style="yellow"))
    return Group(*parts)
