"""`concdemo list` and `concdemo show`."""

from __future__ import annotations

from rich.console import Group, OverflowMethod, RenderableType
from rich.table import Table
from rich.text import Text

from concdemo.catalogue.catalog import START_METHODS, Scenario, Variant
from concdemo.catalogue.claims import beyond_article, claim_text
from concdemo.catalogue.texts import param_help, scenario_text, variant_notes, variant_text
from concdemo.i18n import active_lang, outcome, tr
from concdemo.render.prose import cell, prose
from concdemo.render.style import OUTCOME_STYLES

# Columns of translated prose fold: a unit wider than the column (a long identifier, or
# Chinese shown as plain Text) is folded onto the next line instead of cut with "…".
PROSE: OverflowMethod = "fold"


def _params_text(scenario: Scenario) -> str:
    return ", ".join(f"{p.name}={p.default!r}" for p in scenario.params)


BEYOND_MARK = "†"  # a claim of concdemo's own; the table's footnote says so


def claim_ids(variant: Variant) -> str:
    """'PL2', or 'X3†' for a claim beyond the article (explained under the table)."""
    return ", ".join(f"{c}{BEYOND_MARK}" if beyond_article(c) else c for c in variant.claims)


def scenarios_table(scenarios: list[Scenario]) -> Table:
    lang = active_lang()
    table = Table(title=tr("list_title"), header_style="bold", title_justify="left")
    table.add_column(tr("col_scenario"), style="bold cyan", no_wrap=True)
    table.add_column(tr("col_title"), overflow=PROSE)
    table.add_column(tr("col_variants"), overflow=PROSE)  # a long variant name is not cut
    table.add_column(tr("col_params_defaults"))
    for scenario in scenarios:
        variants = ", ".join(f"{v.name}*" if v.default else v.name for v in scenario.variants)
        title, _ = scenario_text(scenario, lang)
        extra = _extra_text(scenario) if scenario.missing_extra else None
        shown: RenderableType = cell(title) if extra is None else Group(cell(title), extra)
        table.add_row(scenario.name, shown, variants, _params_text(scenario))
    return table


def _extra_text(scenario: Scenario) -> Text | None:
    """For a scenario that needs an optional extra: how to get it, or that it is here."""
    if not scenario.requires:
        return None
    if scenario.missing_extra:
        return Text(tr("list_needs_extra", command=scenario.install_command), style="yellow")
    return Text(tr("list_extra_installed", extra=scenario.requires), style="dim")


def _expect_text(variant: Variant) -> Text:
    # In Chinese one start method a line: Rich cuts "fork 正常  spawn 正常" short with "…"
    # when the double space falls on the column's edge, instead of wrapping it.
    gap = "\n" if active_lang() == "zh" else "  "
    text = Text()
    for method in START_METHODS:
        expected = variant.expected(method)
        if text:
            text.append(gap)
        text.append(f"{method} ")
        text.append(outcome(expected, active_lang()), style=OUTCOME_STYLES.get(expected, ""))
    return text


def scenario_overview(scenario: Scenario) -> Group:
    lang = active_lang()
    title, summary = scenario_text(scenario, lang)
    head = prose("")
    head.append(scenario.name, "bold cyan")
    head.append("  ")
    head.append(title)
    parts: list[RenderableType] = [head, prose(summary)]
    extra = _extra_text(scenario)
    if extra is not None:
        parts.append(extra)
    if scenario.params:
        params = Table(
            title=tr("params_title"), title_justify="left", header_style="bold", box=None
        )
        for column in ("col_name", "col_type", "col_default", "col_range"):
            params.add_column(tr(column))
        params.add_column(tr("col_help"), overflow=PROSE)
        for p in scenario.params:
            bounds = (
                ""
                if p.min is None and p.max is None
                else f"{p.min}…{p.max if p.max is not None else ''}"
            )
            params.add_row(
                p.name, p.type, repr(p.default), bounds, cell(param_help(scenario, p.name, lang))
            )
        parts.append(params)
    variants = Table(title=tr("variants_title"), title_justify="left", header_style="bold")
    variants.add_column(tr("col_variant"), style="bold", no_wrap=True)
    variants.add_column(tr("col_claims"), no_wrap=True)
    variants.add_column(tr("col_expected_outcome"))
    variants.add_column(tr("col_teaches"), overflow=PROSE)
    for v in scenario.variants:
        variants.add_row(
            f"{v.name}{'*' if v.default else ''}",
            claim_ids(v),
            _expect_text(v),
            cell(variant_text(v, lang)[0]),
        )
    parts.append(variants)
    if any(beyond_article(c) for v in scenario.variants for c in v.claims):
        parts.append(Text(tr("beyond_article_footnote", mark=BEYOND_MARK), style="magenta"))
    parts.append(Text(tr("see_one_in_full", scenario=scenario.name), style="dim"))
    return Group(*parts)


def variant_detail(scenario: Scenario, variant: Variant) -> Group:
    lang = active_lang()
    title, explanation = variant_text(variant, lang)
    claims = Table(box=None, show_header=False)
    claims.add_column(style="bold", no_wrap=True)
    claims.add_column(overflow=PROSE)
    for claim_id in variant.claims:
        claims.add_row(claim_id, cell(claim_text(claim_id, lang)))
    beyond = bool(variant.claims) and all(beyond_article(c) for c in variant.claims)
    body: list[RenderableType] = [
        prose(title, style="bold"),
        Text(""),
        Text(tr("beyond_article_claim" if beyond else "article_claim"), style="underline"),
        claims,
        Text(""),
        Text.assemble((tr("expected_outcome_label"), "underline"), _expect_text(variant)),
    ]
    for method, note in variant_notes(variant, lang).items():
        label = tr("every_start_method") if method == "*" else method
        body.append(prose(tr("note_line", label=label, note=note), style="dim"))
    for name, value, expected in variant.expect_with:
        shown = tr(
            "with_param", name=name, value=str(value).lower(), outcome=outcome(expected, lang)
        )
        body.append(prose(shown, style="dim"))
    if explanation:
        body += [Text(""), Text(tr("what_a_run_shows"), style="underline"), prose(explanation)]
    from rich.panel import Panel  # `concdemo list` draws no panel

    header = Panel(Group(*body), title=f"{scenario.name} · {variant.name}", title_align="left")
    from rich.syntax import Syntax  # only `show --variant` needs the highlighter

    source = Syntax(
        variant.path.read_text(encoding="utf-8"),
        "python",
        line_numbers=True,
        word_wrap=False,
        theme="ansi_dark",
    )
    return Group(header, Panel(source, title=str(variant.path.name), title_align="left"))
