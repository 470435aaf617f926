"""What concdemo says about each of the article's claims once it behaves as expected.

Written from the project's review of the article (design/seed-claims.md): most
claims simply hold; some hold with a correction (a Python 2 name, a method
listed under the wrong class, a wrong reason); some hold only under the start
methods where children re-import ``__main__``; one is out of date. Timing
claims also state how their measurement is judged against theory: the same
tolerance the scenario's own check applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from concdemo.catalogue.catalog import START_METHODS
from concdemo.i18n import t

Kind = Literal["holds", "corrected", "platform", "outdated"]
# What a timing or CPU claim measures, declared per claim: "time" (wall-clock
# lengths of sleeps and waits: a busy machine can only make them longer, so a
# pass stands and only a failure can be inconclusive) or "cpu" (speedups and
# per-call costs: other programs' load can bend them either way, so any result
# measured on a busy machine is inconclusive).
Measures = Literal["time", "cpu"]
KINDS: tuple[Kind, ...] = ("holds", "corrected", "platform", "outdated")


@dataclass(frozen=True)
class Verdict:
    kind: Kind
    note: str = ""
    # platform: the start methods under which the article's statement is true
    holds_under: tuple[str, ...] = ()
    # timing claims: how the measurement is judged (the scenario's check)
    tolerance: str = ""
    measures: Measures | None = None
    # the free cores the measurement needs (None: every usable core); see concdemo.study.busy
    cores: int | None = 1

    @property
    def timing(self) -> bool:
        return self.measures is not None


_REIMPORT = ("spawn", "forkserver")

VERDICTS: dict[str, Verdict] = {
    "Q1": Verdict(
        "platform",
        "Holds only where children re-import __main__: spawn, forkserver (Windows, macOS, "
        "Linux from Python 3.14). Under fork the child shares the parent's queue and get() "
        "returns [11, 'hello', True].",
        holds_under=_REIMPORT,
    ),
    "Q2": Verdict(
        "platform",
        "Holds only under spawn and forkserver, where the child re-imports the script and "
        "never runs the __main__ block: NameError, and the parent waits in get(). Under fork "
        "the child inherits the parent's globals and the example works.",
        holds_under=_REIMPORT,
    ),
    "Q3": Verdict(
        "holds",
        "The module-level code runs again in every spawn/forkserver child, once under fork.",
    ),
    "Q4": Verdict(
        "corrected",
        "The article writes Queue.Full, Python 2's module name: in Python 3 it is queue.Full "
        "(multiprocessing raises the queue module's exception).",
    ),
    "Q5": Verdict(
        "corrected",
        "The article writes Queue.Empty, Python 2's module name: in Python 3 it is queue.Empty.",
    ),
    "Q6": Verdict("holds", "On macOS qsize() does not even work: it raises NotImplementedError."),
    "Q7": Verdict("holds"),
    "Q8": Verdict(
        "holds",
        "join() before get() on a child that put a large object deadlocks (hang, as expected); "
        "the fix, get() first and then join(), ends ok.",
    ),
    "P1": Verdict("holds"),
    "P2": Verdict(
        "holds", "Sending on the receive-only end raises OSError: connection is read-only."
    ),
    "P3": Verdict("holds"),
    "P4": Verdict("holds", "An unpicklable object (a lambda) fails at send(), in the sender."),
    "P5": Verdict("holds"),
    "P6": Verdict("holds", "Hangs under every start method: the child holds a copy of each end."),
    "P7": Verdict(
        "corrected",
        "The article's IOError is OSError in Python 3 (IOError is an alias of it since 3.3): "
        "OSError: bad message length.",
    ),
    "P8": Verdict("holds", "The whole message is in the exception's args[0]."),
    "P9": Verdict("holds"),
    "M1": Verdict("holds", "8 items; their order varies from run to run."),
    "M2": Verdict("holds"),
    "M3": Verdict(
        "corrected",
        "True, but not for the article's reason (one process at a time): the manager's server "
        "process shuts down with the main process, so a child still using a proxy fails with "
        "BrokenPipeError under fork, ConnectionResetError / EOFError / ConnectionRefusedError "
        "or FileNotFoundError under spawn and forkserver. Joining first (the fix) ends ok.",
    ),
    "M4": Verdict(
        "holds",
        "`proxy.value += 1` from several processes loses updates; with a manager Lock the "
        "count is exact; a proxy operation costs far more than a local one.",
    ),
    "PL1": Verdict(
        "holds",
        tolerance="measured ≥ 0.95 × theory (tasks × delay)",
        measures="time",
    ),
    "PL2": Verdict(
        "holds",
        tolerance="measured ≥ 0.95 × theory (ceil(tasks / workers) × delay) and < 0.6 × "
        "tasks × delay",
        measures="time",
    ),
    "PL3": Verdict("holds", "ValueError: Pool is still running."),
    "PL4": Verdict("holds", "The timeout raises multiprocessing.TimeoutError."),
    "PL5": Verdict("holds", "successful() before the result is ready raises ValueError."),
    "PL6": Verdict("holds", "The callbacks run one at a time in the pool's result-handler thread."),
    "PL7": Verdict(
        "corrected",
        "The article lists terminate() among AsyncResult's methods: it is a Pool method.",
    ),
    "PL8": Verdict(
        "holds",
        tolerance="cores kept busy at the core count ≥ 1 + 0.25 × (cores − 1); beyond it ≤ 1.1 × "
        "that (CPU time over wall time, best of 3 runs per pool size)",
        measures="cpu",
        cores=None,
    ),
    "Y1": Verdict("holds", "No time is saved: the consumer's sleeps add up."),
    "C1": Verdict(
        "holds",
        tolerance="greenlets ≥ 0.8 × tasks × one task; processes' speedup ≥ 0.6 × cores used "
        "(best round of 3)",
        measures="cpu",
        cores=None,
    ),
    "C2": Verdict("holds"),
    "G1": Verdict("holds"),
    "G2": Verdict("holds"),
    "G3": Verdict("holds"),
    "GE1": Verdict(
        "holds",
        "The article's 4 s and 2 s sleeps, scaled (--param scale; 1 = as is).",
        tolerance="0.95 × the longer sleep ≤ measured < halfway to the sum",
        measures="time",
    ),
    "GE2": Verdict(
        "holds",
        tolerance="unpatched ≥ 0.95 × the sum of the sleeps (or latencies); patched: "
        "0.95 × the longer sleep ≤ measured < halfway to the sum",
        measures="time",
    ),
    "GE3": Verdict(
        "holds", "The name bound before the patch keeps the original, blocking time.sleep."
    ),
    "GE4": Verdict("holds"),
    "GE5": Verdict(
        "holds", "joinall returns at the timeout without raising; unfinished jobs have .value None."
    ),
    "GE6": Verdict(
        "holds",
        "Offline: names from /etc/hosts plus one that fails; the failure lands in .exception.",
    ),
    "GE7": Verdict(
        "holds",
        "Against a local HTTP server with a set latency per page.",
        tolerance="0.95 × theory ≤ measured ≤ theory + half the gap to the sum of the latencies "
        "+ 0.1 s + 0.01 s per page",
        measures="time",
    ),
    "GE8": Verdict(
        "outdated",
        "Out of date: gevent ignores LIBEV_FLAGS (the loop stays on epoll); use "
        "GEVENT_BACKEND=select|poll|epoll (or gevent.config.libev_backend).",
    ),
    "GE9": Verdict(
        "holds",
        "select's limit is on the descriptor's number (FD_SETSIZE = 1024), not on how many; "
        "gevent's own libev select backend copes with descriptor 1024 on Linux.",
        tolerance="from 10 to the most idle descriptors, select and poll ≥ 3× slower per call, "
        "epoll < 3×",
        measures="cpu",
    ),
    # Beyond the article (concdemo's own claims, ids X…): judged like the article's.
    "X1": Verdict(
        "holds",
        "Against the same local HTTP server as GE7, with an aiohttp.ClientSession and no "
        "connection limit: a task per page, no monkey patching.",
        tolerance="0.95 × theory ≤ measured ≤ theory + half the gap to the sum of the latencies "
        "+ 0.1 s + 0.01 s per page (as GE7)",
        measures="time",
    ),
    # X2, like Y1, is about the order of the turns, which a busy machine cannot change:
    # not a time claim, no tolerance.
    "X2": Verdict(
        "holds",
        "asyncio.sleep does not block the thread, but each side awaits the other: the "
        "consumer's sleeps still add up.",
    ),
    "X3": Verdict(
        "holds",
        "The workers are started before the phase (ProcessPoolExecutor starts them lazily).",
        tolerance="0.95 × theory (ceil(tasks / workers) × delay) ≤ measured ≤ theory + half "
        "the gap to tasks × delay",
        measures="time",
    ),
    "X4": Verdict(
        "holds",
        "Phases with chunksize=1 and with chunks of half the tasks; theory schedules whole "
        "chunks over the workers.",
        tolerance="each phase ≥ 0.95 × its theory; chunksize=1 ≤ its theory + half the gap to "
        "the coarse chunks' theory < the coarse chunks' time",
        measures="time",
    ),
    "X5": Verdict(
        "holds",
        "Beyond the article. The bound is the default task's own length (0.1 s): past it, Dask "
        "would spend more on each task than the task works. Dask's docs put the cost at about "
        "1 ms; measured here: 2-8 ms on a quiet 2-core machine, tens of ms when it is shared. "
        "Pool.apply_async pickles the call into a pipe an idle worker reads; Dask also "
        "cloudpickles the function, the scheduler records and places every task, and the "
        "result goes worker → scheduler → client.",
        tolerance="no-op task through Dask ≤ 100 ms each (best of 3 rounds of 100); the "
        "workload under halfway from theory to tasks × delay",
        measures="time",
        # Each no-op task is CPU work in several processes at once (client, scheduler,
        # workers), so a run with fewer free cores than the machine has cannot judge a
        # failure of the bound; a pass stands, as for every time claim.
        cores=None,
    ),
    "X6": Verdict(
        "holds",
        "Beyond the article. The scheduler gives each worker thread one task at a time and "
        "every worker some.",
        tolerance="measured ≥ 0.95 × theory (ceil(tasks / worker threads) × delay); never more "
        "tasks at once than worker threads; every worker ran at least one task",
        measures="time",
    ),
    "X7": Verdict(
        "holds",
        "Beyond the article. Each broken variant hangs, and the wait-for graph names the "
        "cycle: the two processes (or threads), who holds which lock and who waits for it; "
        "the same two workers taking the locks in one order finish.",
    ),
}

_DEFAULT = Verdict("holds")


def verdict(claim_id: str) -> Verdict:
    return VERDICTS.get(claim_id, _DEFAULT)


def note_text(claim_id: str, lang: str) -> str:
    """The verdict's note in ``lang`` (English without a current translation)."""
    from concdemo.i18n import core as i18n_core

    return i18n_core.text(f"note/{claim_id}", verdict(claim_id).note, lang)


def tolerance_text(claim_id: str, lang: str) -> str:
    """The verdict's tolerance in ``lang`` (English without a current translation)."""
    from concdemo.i18n import core as i18n_core

    return i18n_core.text(f"tolerance/{claim_id}", verdict(claim_id).tolerance, lang)


def is_timing(claim_id: str) -> bool:
    return verdict(claim_id).timing


def headline(claim_id: str, as_expected: bool, start_methods: list[str], lang: str = "en") -> str:
    """The verdict column: what a claim that behaved as expected says about the article.

    English by default: the JSON carries it; the table asks for the language it shows."""
    if not as_expected:
        return t("verdict_failed", lang)
    found = verdict(claim_id)
    if found.kind == "corrected":
        return t("verdict_corrected", lang)
    if found.kind == "outdated":
        return t("verdict_outdated", lang)
    if found.kind == "platform":
        where = [m for m in start_methods if m in found.holds_under]
        elsewhere = [m for m in start_methods if m not in found.holds_under]
        if not where:
            return t("verdict_not_under", lang, methods=", ".join(elsewhere))
        if not elsewhere:
            others = [m for m in START_METHODS if m not in found.holds_under]
            return t("verdict_holds_under", lang, where=", ".join(where), others=", ".join(others))
        return t("verdict_holds_only_under", lang, where=", ".join(where))
    return t("verdict_holds", lang)
