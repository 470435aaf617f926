"""The event channel: a named pipe (FIFO) from every scenario process to the CLI.

Why a FIFO:
- Any process can open it by path, so spawn and forkserver children (which
  inherit no file descriptors) find it through one environment variable.
- A single ``write()`` of at most ``PIPE_BUF`` bytes is atomic, so messages from
  many processes and threads never interleave, with no lock and no thread.
- ``os.write`` is not touched by ``gevent.monkey.patch_all()``, so the channel
  behaves the same in patched processes.
- Writes block when the pipe is full instead of dropping: back-pressure, not
  loss. Each process numbers its messages, so the reader can still count any
  gap exactly (``dropped_events``).

One message is one line of JSON: ``[seq, t_ns, pid, process, task, kind, span, detail]``.
"""

from __future__ import annotations

import contextlib
import os
from fcntl import F_DUPFD_CLOEXEC, fcntl

# The C encoder that json itself uses, without importing json: its package brings
# the decoder and re (5 of a traced interpreter's 16 ms of imports, python -X
# importtime); json is imported where a detail needs the careful path.
try:
    from _json import encode_basestring_ascii
except ImportError:  # an interpreter built without the accelerator
    from json.encoder import encode_basestring_ascii

TYPE_CHECKING = False  # as typing's, without importing typing (tracer/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

PIPE_BUF = 4096  # POSIX guarantees atomic pipe writes up to this size on Linux
_MAX_DETAIL_CHARS = 1500

# The environment the CLI hands to a scenario's processes: part of the wire, so
# that the CLI side (runner, tracer) never needs to import the probe.
ENV_EVENTS = "CONCDEMO_EVENTS"  # path of the FIFO
ENV_RUN_DIR = "CONCDEMO_RUN_DIR"  # the run's scratch directory (stack dumps)
ENV_T0 = "CONCDEMO_T0"  # the run's clock origin, monotonic nanoseconds
ENV_PARAMS = "CONCDEMO_PARAMS"  # the scenario's parameters, a JSON object
ENV_START_METHOD = "CONCDEMO_START_METHOD"
ENV_CLI_PID = "CONCDEMO_CLI_PID"  # a main process whose parent is not this pid exits


# A detail the probe cannot send as it is gets a repaired copy, marked with this
# key: the reasons, e.g. ["nan", "bytes"]. The CLI counts these events as repaired.
REPAIRED_KEY = "_repaired"
_MAX_STR = 1000  # characters kept of one string value
_MAX_ITEMS = 50  # items kept of one list or dict
_MAX_DEPTH = 6  # nesting kept; deeper values become a shortened repr
_MAX_NAME = 100  # characters kept of a process, task or kind name in an oversized event
_QUOTED_CACHE_SIZE = 4096
# A printed line of at most this many ASCII characters is sent as one message
# without measuring it (even escaped, 6 bytes a character, it fits); any other
# goes in pieces of at most _PIECE_BYTES of JSON (line_pieces), joined by the CLI.
MAX_OUTPUT_LINE = 500
_PIECE_BYTES = 2500  # leaves over 1.5 kB of the message for its names and numbers

_QUOTED: dict[str, str] = {}
# ",pid,process,task,kind,span," of a message, by those five (names found clean).
_MIDDLES: dict[tuple[Any, ...], str] = {}


def _quoted(text: str) -> str:
    """JSON for a name; names repeat (process, thread, kind), so each is encoded once."""
    found = _QUOTED.get(text)
    if found is None:
        found = encode_basestring_ascii(text)  # as json.dumps(text)
        if len(_QUOTED) < _QUOTED_CACHE_SIZE:  # a kind made per event must not grow it forever
            _QUOTED[text] = found
    return found


def _encodable(text: str) -> bool:
    """False for strings holding lone surrogates, which UTF-8 (and the CLI's output) refuses."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _finite(value: float) -> bool:
    return value - value == 0  # False for nan, inf and -inf


_SCALAR: dict[type, Callable[[Any], str | None]] = {
    bool: lambda v: "true" if v else "false",
    int: lambda v: int.__repr__(v) if -(2**63) <= v < 2**63 else None,
    float: lambda v: float.__repr__(v) if v - v == 0 else None,  # not nan/inf
    str: lambda v: (
        encode_basestring_ascii(v)
        if len(v) <= _MAX_STR and (v.isascii() or _encodable(v))
        else None
    ),
    type(None): lambda v: "null",
}


def _encode_detail(detail: dict[str, Any]) -> str | None:
    """JSON for the usual small details (str keys, plain scalar values) without
    json.dumps' per-call encoder set-up; None when anything needs the careful path."""
    if not detail:
        return "{}"
    parts = []
    for key, value in detail.items():
        convert = _SCALAR.get(type(value))
        if convert is None:
            return None
        quoted_key = _QUOTED.get(key)  # keys repeat: a known one is a clean str
        if quoted_key is None:
            if type(key) is not str or not _encodable(key):
                return None
            quoted_key = _quoted(key)
        text = convert(value)
        if text is None:
            return None
        parts.append(f"{quoted_key}:{text}")
    return "{" + ",".join(parts) + "}"


def line_pieces(text: str) -> list[str]:
    """``text`` cut into pieces that each travel as one message (at least one
    piece, maybe empty): a long printed line is sent as several events, each
    but the last marked ``more``, and the CLI joins them again, so no line is
    cut. A piece is at most ``_MAX_STR`` characters and ``_PIECE_BYTES`` of JSON:
    fewer characters where escaping makes them longer (é, emoji, control codes)."""
    pieces = []
    start, end = 0, len(text)
    while True:
        size = _MAX_STR
        while size > 1 and len(encode_basestring_ascii(text[start : start + size])) > _PIECE_BYTES:
            size //= 2
        pieces.append(text[start : start + size])
        start += size
        if start >= end:
            return pieces


def _safe_repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:  # a broken __repr__ (or one too deep) must not break the scenario
        return f"<{type(value).__name__} object: repr failed>"
    return _clean_str(text, set())


def _clean_str(text: str, reasons: set[str]) -> str:
    if not _encodable(text):
        reasons.add("surrogates")
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if len(text) > _MAX_STR:
        reasons.add("long")
        text = f"{text[:_MAX_STR]}…[+{len(text) - _MAX_STR} chars]"
    return text


def _repair(value: Any, depth: int, reasons: set[str]) -> Any:
    """A copy of ``value`` that strict JSON can carry; what was changed goes in ``reasons``."""
    kind = type(value)
    if value is None or kind is bool:
        return value
    if kind is int:
        if -(2**63) <= value < 2**63:
            return value
        reasons.add("big int")  # also beyond what int -> str may convert (3.11+)
        return f"<int of {value.bit_length()} bits>"
    if kind is float:
        if _finite(value):
            return value
        reasons.add("nan/inf")
        return repr(value)
    if kind is str:
        return _clean_str(value, reasons)
    if isinstance(value, (bytes, bytearray, memoryview)):
        reasons.add("bytes")
        return _clean_str(_safe_repr(bytes(value[: _MAX_STR + 1])), reasons)
    if depth >= _MAX_DEPTH and isinstance(value, (dict, list, tuple)):
        reasons.add("deep")
        # Not its repr: that could be huge, cyclic or too deep to compute.
        return f"<{kind.__name__} of {len(value)} items, nested too deep>"
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for i, (key, item) in enumerate(value.items()):
            if i == _MAX_ITEMS:
                reasons.add("long")
                out["…"] = f"+{len(value) - _MAX_ITEMS} more"
                break
            if type(key) is str:
                name = _clean_str(key, reasons)
            elif key is None or type(key) in (bool, int) or (
                type(key) is float and _finite(key)
            ):
                import json  # (the careful path: see encode_basestring_ascii's import)

                name = json.dumps(key)  # what json.dumps would make of the key anyway
            else:
                reasons.add("object")
                name = _safe_repr(key)
            out[name] = _repair(item, depth + 1, reasons)
        return out
    if isinstance(value, (list, tuple)):
        items = [_repair(item, depth + 1, reasons) for item in value[:_MAX_ITEMS]]
        if len(value) > _MAX_ITEMS:
            reasons.add("long")
            items.append(f"…+{len(value) - _MAX_ITEMS} more")
        return items
    reasons.add("object")
    return _safe_repr(value)


def repaired(detail: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A JSON-safe copy of a detail and the reasons it needed repair (empty if none)."""
    reasons: set[str] = set()
    clean = _repair(detail, 0, reasons)
    return clean, sorted(reasons)


def _plain_name(name: Any) -> bool:
    return type(name) is str and (name.isascii() or _encodable(name))


def _clean_name(name: Any) -> str:
    text = name if type(name) is str else _safe_repr(name)
    if not _encodable(text):
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def encode(
    seq: int,
    t_ns: int,
    pid: int,
    process: str,
    task: str,
    kind: str,
    span: str,
    detail: dict[str, Any],
) -> bytes:
    """One atomic message, always valid (strict) JSON of at most ``PIPE_BUF`` bytes.

    Values JSON cannot carry (nan, bytes, lone surrogates, objects), deep nesting
    and oversized details are repaired, never sent raw and never split; a repaired
    detail says so under ``REPAIRED_KEY``.
    """
    # The middle of the line repeats from event to event of one lane: made once.
    key = (pid, process, task, kind, span)
    try:
        middle = _MIDDLES.get(key)
    except TypeError:  # a name that is not even hashable
        middle = None
    if middle is not None:
        body = _encode_detail(detail)
        if body is not None:
            line = f"[{seq},{t_ns}{middle}{body}]\n"
            if len(line) < PIPE_BUF - 1:
                return line.encode()
    names_ok = _plain_name(process) and _plain_name(task) and _plain_name(kind)
    if not names_ok:
        process, task, kind = _clean_name(process), _clean_name(task), _clean_name(kind)
    elif len(_MIDDLES) < _QUOTED_CACHE_SIZE:
        _MIDDLES[key] = (
            f",{pid},{_quoted(process)},{_quoted(task)},{_quoted(kind)},{_quoted(span)},"
        )
    body = _encode_detail(detail) if names_ok else None
    if body is None:
        import json  # (the careful path: see encode_basestring_ascii's import)

        clean, reasons = repaired(detail)
        if not names_ok:
            reasons.append("names")
        if reasons:
            clean[REPAIRED_KEY] = reasons
        body = json.dumps(clean, allow_nan=False)
    line = (
        f"[{seq},{t_ns},{pid},{_quoted(process)},{_quoted(task)},"
        f"{_quoted(kind)},{_quoted(span)},{body}]\n"
    )
    if len(line) >= PIPE_BUF - 1:
        # Still too big for one atomic write (many keys, long names): send the
        # start of the detail's JSON as text.
        import json

        why = {"size", *(json.loads(body).get(REPAIRED_KEY) or [])}
        short = {"truncated": body[: _MAX_STR + 500] + "…", REPAIRED_KEY: sorted(why)}
        line = json.dumps(
            [seq, t_ns, pid, process[:_MAX_NAME], task[:_MAX_NAME], kind[:_MAX_NAME], span, short]
        )
        line += "\n"
    return line.encode()


# The channel's descriptor is moved this high: a scenario's own files get the
# lowest free numbers, so after it closed everything (os.closerange) they do
# not land on ours, and a closed channel shows as EBADF on the next write.
_HIGH_FD = 512


class Writer:
    """The sending end, one per process: opened lazily, inherited by a forked
    child, and reopened when the process closed it (``os.closerange``).

    A forked child writes on the descriptor it inherited: the same FIFO, where
    a message under PIPE_BUF stays whole whoever writes it. Opening its own cost
    each child eight system calls and an at-fork hook on its way to the script's
    code (measured, a fork child started and joined on one CPU: 20 us of the
    730 us that tracing adds to its 1.4 ms).

    Why no check before each write: an fstat costs more than the write itself
    (about 3 µs against 2 µs here) and an fcntl half of it, on every event of
    every scenario. Kept at a high number, a closed descriptor fails the write
    with EBADF, and only then is it checked (device and inode) and replaced.
    What stays uncaught is a scenario that puts a file of its own on that very
    number (512 or above) on purpose, e.g. with dup2.
    """

    def __init__(self, path: str) -> None:
        self._path = path
        self._fd = -1
        self._ident = (0, 0)  # (st_dev, st_ino) of the FIFO behind self._fd
        self.broken = False
        self.reopened = 0  # times the descriptor was found closed or replaced

    def write(self, message: bytes) -> bool:
        if self.broken:
            return False
        if self._fd < 0:  # the first write
            self._reopen()
            if self.broken:
                return False
        try:
            os.write(self._fd, message)
        except OSError:
            # Closed behind our back (EBADF), or the number now names a file the
            # scenario opened read-only: fetch the channel again and retry once.
            # If that fails too, the CLI went away (EPIPE, ENXIO): stop trying,
            # but never break the scenario because its audience left.
            self.reopened += 1
            self._reopen()
            if self.broken:
                return False
            try:
                os.write(self._fd, message)
            except OSError:
                self.broken = True
                return False
        return True

    def _still_ours(self) -> bool:
        """One fstat: is our descriptor still open on our FIFO?"""
        try:
            st = os.fstat(self._fd)
        except OSError:
            return False
        return (st.st_dev, st.st_ino) == self._ident

    def _reopen(self) -> None:
        # A descriptor that is no longer ours is left alone: it is the scenario's.
        if self._fd >= 0 and self._still_ours():
            with contextlib.suppress(OSError):
                os.close(self._fd)
        self._fd = -1
        try:
            fd = os.open(self._path, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            self.broken = True  # no reader (ENXIO) or no FIFO: the CLI is gone
            return
        with contextlib.suppress(OSError):  # e.g. a descriptor limit below _HIGH_FD
            high = fcntl(fd, F_DUPFD_CLOEXEC, _HIGH_FD)
            os.close(fd)
            fd = high
        os.set_blocking(fd, True)
        st = os.fstat(fd)
        self._fd, self._ident = fd, (st.st_dev, st.st_ino)
