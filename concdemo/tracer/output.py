"""Every line a process prints, as an event in the lane that printed it.

The stream's own ``write`` still does all the writing; the wrapper only looks
at the text afterwards and reports each completed line, so the output itself
is unchanged (same bytes, same buffering, same errors).

Lines are assembled per thread: ``print(a, b)`` is several writes (a, the
separator, b, the end), and threads printing at once interleave them in the
stream. Each thread's own text since its last newline is its line, so an event
is one whole line of one thread, in its lane, whatever the stream shows.

A line is sent whole: one message when it is short and plain, else in pieces
(``more``: the next event of the lane continues it) that the CLI joins again;
a line that grows long without a newline is sent on in pieces as it grows, so
no text is cut and a thread's unfinished line holds little memory (at most
``_MAX_PARTS`` writes, joined and sent on from ``_MAX_PENDING`` characters).

What one write costs, beyond the old single buffer: a thread ident and a list
append (benchmarks/tracer_overhead.py times print()).
"""

from __future__ import annotations

import sys
from _thread import get_ident

from concdemo.tracer.emitter import emit
from concdemo.wire.channel import MAX_OUTPUT_LINE, line_pieces

TYPE_CHECKING = False  # as typing's, without importing typing (tracer/__init__.py)
if TYPE_CHECKING:
    from typing import Any

_MAX_PENDING = 8192
_MAX_PARTS = 64  # writes kept apart before they are joined to check their length
# (kind, each thread's writes since its last newline) of each wrapped stream.
_PENDING: list[tuple[str, dict[int, list[str]]]] = []


def _compact(kind: str, parts: list[str]) -> None:
    """Many writes without a newline: one text again, sent on in pieces once it is
    long (``more``), so that a line that never ends holds no more memory."""
    text = "".join(parts)
    parts.clear()
    if len(text) < _MAX_PENDING:
        parts.append(text)
    else:
        _send(kind, text, more=True)


def _send(
    kind: str, text: str, *, more: bool = False, partial: bool = False, task: str | None = None
) -> None:
    """``text`` in as many events as one message each can carry; all but the last
    say ``more``, and the last does too when the line goes on (``more``)."""
    pieces = line_pieces(text)
    for piece in pieces[:-1]:
        emit(kind, {"line": piece, "more": True}, task=task)
    last: dict[str, Any] = {"line": pieces[-1]}
    if more:
        last["more"] = True
    if partial:
        last["partial"] = True
    emit(kind, last, task=task)


def _wrap(stream: Any, kind: str) -> None:
    original = stream.write
    if getattr(original, "_concdemo", False):
        return
    # The thread's own identity, taken before gevent can patch _thread: greenlets
    # of one thread share its stream the way they share its line here.
    ident = get_ident
    pending: dict[int, list[str]] = {}
    get, pop, short = pending.get, pending.pop, MAX_OUTPUT_LINE  # bound once: every write

    def write(text: Any) -> Any:
        result = original(text)
        if type(text) is str:
            me = ident()
            if "\n" not in text:  # a piece: print()'s arguments, separators, end=
                parts = get(me)
                if parts is None:
                    pending[me] = [text]
                else:
                    parts.append(text)
                    if len(parts) >= _MAX_PARTS or len(text) >= _MAX_PENDING:
                        _compact(kind, parts)
            elif text == "\n":  # the end of nearly every print(): nothing to split
                parts = pop(me, None)
                line = "" if parts is None else "".join(parts)
                if len(line) <= short and line.isascii():
                    emit(kind, {"line": line})
                else:
                    _send(kind, line)
            else:
                parts = pop(me, None)
                *lines, rest = (text if parts is None else "".join(parts) + text).split("\n")
                if rest:
                    pending[me] = [rest]
                for line in lines:
                    if len(line) <= short and line.isascii():
                        emit(kind, {"line": line})
                    else:
                        _send(kind, line)
        return result

    write._concdemo = True  # type: ignore[attr-defined]
    try:
        stream.write = write
    except (AttributeError, TypeError):
        return  # a stream that takes no attributes: its lines go unreported
    _PENDING.append((kind, pending))


def flush_partial() -> None:
    """At the end of a process: text written without a final newline is a line too
    (``partial``: bare, it ran into whatever the terminal showed next), in the lane
    of the thread that wrote it while that thread is alive, else in this one's."""
    current = get_ident()
    threading = sys.modules.get("threading")
    alive: dict[int, Any] = getattr(threading, "_active", {}) if threading else {}
    for kind, pending in _PENDING:
        for me in list(pending):
            text = "".join(pending.pop(me, ()))
            if text:
                thread = None if me == current else alive.get(me)
                _send(kind, text, partial=True, task=None if thread is None else str(thread.name))


def flush_thread(task: str) -> None:
    """At the end of the thread ``task``: its unfinished line, as at a process's end
    (a thread started later with the same ident must not begin its first line with it)."""
    current = get_ident()
    for kind, pending in _PENDING:
        text = "".join(pending.pop(current, ()))
        if text:
            _send(kind, text, partial=True, task=task)


def install() -> None:
    for stream, kind in ((sys.stdout, "stdout"), (sys.stderr, "stderr")):
        if stream is not None:
            _wrap(stream, kind)
