"""Every line a process prints, as an event in the lane that printed it.

The stream's own ``write`` still does all the writing; the wrapper only looks
at the text afterwards and reports each completed line, so the output itself
is unchanged (same bytes, same buffering, same errors).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from concdemo.tracer.core import emit
from concdemo.wire.channel import MAX_OUTPUT_LINE

if TYPE_CHECKING:
    from typing import Any

_MAX_PENDING = 8192
# (kind, the text written since the last newline) of each wrapped stream.
_PENDING: list[tuple[str, list[str]]] = []


def _wrap(stream: Any, kind: str) -> None:
    original = stream.write
    if getattr(original, "_concdemo", False):
        return
    pending = [""]

    def write(text: Any) -> Any:
        result = original(text)
        if type(text) is str:
            if "\n" in text:
                *lines, pending[0] = (pending[0] + text).split("\n")
                for line in lines:
                    emit(kind, {"line": line[:MAX_OUTPUT_LINE]})
            elif len(pending[0]) < _MAX_PENDING:
                pending[0] += text
        return result

    write._concdemo = True  # type: ignore[attr-defined]
    try:
        stream.write = write
    except (AttributeError, TypeError):
        return  # a stream that takes no attributes: its lines go unreported
    _PENDING.append((kind, pending))


def flush_partial() -> None:
    """At the end of a process: text written without a final newline is a line too
    (``partial``: bare, it ran into whatever the terminal showed next)."""
    for kind, pending in _PENDING:
        if pending[0]:
            text, pending[0] = pending[0], ""
            emit(kind, {"line": text[:MAX_OUTPUT_LINE], "partial": True})


def install() -> None:
    for stream, kind in ((sys.stdout, "stdout"), (sys.stderr, "stderr")):
        if stream is not None:
            _wrap(stream, kind)
