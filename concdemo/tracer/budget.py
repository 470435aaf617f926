"""Volume: what comes faster than anyone can look at it is counted, not sent one by one.

A pool task per item of a million-item list, or a million ``apply_async``
calls, would be millions of events: the script would run several times slower
than bare, and the run would be gigabytes that no view can show. In each
process, per kind of event, thread and call site (the task's function, or the
script's line), the first ``KEEP`` occurrences are sent as they are, links
and all. After that each occurrence is only tallied (count, time busy,
errors: exact) and the tally goes out as one *summary span* from the first to
the last occurrence it covers: ``<kind>-start``/``<kind>-end`` with
``"summarised": N`` and the site in both halves, ``busy_s`` and ``errors`` in
the end. A tally goes out at most every ``WINDOW_NS`` per key, before a pool
worker waits for more work, and when the process ends. The CLI adds those
counts up and says what was summarised (``core/volume.py``).
"""

from __future__ import annotations

import os

from concdemo.tracer.emitter import emit

TYPE_CHECKING = False  # as typing's, without importing typing (tracer/__init__.py)
if TYPE_CHECKING:
    from typing import Any

# Individual occurrences kept per (kind, thread, site) in one process: a view
# shows a few hundred spans per lane legibly; past that they are one smear.
KEEP = 500
# A tally goes out at least this often while it grows, so the live view sees
# the work progress (a few events a second per busy key).
WINDOW_NS = 250_000_000

# kind, thread, and the call site: ("func", the task's function) for a pool's
# calls and tasks, ("site", "file.py:12") for the script's other calls.
Key = tuple[str, str, str, str]


class _Tally:
    __slots__ = ("busy_ns", "count", "errors", "first_ns", "last_ns")

    def __init__(self, t0_ns: int) -> None:
        self.count = 0
        self.busy_ns = 0
        self.errors = 0
        self.first_ns = t0_ns
        self.last_ns = t0_ns


_kept: dict[Key, int] = {}
_tallies: dict[Key, _Tally] = {}


def admit(key: Key) -> bool:
    """True while this key's occurrences are still sent one by one."""
    kept = _kept.get(key, 0)
    if kept < KEEP:
        _kept[key] = kept + 1
        return True
    return False


def admitting(key: Key) -> bool:
    """Whether the next occurrence of this key would still be sent on its own."""
    return _kept.get(key, 0) < KEEP


def tally(key: Key, t0_ns: int, t1_ns: int, error: bool = False) -> None:
    """One occurrence not sent on its own: from ``t0_ns`` to ``t1_ns``."""
    found = _tallies.get(key)
    if found is None:
        found = _tallies[key] = _Tally(t0_ns)
    found.count += 1
    found.busy_ns += t1_ns - t0_ns
    found.errors += error
    found.last_ns = t1_ns
    if t1_ns - found.first_ns >= WINDOW_NS:
        _send_out(key)


def pending() -> bool:
    return bool(_tallies)


def flush() -> None:
    """Every tally out now (the process ends, or is about to wait for work: a
    pool worker idle in ``get()`` may be terminated there, and a tally left in
    it would be lost)."""
    while _tallies:
        _send_out(next(iter(_tallies)))


# Set where a SIGTERM handler flushes the tallies (a pool worker, see mp.py):
# SIGTERM is then held off while one is taken out and sent, so that the handler
# never finds it gone from the tallies but not yet sent.
guard_sigterm = False


def _send_out(key: Key) -> None:
    if not guard_sigterm:
        _send(key, _tallies.pop(key))
        return
    import signal

    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        found = _tallies.pop(key, None)
        if found is not None:
            _send(key, found)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _send(key: Key, found: _Tally) -> None:
    kind, task, field, site = key
    start: dict[str, Any] = {"summarised": found.count, field: site}
    end: dict[str, Any] = {
        "summarised": found.count,
        field: site,
        "busy_s": round(found.busy_ns / 1e9, 6),
        "errors": found.errors,
    }
    emit(f"{kind}-start", start, "start", found.first_ns, task)
    emit(f"{kind}-end", end, "end", found.last_ns, task)


def _forget() -> None:
    # A forked child starts with its own budget: the parent's tallies are the
    # parent's to send (sent twice, they would count twice).
    _kept.clear()
    _tallies.clear()


os.register_at_fork(after_in_child=_forget)
