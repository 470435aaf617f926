"""The timeline: one lane per process and task, spans as bars on one shared time axis.

Built from the same events as the live table, so it can be drawn after a run, in
an SVG picture or next to another run (compare) without a second data path.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from concdemo.core.events import Event, linked, pair_spans, process_names, time_range
from concdemo.i18n import tr
from concdemo.render.style import ProcessColours

MAX_LANES = 20
# Of the width at most: `ForkPoolWorker-1[29105] MainThread` fits whole at 80
# columns and the bars keep 43 of them.
_LABEL_SHARE = 0.45
_MIN_BAR = 10

# Glyphs. Adjacent spans on one lane stay apart thanks to their ends (┝ ┥),
# also without colour; where one span ends in the cell the next starts, ┿.
_START, _BODY, _END, _ONE_CELL, _GOES_ON, _JOIN = "┝", "━", "┥", "│", "→", "┿"
_MARK, _OK, _FAIL, _RAISED, _LINKED = "•", "✓", "✗", "!", "◆"

# What wins a cell: bookkeeping marks only fill empty cells; bars come next;
# events are drawn on top of bars, checks over other events (they are what the
# run is judged by), failures on top of everything.
_EMPTY, _QUIET, _BAR, _EVENT, _CHECK, _ALARM = -1, 0, 1, 2, 3, 4
_QUIET_KINDS = ("process-start", "process-end")


@dataclass
class Lane:
    """What one process's thread, greenlet or generator did."""

    pid: int
    task: str
    process: str
    spans: list[tuple[Event, Event | None]] = field(default_factory=list)
    marks: list[Event] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.process}[{self.pid}] {self.task}"


def lanes(events: Sequence[Event], col: Callable[[float], int] | None = None) -> list[Lane]:
    """Lanes in order of first appearance; phases are left out (they go on the axis).

    With ``col`` (the axis), a lane keeps only the marks that can show: of the
    events of one kind in one column, the first (what ``_Cells.put`` would keep),
    and every check. An EventStore finds those without making every event.
    """
    names = process_names(events)
    sample = getattr(events, "sample", None)
    shown = events if col is None or sample is None else sample(col, ("check",))
    found: dict[tuple[int, str], Lane] = {}
    for event in shown:
        if event.span_name == "phase":
            continue
        lane = found.setdefault((event.pid, event.task), Lane(event.pid, event.task, ""))
        if not event.span:
            lane.marks.append(event)
    for start, end in pair_spans(events):
        if start.span_name != "phase":
            found[(start.pid, start.task)].spans.append((start, end))
    for lane in found.values():
        lane.process = names[lane.pid]
    return list(found.values())


def phases(events: Sequence[Event]) -> list[tuple[str, float, float | None]]:
    """(name, start, end or None when unfinished) of every phase span."""
    return [
        (str(start.detail.get("name", "phase")), start.t, None if end is None else end.t)
        for start, end in pair_spans(events)
        if start.span_name == "phase"
    ]


def timeline(
    events: Sequence[Event],
    width: int | None = None,
    waits: Sequence[dict[str, Any]] = (),
    stopped_at: float | None = None,
) -> Timeline:
    """A renderable; without ``width`` it fills the console it is printed on.

    ``waits``: a hang's wait-for graph (``RunResult.waits``), each edge drawn as a
    span on its waiter's lane up to ``stopped_at`` (the stop, ``RunResult.wall_s``)
    ending in an arrow that names its holder.
    """
    return Timeline(events, width, waits, stopped_at)


class Timeline:
    def __init__(
        self,
        events: Sequence[Event],
        width: int | None = None,
        waits: Sequence[dict[str, Any]] = (),
        stopped_at: float | None = None,
    ) -> None:
        self.events = events
        self.width = width
        self.waits = waits
        self.stopped_at = stopped_at

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = self.width or options.max_width
        yield from _render(self.events, width, self.waits, self.stopped_at)


# A wait of the hang's graph: a span of its own kind, drawn over the lane's others.
WAIT_KIND = "waits"
_ARROW = "→"


def _wait_spans(
    waits: Sequence[dict[str, Any]], stopped_at: float, events: Sequence[Event] = ()
) -> dict[tuple[int, str], list[tuple[Event, Event]]]:
    """(pid, thread) -> its waits as spans from when each began to the stop, the
    holders' names in the end's detail. A wait whose beginning no process observed
    (a recv, an Event: read from the stack at the stop) began after its thread's
    last event: it is drawn from there (else from the stop: a bare arrow)."""
    from concdemo.core.waits import who

    last: dict[tuple[int, str], float] = {}
    for event in events:
        last[(event.pid, event.task)] = max(event.t, last.get((event.pid, event.task), event.t))
    found: dict[tuple[int, str], list[tuple[Event, Event]]] = {}
    for edge in waits:
        waiter, on = edge["waiter"], edge["on"]
        since = edge.get("since_s")
        if since is None:
            begun = min(stopped_at, last.get((waiter["pid"], waiter["thread"]), stopped_at))
        else:
            begun = max(0.0, stopped_at - float(since))
        holders = [who(h["process"], h["thread"]) for h in edge.get("held_by") or []]
        detail = {"on": on.get("label", ""), "holders": holders}
        process, thread = waiter["process"], waiter["thread"]
        start = Event(begun, waiter["pid"], process, thread, f"{WAIT_KIND}-start", detail, "start")
        end = Event(stopped_at, waiter["pid"], process, thread, f"{WAIT_KIND}-end", detail, "end")
        found.setdefault((waiter["pid"], thread), []).append((start, end))
    return found


@dataclass
class _Cells:
    """One row of the bar area: a glyph, a style and a priority per column."""

    width: int
    glyphs: list[str] = field(init=False)
    styles: list[str] = field(init=False)
    ranks: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.glyphs = [" "] * self.width
        self.styles = [""] * self.width
        self.ranks = [_EMPTY] * self.width

    def put(self, col: int, glyph: str, style: str, rank: int) -> None:
        if rank > self.ranks[col] or (rank == _BAR and self.ranks[col] == _BAR):
            self.glyphs[col], self.styles[col], self.ranks[col] = glyph, style, rank

    def free(self, first: int, last: int) -> bool:
        return all(r == _EMPTY for r in self.ranks[first : last + 1])

    def text(self) -> Text:
        text = Text(no_wrap=True, overflow="crop")
        for glyph, style in zip(self.glyphs, self.styles, strict=True):
            text.append(glyph, style)
        return text


@dataclass(frozen=True)
class _Axis:
    t0: float
    t1: float
    width: int

    def col(self, t: float) -> int:
        if self.t1 <= self.t0:
            return 0
        return max(0, min(self.width - 1, int((t - self.t0) / (self.t1 - self.t0) * self.width)))

    @property
    def per_column(self) -> float:
        return (self.t1 - self.t0) / self.width


def _render(
    events: Sequence[Event],
    width: int,
    waits: Sequence[dict[str, Any]] = (),
    stopped_at: float | None = None,
) -> Iterator[Text]:
    if not events:
        yield Text(tr("timeline_no_events"), style="dim")
        return
    graph = _wait_spans(waits, stopped_at, events) if waits and stopped_at is not None else {}
    colours = ProcessColours()
    for pid in process_names(events):  # the live table's colour order: by first event
        colours(pid)
    # Labels first (they set the width left for bars), then the lanes' marks
    # for that axis: with a million events, only those that can show are made.
    heads = lanes(events, col=lambda t: 0)
    shown = heads[:MAX_LANES]
    # Widths in terminal cells: a Chinese heading ("阶段") or lane name takes two per character.
    phases_label, time_label = tr("heading_phases"), tr("col_t_s")
    label_w = min(
        max([cell_len(lane.label) for lane in shown] + [cell_len(phases_label)]),
        max(8, int(width * _LABEL_SHARE)),
    )
    t_min, t_max = time_range(events)
    if graph and stopped_at is not None:
        t_max = max(t_max, stopped_at)
    axis = _Axis(t_min, t_max, max(_MIN_BAR, width - label_w - 1))
    all_lanes = _with_waits(lanes(events, col=axis.col), graph)
    shown = all_lanes[:MAX_LANES]

    yield _heading(all_lanes, axis)
    for lane in shown:
        colour = colours(lane.pid)
        yield _row(_label(lane, label_w, colour), _lane_cells(lane, axis, colour))
    if len(all_lanes) > len(shown):
        more = len(all_lanes) - len(shown)
        yield Text(tr("timeline_more_lanes", more=more), style="dim")
    for row in _phase_rows(phases(events), axis):
        yield _row(_fitted(phases_label, label_w, "dim"), row)
    rule, labels = _ticks(axis)
    yield _row(Text(" " * label_w), rule)
    yield _row(_fitted(time_label, label_w, "dim"), labels)
    links = _links_line(events)
    if links is not None:
        yield links


def _with_waits(
    found: list[Lane], graph: dict[tuple[int, str], list[tuple[Event, Event]]]
) -> list[Lane]:
    """The lanes with each wait of the graph added last (drawn over the rest); a
    waiter that sent no event gets a lane of its own."""
    by_key = {(lane.pid, lane.task): lane for lane in found}
    for (pid, thread), spans in graph.items():
        lane = by_key.get((pid, thread))
        if lane is None:
            lane = Lane(pid, thread, spans[0][0].process)
            by_key[(pid, thread)] = lane
            found.append(lane)
        lane.spans += spans
    return found


def _name_holders(lane: Lane, axis: _Axis, cells: _Cells, colour: str) -> None:
    """Each wait's bar ends in an arrow and its holder: ``┝━ lock_b → Process-2┥``,
    as much of it as fits inside the bar (the holder first, then what)."""
    for start, end in lane.spans:
        if start.kind != f"{WAIT_KIND}-start" or end is None:
            continue
        names = list(start.detail.get("holders") or [])
        holders = ", ".join(names)
        first, last = axis.col(start.t), axis.col(end.t)
        room = last - first - 1
        on = str(start.detail.get("on", ""))
        # A join waits for the very thread or process it names: the holder says it all.
        joined = any(name == on or name.endswith(f"/{on}") for name in names)
        what = "" if joined else f" {on}"
        # No holder (an Event nobody set): no arrow, as the table shows none.
        tried = (
            (f"{what} {_ARROW} {holders}", f" {_ARROW} {holders}", f"{_ARROW}{holders}")
            if names
            else (what,)
        )
        for text in tried:
            if cell_len(text) <= room:
                break
        else:
            text = _ARROW if names and room >= 1 else ""
        col = last - cell_len(text)
        for char in text:
            cells.put(col, char, f"bold {colour}", _EVENT)
            col += cell_len(char)


def _base(kind: str) -> str:
    return kind.removesuffix("-start").removesuffix("-end")


def _links_line(events: Sequence[Event]) -> Text | None:
    """Which events answered which (a traced script's put→get, send→recv, call→task):
    the kinds of pairs with their counts, and the first pair with its processes."""
    groups: dict[str, list[Event]] = {}
    for event in linked(events):
        assert event.link is not None
        groups.setdefault(event.link, []).append(event)
    pairs: dict[str, int] = {}
    first_pair: tuple[Event, Event] | None = None
    for group in groups.values():
        sender, *answers = group
        for answer in answers:
            name = f"{_base(sender.kind)}→{_base(answer.kind)}"
            pairs[name] = pairs.get(name, 0) + 1
            if first_pair is None:
                first_pair = (sender, answer)
    if first_pair is None:
        return None
    sender, answer = first_pair
    first = (
        f"{_base(sender.kind)} {sender.process}[{sender.pid}] {sender.t:.3f}s → "
        f"{_base(answer.kind)} {answer.process}[{answer.pid}] {answer.t:.3f}s"
    )
    shown = ", ".join(f"{name} ×{count}" for name, count in pairs.items())
    text = tr("timeline_links", pairs=shown, count=sum(pairs.values()), first=first)
    return Text.assemble((_LINKED + " ", "bold"), (text, "dim"))


def _fitted(text: str, width: int, style: str) -> Text:
    """``text`` padded (or cut) to exactly ``width`` cells."""
    label = Text(text, style=style)
    label.truncate(width, overflow="ellipsis", pad=True)
    return label


def _row(label: Text, cells: _Cells) -> Text:
    return Text.assemble(label, " ", cells.text(), no_wrap=True, overflow="crop")


def _heading(all_lanes: list[Lane], axis: _Axis) -> Text:
    names = sorted({start.span_name for lane in all_lanes for start, _ in lane.spans})
    legend = f"  {_START}{_BODY}{_END} {', '.join(names)}" if names else ""
    return Text.assemble(
        (tr("timeline_heading"), "bold underline"),
        (
            f"{legend}  {_MARK} {tr('timeline_event')}  "
            + tr("timeline_column", duration=_duration(axis.per_column)),
            "dim",
        ),
    )


def _duration(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3)):
        if seconds >= scale:
            return f"{_two_digits(seconds / scale)} {unit}"
    return f"{_two_digits(max(seconds, 1e-7) / 1e-6)} µs"


def _two_digits(value: float) -> str:
    """About two significant digits, never in exponent notation: 2.7, 11, 213."""
    return f"{value:.0f}" if value >= 10 else f"{value:.2g}"


def _label(lane: Lane, width: int, colour: str) -> Text:
    """``process[pid] task``, shortened to fit: first the middle of the process name
    (never its number, which tells workers apart), then the end of the task name."""
    process, task = lane.process, lane.task
    excess = cell_len(lane.label) - width
    if excess > 0 and len(process) > 5:
        keep = max(4, len(process) - excess - 1)
        head, tail = (keep + 1) // 2, keep // 2
        process = process[:head] + "…" + process[len(process) - tail :]
    excess = cell_len(f"{process}[{lane.pid}] {task}") - width
    if excess > 0 and len(task) > 2:
        task = task[: max(1, len(task) - excess - 1)] + "…"
    label = Text(f"{process}[{lane.pid}] {task}", style=colour)
    label.truncate(width, overflow="ellipsis", pad=True)
    return label


def _lane_cells(lane: Lane, axis: _Axis, colour: str) -> _Cells:
    cells = _Cells(axis.width)
    for start, end in lane.spans:
        first = axis.col(start.t)
        last = axis.width - 1 if end is None else axis.col(end.t)
        # Inner spans are drawn after (over) the spans that contain them.
        if first == last:
            cells.put(first, _GOES_ON if end is None else _ONE_CELL, colour, _BAR)
            continue
        follows = cells.glyphs[first] in (_END, _ONE_CELL, _JOIN)
        cells.put(first, _JOIN if follows else _START, colour, _BAR)
        for col in range(first + 1, last):
            cells.put(col, _BODY, colour, _BAR)
        cells.put(last, _GOES_ON if end is None else _END, colour, _BAR)
    for event in lane.marks:
        glyph, style, rank = _mark(event, colour)
        cells.put(axis.col(event.t), glyph, style, rank)
    _name_holders(lane, axis, cells, colour)
    return cells


def _mark(event: Event, colour: str) -> tuple[str, str, int]:
    if event.kind == "error" or (event.kind == "check" and not event.detail.get("ok")):
        return _FAIL, "bold red", _ALARM
    if event.kind == "check":
        return _OK, "green", _CHECK
    if event.kind == "raised":
        return _RAISED, "yellow", _EVENT
    if event.kind in _QUIET_KINDS:
        return _MARK, "dim", _QUIET
    if event.link is not None:
        return _LINKED, f"bold {colour}", _EVENT
    return _MARK, f"bold {colour}", _EVENT


def _phase_rows(found: list[tuple[str, float, float | None]], axis: _Axis) -> list[_Cells]:
    """Phases as brackets ``[name──]``; overlapping phases get a row each."""
    rows: list[_Cells] = []
    for name, start, end in found:
        first = axis.col(start)
        last = axis.width - 1 if end is None else axis.col(end)
        row = next((r for r in rows if r.free(max(0, first - 1), last)), None)
        if row is None:
            row = _Cells(axis.width)
            rows.append(row)
        closing = _GOES_ON if end is None else "]"
        if last == first:
            row.put(first, closing if end is None else "|", "bold", _BAR)
        else:
            row.put(first, "[", "bold", _BAR)
            for col in range(first + 1, last):
                row.put(col, "─", "bold", _BAR)
            row.put(last, closing, "bold", _BAR)
        inside = last - first - 1
        where = first + 1
        if inside < min(3, len(name)):
            # Too short for even a clipped name: write it just after, if there is room.
            where = last + 1
            if last + len(name) >= axis.width or not row.free(last + 1, last + len(name)):
                name = ""
        elif inside < len(name):
            name = name[: inside - 1] + "…"
        for offset, char in enumerate(name):
            row.put(where + offset, char, "bold", _EVENT)
    return rows


def _ticks(axis: _Axis) -> tuple[_Cells, _Cells]:
    """A rule with ``┬`` at round times, and the times under it where they fit."""
    rule, labels = _Cells(axis.width), _Cells(axis.width)
    for col in range(axis.width):
        rule.put(col, "─", "dim", _BAR)
    span = axis.t1 - axis.t0
    if span <= 0:
        text = f"{axis.t0:.3f}"
        rule.put(0, "┬", "dim", _EVENT)
        for offset, char in enumerate(text[: axis.width]):
            labels.put(offset, char, "dim", _EVENT)
        return rule, labels
    # About one tick per 8 columns; steps of 1, 2 or 5 × 10^k.
    raw = span / max(1, axis.width // 8)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    decimals = max(0, -math.floor(math.log10(step)))
    tick = math.ceil(axis.t0 / step - 1e-9)
    free_from = 0
    while tick * step <= axis.t1 + 1e-12:
        value = tick * step
        col = axis.col(value)
        rule.put(col, "┬", "dim", _EVENT)
        text = f"{value:.{decimals}f}"
        if col >= free_from and col + len(text) <= axis.width:
            for offset, char in enumerate(text):
                labels.put(col + offset, char, "dim", _EVENT)
            free_from = col + len(text) + 1
        tick += 1
    return rule, labels
