"""Translated prose that wraps well in Chinese as well as in English.

Rich breaks lines only at spaces (Textualize/rich#2494): a Chinese sentence is one
long "word", so it jumps whole to the next line and is then folded anywhere, even
before a comma. ``Prose`` is a ``Text`` that may also break between two wide
(CJK) characters, and between a wide character and a Latin word, while keeping
closing punctuation (，。、）…) off the start of a line and opening punctuation
（（「《…) off its end. English text is shown as ``Text`` exactly as before.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import (
    Console,
    ConsoleOptions,
    JustifyMethod,
    OverflowMethod,
    RenderResult,
)
from rich.containers import Lines
from rich.measure import Measurement
from rich.text import Text

from concdemo.i18n import active_lang

# Kinsoku: what may not start a line, and what may not end one.
_NO_LINE_START = frozenset("，。、；：！？）」』》〉】”’…,.;:!?)]}%")
_NO_LINE_END = frozenset("（「『《〈【“‘([{")


def prose(text: str, style: str = "") -> Text:
    """``text`` as shown in the active language: Chinese wraps between characters."""
    return Prose(text, style=style) if active_lang() == "zh" else Text(text, style=style)


def cell(text: str) -> str | Text:
    """A table cell: in English the plain string, as Rich has always rendered it."""
    return Prose(text) if active_lang() == "zh" else text


def _wide(char: str) -> bool:
    return cell_len(char) == 2


def tokens(line: str) -> list[tuple[int, int]]:
    """(start, end) of each unit a line may break before; trailing spaces included."""
    atoms: list[list[int]] = []
    i, n = 0, len(line)
    while i < n:
        start = i
        while i < n and line[i].isspace():  # only at the start of the line
            i += 1
        if i < n and _wide(line[i]):
            i += 1
        else:
            while i < n and not line[i].isspace() and not _wide(line[i]):
                i += 1
        while i < n and line[i].isspace():
            i += 1
        atoms.append([start, i])
    merged: list[list[int]] = []
    for atom in atoms:
        first = line[atom[0] : atom[1]].lstrip()[:1]
        last_of_previous = line[merged[-1][0] : merged[-1][1]].rstrip()[-1:] if merged else ""
        if merged and (first in _NO_LINE_START or last_of_previous in _NO_LINE_END):
            merged[-1][1] = atom[1]
        else:
            merged.append(atom)
    return [(start, end) for start, end in merged]


def _chop(text: str, width: int) -> list[int]:
    """Offsets (in ``text``) where a unit wider than ``width`` is folded."""
    offsets, used = [], 0
    for index, char in enumerate(text):
        size = cell_len(char)
        if used + size > width and used:
            offsets.append(index)
            used = 0
        used += size
    return offsets


def break_offsets(line: str, width: int, fold: bool = True) -> list[int]:
    """Where to break ``line`` so each piece fits ``width`` cells (like rich's divide_line)."""
    offsets: list[int] = []
    used = 0
    for start, end in tokens(line):
        unit = line[start:end]
        trimmed = cell_len(unit.rstrip())
        if used + trimmed <= width:
            used += cell_len(unit)
            continue
        if used and start:
            offsets.append(start)
        used = cell_len(unit)
        if trimmed > width and fold:
            chopped = _chop(unit.rstrip(), width)
            offsets += [start + offset for offset in chopped]
            used = cell_len(unit[chopped[-1] :]) if chopped else used
    return offsets


class Prose(Text):
    """A Text that wraps like Chinese is written; see the module's docstring."""

    def __rich__(self) -> _Shown:
        # Console.print joins the Text objects it is given into one plain Text, which
        # would wrap at spaces only; a renderable that is not a Text keeps this one's wrap.
        return _Shown(self)

    def wrap(
        self,
        console: Console,
        width: int,
        *,
        justify: JustifyMethod | None = None,
        overflow: OverflowMethod | None = None,
        tab_size: int = 8,
        no_wrap: bool | None = None,
    ) -> Lines:
        wrap_overflow = overflow or self.overflow or "fold"
        if no_wrap or self.no_wrap or wrap_overflow == "ignore":
            return super().wrap(
                console,
                width,
                justify=justify,
                overflow=overflow,
                tab_size=tab_size,
                no_wrap=no_wrap,
            )
        wrap_justify = justify or self.justify or "default"
        lines = Lines()
        for line in self.split(allow_blank=True):
            if "\t" in line:
                line.expand_tabs(tab_size)
            pieces = line.divide(break_offsets(line.plain, width, wrap_overflow == "fold"))
            for piece in pieces:
                piece.rstrip_end(width)
            pieces.justify(console, width, justify=wrap_justify, overflow=wrap_overflow)
            for piece in pieces:
                piece.truncate(width, overflow=wrap_overflow)
            lines.extend(pieces)
        return lines

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        text = self.plain
        lines = text.splitlines()
        widest = max((cell_len(line) for line in lines), default=0)
        units = [line[s:e].rstrip() for line in lines for s, e in tokens(line)]
        narrowest = max((cell_len(unit) for unit in units), default=widest)
        return Measurement(narrowest, widest)


class _Shown:
    def __init__(self, prose: Prose) -> None:
        self.prose = prose

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        return self.prose.__rich_console__(console, options)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return self.prose.__rich_measure__(console, options)
