"""`concdemo` with no arguments on a terminal: choose a scenario, a variant, a start method."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table
from rich.text import Text

from concdemo.catalogue import catalog
from concdemo.catalogue.catalog import Scenario
from concdemo.catalogue.texts import scenario_text, variant_text
from concdemo.i18n import active_lang, tr
from concdemo.render.prose import cell

Ask = Callable[[str, list[str], str], str]  # (question, allowed answers, default) -> answer


@dataclass(frozen=True)
class Choice:
    scenario: str
    variants: list[str]  # [] means the scenario's defaults
    start_method: str


def rich_ask(console: Console) -> Ask:
    from rich.markup import escape
    from rich.prompt import Prompt

    def ask(question: str, choices: list[str], default: str) -> str:
        return Prompt.ask(
            escape(question), console=console, choices=choices, default=default, show_choices=False
        )

    return ask


def _menu(console: Console, title: str, rows: list[tuple[str, str, str | Text]]) -> None:
    table = Table(title=title, title_justify="left", box=None, header_style="bold")
    table.add_column("#", justify="right", style="bold cyan")
    table.add_column(tr("col_name"), style="bold")
    table.add_column(tr("picker_col_shows"), overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _numbered(names: list[str]) -> dict[str, str]:
    """Both '3' and the name itself are accepted."""
    answers = {str(i): name for i, name in enumerate(names, 1)}
    answers.update({name: name for name in names})
    return answers


def pick_scenario(console: Console, ask: Ask) -> Scenario:
    scenarios = list(catalog.load().values())
    lang = active_lang()
    rows = [(str(i), s.name, cell(scenario_text(s, lang)[0])) for i, s in enumerate(scenarios, 1)]
    _menu(console, tr("picker_scenarios"), rows)
    answers = _numbered([s.name for s in scenarios])
    default = str([s.name for s in scenarios].index("pipe") + 1) if "pipe" in answers else "1"
    return catalog.get(answers[ask(tr("picker_scenario"), list(answers), default)])


def pick_variants(console: Console, ask: Ask, scenario: Scenario) -> list[str]:
    lang = active_lang()
    rows = [
        (str(i), v.name + ("*" if v.default else ""), cell(variant_text(v, lang)[0]))
        for i, v in enumerate(scenario.variants, 1)
    ]
    rows.append(("d", "defaults", tr("picker_defaults")))
    rows.append(("a", "all", tr("picker_all")))
    _menu(console, tr("picker_variants", scenario=scenario.name), rows)
    answers = _numbered([v.name for v in scenario.variants])
    answers.update({"d": "", "defaults": "", "a": "all", "all": "all"})
    picked = answers[ask(tr("picker_variant"), list(answers), "d")]
    return [picked] if picked else []


def pick_start_method(console: Console, ask: Ask, available: list[str], default: str) -> str:
    notes = {
        "fork": tr("picker_fork"),
        "spawn": tr("picker_spawn"),
        "forkserver": tr("picker_forkserver"),
        "all": tr("picker_every_method"),
    }
    names = [*available, "all"]
    title = tr("picker_start_method")
    _menu(console, title, [(str(i), n, cell(notes[n])) for i, n in enumerate(names, 1)])
    answers = _numbered(names)
    return answers[ask(title, list(answers), default)]


def pick(console: Console, ask: Ask, available: list[str], default_method: str) -> Choice:
    scenario = pick_scenario(console, ask)
    variants = pick_variants(console, ask, scenario)
    method = pick_start_method(console, ask, available, default_method)
    return Choice(scenario.name, variants, method)


def next_step(ask: Ask) -> str:
    """'run' another, 'compare' the last choice, or 'quit'."""
    answers = {
        "r": "run",
        "run": "run",
        "c": "compare",
        "compare": "compare",
        "q": "quit",
        "quit": "quit",
    }
    return answers[ask(tr("picker_next"), list(answers), "q")]
