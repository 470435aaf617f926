"""`concdemo tour`: the default variants of every scenario in turn, with a word on each.

The article's story in about a minute: before each scenario a short narration
says what comes next and why, then its runs play in the live table (or as
plain lines without a terminal), each followed by its summary. Scenarios that
need an optional extra (cluster: Dask) go beyond the article and are not part
of the tour; `concdemo run cluster` runs them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.rule import Rule
from rich.text import Text

from concdemo.catalogue import catalog, params
from concdemo.catalogue.catalog import Scenario
from concdemo.catalogue.run_spec import RunSpec
from concdemo.catalogue.texts import narration_text, scenario_text
from concdemo.commands.screens import make_view
from concdemo.core import session
from concdemo.core.runner import RunResult
from concdemo.i18n import active_lang, tr

NARRATION: dict[str, str] = {
    "queue": "First, multiprocessing.Queue. The article's third example passes the queue to "
    "the child as an argument, the way that works under every start method: watch the child "
    "put and the parent get.",
    "pipe": "Next, Pipe: two connected ends. duplex sends both ways; producer-consumer is the "
    "article's 包子 example, where closing the unused ends is what lets the consumer see "
    "EOFError and stop.",
    "manager": "A Manager shares data instead of passing messages: a server process owns the "
    "list and the dict, and each child holds a proxy to them. Five children append to one "
    "list, then set keys in one dict.",
    "pool": "A Pool of 5 workers and 47 tasks: apply() waits for each task in turn, "
    "apply_async() hands them all over at once. Compare each phase's time with its theory.",
    "yield": "From processes to coroutines. A generator is the simplest one: the producer "
    "send()s, the consumer resumes, strictly in turn on one thread, and no time is saved.",
    "greenlet": "greenlet switches by hand: follow ok1 to ok4 jumping between foo and bar, "
    "then arguments that go in with the first switch only.",
    "gevent": "gevent switches by itself whenever a greenlet waits on something it knows, "
    "such as gevent.sleep: a 4 s and a 2 s sleep (scaled down) take 4, not 6.",
    "gevent-crawler": "The article's crawler, against a local web server: the same pages "
    "fetched one after another, then all at once by gevent after monkey.patch_all().",
    "event-loop": "Then the event loop underneath: which libev backend gevent uses, and why "
    "the article's LIBEV_FLAGS no longer chooses it (GEVENT_BACKEND does).",
    "deadlock": "Last, why a program hangs: two processes take two locks in opposite order "
    "and each waits for the other's. concdemo stops it and names the cycle; taking the locks "
    "in one order finishes.",
}

# Shorter than the defaults where those are long; the claims shown do not depend on them.
TOUR_PARAMS: dict[str, tuple[str, ...]] = {
    "pool": ("delay=0.02",),  # 47 tasks: about 1 s with apply instead of 4.7 s
}
# --quick (tests): shorter still.
QUICK_PARAMS: dict[str, tuple[str, ...]] = {
    "pool": ("tasks=10", "delay=0.01"),
    "gevent-crawler": ("pages=3", "latency=0.05"),
    "yield": ("delay=0.01",),
    "greenlet": ("delay=0.02",),
}
# On a terminal, time to read the narration (and glance at the summary above it)
# before the runs start: about five words a second, within these bounds.
WORDS_PER_S = 5.0
PAUSE_BOUNDS_S = (3.0, 6.0)
# Chinese has no spaces between words: count its characters, about two to a word.
CHARS_PER_WORD = 2.0


@dataclass
class Stop:
    scenario: Scenario
    narration: str
    specs: list[RunSpec]
    shortened: dict[str, tuple[Any, Any]]  # param -> (value used, default)


def in_the_tour() -> list[Scenario]:
    """The article's scenarios: every one that needs no optional extra."""
    return [s for s in catalog.load().values() if not s.requires]


def stops(quick: bool = False) -> list[Stop]:
    from concdemo.catalogue import plan

    method = plan.start_methods(None)
    table = QUICK_PARAMS if quick else TOUR_PARAMS
    found = []
    for scenario in in_the_tour():
        pairs = [p for p in table.get(scenario.name, ()) if scenario.param(p.partition("=")[0])]
        values = params.parse(scenario, pairs)
        shortened = {}
        for pair in pairs:
            name = pair.partition("=")[0]
            declared = scenario.param(name)
            assert declared is not None
            shortened[name] = (values[name], declared.default)
        specs = [
            RunSpec(variant, m, values, variant.timeout_s)
            for variant in catalog.pick_variants(scenario, [])
            for m in method
        ]
        lang = active_lang()
        english = NARRATION.get(scenario.name, scenario.title)
        narration = (
            narration_text(scenario, english, lang)
            if scenario.name in NARRATION
            else scenario_text(scenario, lang)[0]
        )
        found.append(Stop(scenario, narration, specs, shortened))
    return found


def narration(stop: Stop, index: int, total: int) -> list[Any]:
    names = ", ".join(s.variant.name for s in stop.specs)
    from concdemo.render.prose import prose

    body = prose(stop.narration)
    if stop.shortened:
        shown = tr("list_sep").join(
            tr("param_with_default", name=k, value=v, default=d)
            for k, (v, d) in stop.shortened.items()
        )
        body.append("\n" + tr("tour_shortened", shown=shown), style="dim")
    title, _ = scenario_text(stop.scenario, active_lang())
    return [
        Rule(Text(f"{index}/{total} · {stop.scenario.name}: {names}", style="bold")),
        Panel(body, title=title, title_align="left", expand=True),
    ]


def reading_time(text: str) -> float:
    low, high = PAUSE_BOUNDS_S
    wide = sum(1 for char in text if "\u4e00" <= char <= "\u9fff")
    words = len(text.split()) + wide / CHARS_PER_WORD
    return min(high, max(low, words / WORDS_PER_S))


def present(
    tour_stops: list[Stop],
    console: Console,
    live: bool,
    pauses: bool,
    sleep: Callable[[float], None] = time.sleep,
) -> list[RunResult]:
    """Narrate, run and summarise each stop in turn; Ctrl-C propagates after cleanup."""
    from concdemo.render import summary
    from concdemo.render.prose import prose

    results: list[RunResult] = []
    for index, stop in enumerate(tour_stops, 1):
        console.print(*narration(stop, index, len(tour_stops)))
        if pauses:
            sleep(reading_time(stop.narration))
        view = make_view(console, live=live)
        results += session.execute(
            stop.specs, view, after_each=lambda r: console.print(summary.render(r))
        )
    console.print(Rule(Text(tr("tour_end"), style="bold")))
    console.print(summary.totals_line(results))
    console.print(Panel(prose(tr("tour_closing")), expand=True))
    return results
