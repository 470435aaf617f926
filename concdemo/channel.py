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
import json
import os
from collections.abc import Callable
from json.encoder import encode_basestring_ascii
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


_QUOTED: dict[str, str] = {}


def _quoted(text: str) -> str:
    """JSON for a name; names repeat (process, thread, kind), so each is encoded once."""
    found = _QUOTED.get(text)
    if found is None:
        found = _QUOTED[text] = json.dumps(text)
    return found


_SCALAR: dict[type, Callable[[Any], str]] = {
    bool: lambda v: "true" if v else "false",
    int: int.__repr__,
    float: lambda v: float.__repr__(v) if v - v == 0 else json.dumps(v),  # nan/inf
    str: encode_basestring_ascii,
    type(None): lambda v: "null",
}


def _encode_detail(detail: dict[str, Any]) -> str:
    """JSON for the usual small details (str/int/bool keys and values) without
    json.dumps' per-call encoder set-up; anything else takes the general path."""
    if not detail:
        return "{}"
    parts = []
    for key, value in detail.items():
        convert = _SCALAR.get(type(value))
        if convert is None or type(key) is not str:
            try:
                return json.dumps(detail)
            except (TypeError, ValueError):
                return json.dumps(detail, default=repr)
        parts.append(f"{_quoted(key)}:{convert(value)}")
    return "{" + ",".join(parts) + "}"


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
    """One atomic message; oversized details are shortened, never split."""
    body = _encode_detail(detail)
    line = (
        f"[{seq},{t_ns},{pid},{_quoted(process)},{_quoted(task)},"
        f"{_quoted(kind)},{_quoted(span)},{body}]\n"
    )
    if len(line) >= PIPE_BUF - 1:
        short = {"truncated": repr(detail)[:_MAX_DETAIL_CHARS]}
        line = json.dumps([seq, t_ns, pid, process[:100], task[:100], kind[:100], span, short])
        line += "\n"
    return line.encode()


class Writer:
    """The sending end, one per process: opened lazily, reopened after fork."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._fd = -1
        self._pid = -1
        self.broken = False

    def write(self, message: bytes) -> bool:
        if self.broken:
            return False
        pid = os.getpid()
        if pid != self._pid:
            self._reopen(pid)
        try:
            os.write(self._fd, message)
        except OSError:
            # The CLI went away (EPIPE) or the pipe vanished: stop trying, but
            # never break the scenario because its audience left.
            self.broken = True
            return False
        return True

    def _reopen(self, pid: int) -> None:
        # After fork the inherited descriptor would work too, but a fresh one
        # keeps each process's state its own and survives close-all-fds code.
        if self._fd >= 0 and self._pid != pid:
            with contextlib.suppress(OSError):
                os.close(self._fd)
        try:
            fd = os.open(self._path, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            self.broken = True
            return
        os.set_blocking(fd, True)
        self._fd = fd
        self._pid = pid
