"""`concdemo list` and `concdemo show`."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from concdemo.catalog import START_METHODS, Scenario, Variant
from concdemo.claims import CLAIMS
from concdemo.render.style import OUTCOME_STYLES


def _params_text(scenario: Scenario) -> str:
    return ", ".join(f"{p.name}={p.default!r}" for p in scenario.params)


def scenarios_table(scenarios: list[Scenario]) -> Table:
    table = Table(
        title="concdemo scenarios (* = run by default)", header_style="bold", title_justify="left"
    )
    table.add_column("scenario", style="bold cyan", no_wrap=True)
    table.add_column("title")
    table.add_column("variants")
    table.add_column("parameters (defaults)")
    for scenario in scenarios:
        variants = ", ".join(f"{v.name}*" if v.default else v.name for v in scenario.variants)
        table.add_row(scenario.name, scenario.title, variants, _params_text(scenario))
    return table


def _expect_text(variant: Variant) -> Text:
    text = Text()
    for method in START_METHODS:
        outcome = variant.expected(method)
        if text:
            text.append("  ")
        text.append(f"{method} ")
        text.append(outcome, style=OUTCOME_STYLES.get(outcome, ""))
    return text


def scenario_overview(scenario: Scenario) -> Group:
    head = Text.assemble((scenario.name, "bold cyan"), "  ", scenario.title)
    parts: list[RenderableType] = [head, Text(scenario.summary)]
    if scenario.params:
        params = Table(title="parameters", title_justify="left", header_style="bold", box=None)
        for column in ("name", "type", "default", "range", "help"):
            params.add_column(column)
        for p in scenario.params:
            bounds = (
                ""
                if p.min is None and p.max is None
                else f"{p.min}…{p.max if p.max is not None else ''}"
            )
            params.add_row(p.name, p.type, repr(p.default), bounds, p.help)
        parts.append(params)
    variants = Table(title="variants (* = default)", title_justify="left", header_style="bold")
    variants.add_column("variant", style="bold", no_wrap=True)
    variants.add_column("claims", no_wrap=True)
    variants.add_column("expected outcome")
    variants.add_column("what it teaches")
    for v in scenario.variants:
        variants.add_row(
            f"{v.name}{'*' if v.default else ''}", ", ".join(v.claims), _expect_text(v), v.title
        )
    parts.append(variants)
    parts.append(
        Text(f"See one in full: concdemo show {scenario.name} --variant NAME", style="dim")
    )
    return Group(*parts)


def variant_detail(scenario: Scenario, variant: Variant) -> Group:
    claims = Table(box=None, show_header=False)
    claims.add_column(style="bold")
    claims.add_column()
    for claim in variant.claims:
        claims.add_row(claim, CLAIMS.get(claim, ""))
    body: list[RenderableType] = [
        Text(variant.title, style="bold"),
        Text(""),
        Text("The article's claim", style="underline"),
        claims,
        Text(""),
        Text.assemble(("Expected outcome: ", "underline"), _expect_text(variant)),
    ]
    for method, note in variant.notes.items():
        label = "every start method" if method == "*" else method
        body.append(Text(f"{label}: {note}", style="dim"))
    for name, value, outcome in variant.expect_with:
        body.append(Text(f"with --param {name}={str(value).lower()}: {outcome}", style="dim"))
    if variant.explanation:
        body += [Text(""), Text("What a run shows", style="underline"), Text(variant.explanation)]
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
