"""Was the machine busy while a timing or CPU claim was measured?

A verdict on a claim about time or CPU is only as good as the machine it ran
on: on a machine whose cores other programs (or the hypervisor) were using,
``concdemo verify`` says "inconclusive" instead of FAILED. This module measures
that, on Linux, from ``/proc/stat`` read just before and just after one run:

- the CPU time every process on the machine spent (user, nice, system, irq,
  softirq) between the two reads, minus the CPU time of the run's own processes
  (``getrusage``: the CLI itself plus every child it has reaped; the runner
  reaps the whole run before it returns), is what *other* programs used;
- the ``steal`` column is time the hypervisor gave this VM's cores to others;
- ``cores`` is what this process may run on (``sched_getaffinity``).

So ``free = cores - (others + steal) / wall``: the cores, on average over the
run, that the run had to itself. A claim declares how many it needs
(``verdicts.Verdict.cores``). Two figures are recorded for the reader, not for
the rule: the 1-minute load average and the runnable tasks when the run started
(``procs_running``, less this process), because a load average also counts the
tool's own earlier runs. Elsewhere (no ``/proc/stat``) nothing is measured and
claims are judged as before.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PROC_STAT = Path("/proc/stat")
# Half a core of slack: a claim that needs every core of a 2-core machine is judged
# on a machine where others took less than half a core on average.
SLACK_CORES = 0.5


@dataclass(frozen=True)
class Stat:
    """One read of /proc/stat's first line (in seconds) and of our own CPU time."""

    busy_s: float  # every process on the machine: user + nice + system + irq + softirq
    steal_s: float
    own_s: float  # this process and its reaped children (user + system)
    runnable: int | None  # procs_running, less this process
    at: float  # time.monotonic()


@dataclass(frozen=True)
class Load:
    """How busy the machine was during one run, as the run itself did not make it."""

    cores: int
    wall_s: float
    others_cores: float  # cores other programs used, on average over the run
    steal_cores: float
    load_avg: float | None  # 1-minute load average at the end of the run
    runnable: int | None  # runnable tasks when the run started, not counting concdemo

    @property
    def free_cores(self) -> float:
        return max(0.0, self.cores - self.others_cores - self.steal_cores)

    def needs(self, cores: int | None) -> float:
        """The cores a claim needs, ``None`` meaning every usable core."""
        return float(self.cores if cores is None else min(cores, self.cores))

    def busy_for(self, cores: int | None) -> bool:
        return self.free_cores < self.needs(cores) - SLACK_CORES

    def as_json(self, *needed: int | None) -> dict[str, float | int | None]:
        """The figures; with a claim's declared cores, also what it needed."""
        doc: dict[str, float | int | None] = {"cores": self.cores}
        if needed:
            doc["needed_cores"] = self.needs(needed[0])
        return doc | {
            "free_cores": round(self.free_cores, 2),
            "others_cores": round(self.others_cores, 2),
            "steal_cores": round(self.steal_cores, 2),
            "load_avg": None if self.load_avg is None else round(self.load_avg, 2),
            "runnable": self.runnable,
            "wall_s": round(self.wall_s, 3),
        }


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _ticks() -> float:
    try:
        return float(os.sysconf("SC_CLK_TCK"))
    except (ValueError, OSError, AttributeError):
        return 100.0


def _own_cpu_s() -> float:
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def parse_stat(text: str, ticks: float) -> tuple[float, float, int | None]:
    """(busy seconds, steal seconds, procs_running) from the text of /proc/stat."""
    busy = steal = 0.0
    runnable: int | None = None
    for line in text.splitlines():
        fields = line.split()
        if fields and fields[0] == "cpu":
            # user nice system idle iowait irq softirq steal guest guest_nice;
            # guest time is already counted in user, so it is left out.
            numbers = [int(f) for f in fields[1:9]] + [0] * (8 - len(fields[1:9]))
            user, nice, system, _idle, _iowait, irq, softirq, stolen = numbers
            busy = (user + nice + system + irq + softirq) / ticks
            steal = stolen / ticks
        elif fields and fields[0] == "procs_running":
            runnable = int(fields[1])
    return busy, steal, runnable


def read(
    stat_path: Path = PROC_STAT,
    own_cpu: Callable[[], float] = _own_cpu_s,
    clock: Callable[[], float] = time.monotonic,
) -> Stat | None:
    """One reading, or None where /proc/stat cannot be read."""
    try:
        text = stat_path.read_text()
    except OSError:
        return None
    busy, steal, runnable = parse_stat(text, _ticks())
    return Stat(busy, steal, own_cpu(), None if runnable is None else max(0, runnable - 1), clock())


def _load_avg() -> float | None:
    try:
        return os.getloadavg()[0]
    except (OSError, AttributeError):
        return None


def between(before: Stat | None, after: Stat | None, cores: int | None = None) -> Load | None:
    """The load from ``before`` to ``after`` (None when either is missing or no time passed)."""
    if before is None or after is None:
        return None
    wall = after.at - before.at
    if wall <= 0:
        return None
    others = max(0.0, (after.busy_s - before.busy_s) - (after.own_s - before.own_s))
    steal = max(0.0, after.steal_s - before.steal_s)
    return Load(
        cores=cores or usable_cores(),
        wall_s=wall,
        others_cores=others / wall,
        steal_cores=steal / wall,
        load_avg=_load_avg(),
        runnable=before.runnable,
    )
