"""Did everything the scenario sent arrive? The rules that keep a silent loss from
passing for a run that went as expected.

Each process numbers its events from 0, so a gap in a process's numbers is a
loss the decoder counts exactly. What numbers cannot show is a loss at the very
end (the last events, the checks). Two facts cover that:

- the scenario's main process always sends ``process-end`` (from ``atexit``) when
  it ends by itself, even through ``sys.exit``; a main process that exits with
  status 0 and no ``process-end`` left without running its exit handlers
  (``os._exit``, ``exec`` of another program) or lost its channel, so whatever
  it sent last, checks included, may be missing;
- a script that calls ``probe.check`` (or ``probe.raises``) declares checks: an
  ``ok`` run in which not one check arrived did not show what it claims.

Events the probe had to repair (values JSON cannot carry) are counted, not held
against the run: nothing was lost, and the repaired detail says what changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from concdemo.core.events import Event, count_in_details, of_kinds
from concdemo.wire.channel import REPAIRED_KEY

_CHECK_CALLS = ("probe.check(", "probe.raises(")


@dataclass(frozen=True)
class Gap:
    """One reason to believe events or checks stopped arriving."""

    reason: str  # "lost-events", "no-process-end", "no-checks"
    message: str  # English, for JSON; the summary shows its own translation
    pid: int | None = None
    count: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"reason": self.reason, "message": self.message, "pid": self.pid,
                "count": self.count}


def repaired_count(events: Sequence[Event]) -> int:
    """Events the probe repaired before sending: their detail carries the marker key."""
    return count_in_details(events, f'"{REPAIRED_KEY}":')


def declares_checks(script: Path) -> bool:
    try:
        source = script.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return any(call in source for call in _CHECK_CALLS)


def gaps(
    events: Sequence[Event],
    dropped: int,
    main_pid: int,
    returncode: int | None,
    outcome: str,
    script: Path,
) -> list[Gap]:
    found = []
    if dropped:
        found.append(Gap("lost-events", f"{dropped} events were sent but never arrived",
                         count=dropped))
    # A few events among many: the store finds them without decoding the rest.
    ends_and_checks = of_kinds(events, "process-end", "check")
    main_ended = any(e.pid == main_pid and e.kind == "process-end" for e in ends_and_checks)
    if returncode == 0 and not main_ended:
        found.append(Gap(
            "no-process-end",
            "the main process exited with status 0 without its closing event "
            "(os._exit, exec, or a lost channel): its last events and checks may be missing",
            pid=main_pid,
        ))
    checks_arrived = any(e.kind == "check" for e in ends_and_checks)
    if outcome == "ok" and not checks_arrived and declares_checks(script):
        found.append(Gap("no-checks", "the script makes checks, but not one arrived"))
    return found
