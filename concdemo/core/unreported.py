"""Output a script's processes wrote that no event reports.

The tracer reports what goes through ``sys.stdout``/``sys.stderr``; bytes
written around them (``os.write(1, …)``, ``sys.stdout.buffer``, a program that
is not Python) reach the run's captured stream only. After the run each stream
is checked against the lines its events reported, so nothing is lost silently:

- up to ``MATCHED_BYTES``, line by line: what is left over is counted and its
  first lines named. Threads that print at the same moment interleave their
  writes in the stream, so a stream line can hold pieces of several reported
  lines (each event is one thread's line, whole): a line no event matches is
  taken as such a mixture when the reported lines that matched nothing have
  all of its characters to give, and only the rest counts as unreported;
- above, by count (its newlines against its events, decoding none of them): a
  million printed lines cost no second of matching and no memory for it; the
  lines the events do not account for are counted, not named ("at least": one
  unreported line and one event line that never reached the stream cancel out).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from concdemo.core.events import Event, kind_ends, of_kinds

MATCHED_BYTES = 1024 * 1024
SHOWN = 3  # lines named in the summary
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Unreported:
    """Lines of one stream that no event reports, and reported lines it never got."""

    lines: int
    first: list[str] = field(default_factory=list)
    by_count: bool = False  # the stream was big: counted, not matched (a lower bound)
    # Lines print() reported that never reached the stream: still in a process's
    # buffer when it ended (a daemon child killed), or sent elsewhere by the script.
    # Named only when every line of the stream was matched whole: where threads'
    # writes mixed, the characters left over cannot be told apart for sure.
    unwritten: int = 0
    unwritten_first: list[str] = field(default_factory=list)


def leftover(raw: bytes, reported: Iterable[tuple[str, bool]]) -> Unreported:
    """The lines of ``raw`` that ``reported`` (line, partial) does not account for."""
    text = raw.decode("utf-8", "backslashreplace")
    counts: Counter[str] = Counter()
    for line, partial in reported:
        if partial:
            # Written without a final newline, it ran into what came next in the
            # stream: taken out first, so that the next line matches on its own.
            text = text.replace(line, "", 1)
        else:
            counts[line] += 1
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    unmatched = []
    for line in lines:
        if counts[line] > 0:
            counts[line] -= 1
        else:
            unmatched.append(line)
    # The characters of the reported lines no stream line matched whole: what
    # the lines threads mixed are made of (each with its newline).
    spare: Counter[str] = Counter()
    for line, left in counts.items():
        if left > 0:
            spare.update((line + "\n") * left)
    missing = 0
    first: list[str] = []
    for line in unmatched:
        if spare:
            needed = Counter(line + "\n")
            if needed <= spare:
                spare -= needed
                continue
        missing += 1
        if len(first) < SHOWN:
            first.append(line)
    if unmatched:
        return Unreported(missing, first)
    never = [line for line, left in counts.items() for _ in range(left)]
    return Unreported(missing, first, unwritten=len(never), unwritten_first=never[:SHOWN])


def _newlines(path: Path) -> int:
    count = 0
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            count += chunk.count(b"\n")
    return count


def of_streams(run_dir: Path, events: Sequence[Event]) -> dict[str, Unreported]:
    """What ``stdout.txt`` and ``stderr.txt`` in ``run_dir`` hold beyond the
    ``stdout``/``stderr`` events (a stream that cannot be read: left out)."""
    found = {}
    for kind in ("stdout", "stderr"):
        path = run_dir / f"{kind}.txt"
        try:
            if path.stat().st_size > MATCHED_BYTES:
                # Each reported line put one newline in the stream (a partial
                # line, at most one per process, put none: it can only hide one).
                ends = kind_ends(events).get(kind)  # (count, first, last)
                extra = _newlines(path) - (ends[0] if ends else 0)
                found[kind] = Unreported(max(extra, 0), by_count=True)
                continue
            raw = path.read_bytes()
        except OSError:
            continue
        reported = (
            (str(e.detail.get("line", "")), bool(e.detail.get("partial")))
            for e in of_kinds(events, kind)
        )
        found[kind] = leftover(raw, reported)
    return found
