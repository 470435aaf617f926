"""Sentences over a run's facts: shown only when every fact they name was observed.

A ``Line`` holds one sentence in English and in Chinese, with ``{fact}``
placeholders (``str.format`` syntax, format specs allowed: ``{seconds:.2f}``).
``when`` (optional) is a predicate over the facts. Reading a fact that the run
did not produce raises ``MissingFact``, from a placeholder or from ``when``, and
drops the sentence: nothing is shown that the run did not observe.
"""

from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

# A scenario's _explain.py imports only this module: what its extra_facts may need
# of the run's events is re-exported here (the spans, paired).
from concdemo.core.events import pair_spans

__all__ = ["Facts", "Line", "MissingFact", "ident", "nearer", "pair_spans", "peak", "render_all"]


STRICT = False  # the tests set it: a template's or extra_facts' slip then raises


class MissingFact(KeyError):
    """A sentence asked for a fact this run did not produce."""


class Facts(Mapping[str, Any]):
    """A run's named values (``concdemo.explain.facts`` derives them); a missing one raises."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = {k: v for k, v in values.items() if v is not None}

    def __getitem__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise MissingFact(name) from None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def with_values(self, **more: Any) -> Facts:
        return Facts({**self._values, **more})


@dataclass(frozen=True)
class Line:
    en: str
    zh: str
    when: Callable[[Facts], bool] | None = None

    @property
    def key(self) -> str:
        """A short hash of the English: a translation made for another text is stale."""
        return hashlib.sha256(self.en.encode("utf-8")).hexdigest()[:12]

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def fields(self, lang: str) -> set[str]:
        """The facts the sentence names in ``lang``."""
        names = set()
        for _, name, _, _ in string.Formatter().parse(self.text(lang)):
            if name:
                names.add(name.split(".")[0].split("[")[0])
        return names

    def render(self, facts: Facts, lang: str) -> str | None:
        """The sentence filled in from ``facts``; None if a fact is missing or ``when`` says no.

        A fact of an unexpected type (a template's slip) also drops the sentence rather
        than break the summary after a run; with ``STRICT`` (the tests) it raises.
        """
        try:
            if self.when is not None and not self.when(facts):
                return None
            return self.text(lang).format_map(facts)
        except MissingFact:
            return None
        except (TypeError, ValueError, AttributeError, IndexError):
            if STRICT:
                raise
            return None


def nearer(value: float, to: float, than: float) -> bool:
    """``value`` is closer to ``to`` than to ``than``: the honest meaning of "about" here.

    A measured total is "about the longest latency" only when it is nearer to that
    than to the sum it is contrasted with; otherwise a sentence says the figures.
    """
    return abs(value - to) < abs(value - than)


def render_all(lines: Iterable[Line], facts: Facts, lang: str) -> list[str]:
    shown = (line.render(facts, lang) for line in lines)
    return [text for text in shown if text]


# --- for a scenario's extra_facts (its _explain.py imports only this module) ---


def ident(name: str) -> str:
    """A fact name made from a phase, span or event name: 'run time' -> 'run_time'."""
    return re.sub(r"\W+", "_", name).strip("_").lower()


def peak(intervals: list[tuple[float, float]]) -> int:
    """The most intervals open at one moment (an end at t comes before a start at t)."""
    edges = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    running = highest = 0
    for _, step in edges:
        running += step
        highest = max(highest, running)
    return highest
