"""`concdemo` with no arguments on a terminal: choose a scenario, a variant, a start method."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from concdemo import catalog
from concdemo.catalog import Scenario

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
        return Prompt.ask(escape(question), console=console, choices=choices, default=default,
                          show_choices=False)

    return ask


def _menu(console: Console, title: str, rows: list[tuple[str, str, str]]) -> None:
    table = Table(title=title, title_justify="left", box=None, header_style="bold")
    table.add_column("#", justify="right", style="bold cyan")
    table.add_column("name", style="bold")
    table.add_column("what it shows")
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
    _menu(console, "Scenarios", [(str(i), s.name, s.title) for i, s in enumerate(scenarios, 1)])
    answers = _numbered([s.name for s in scenarios])
    default = str([s.name for s in scenarios].index("pipe") + 1) if "pipe" in answers else "1"
    return catalog.get(answers[ask("Scenario", list(answers), default)])


def pick_variants(console: Console, ask: Ask, scenario: Scenario) -> list[str]:
    rows = [(str(i), v.name + ("*" if v.default else ""), v.title)
            for i, v in enumerate(scenario.variants, 1)]
    rows.append(("d", "defaults", "the starred variants, the article's own story"))
    rows.append(("a", "all", "every variant, one after another"))
    _menu(console, f"Variants of {scenario.name}", rows)
    answers = _numbered([v.name for v in scenario.variants])
    answers.update({"d": "", "defaults": "", "a": "all", "all": "all"})
    picked = answers[ask("Variant", list(answers), "d")]
    return [picked] if picked else []


def pick_start_method(console: Console, ask: Ask, available: list[str], default: str) -> str:
    notes = {
        "fork": "copies the parent; children inherit its globals (Linux default up to 3.13)",
        "spawn": "a fresh interpreter that re-imports __main__ (macOS and Windows default)",
        "forkserver": "forks from a clean server process (Linux default from 3.14)",
        "all": "run under each start method in turn",
    }
    names = [*available, "all"]
    _menu(console, "Start method", [(str(i), n, notes[n]) for i, n in enumerate(names, 1)])
    answers = _numbered(names)
    return answers[ask("Start method", list(answers), default)]


def pick(console: Console, ask: Ask, available: list[str], default_method: str) -> Choice:
    scenario = pick_scenario(console, ask)
    variants = pick_variants(console, ask, scenario)
    method = pick_start_method(console, ask, available, default_method)
    return Choice(scenario.name, variants, method)


def next_step(ask: Ask) -> str:
    """'run' another, 'compare' the last choice, or 'quit'."""
    answers = {"r": "run", "run": "run", "c": "compare", "compare": "compare", "q": "quit",
               "quit": "quit"}
    return answers[ask("Next: [r]un another, [c]ompare these variants, or [q]uit", list(answers),
                       "q")]
