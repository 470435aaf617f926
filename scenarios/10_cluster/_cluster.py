"""The cluster scenario's plumbing, shared by its two variants.

- ``open_cluster``: an embedded LocalCluster, or a client of a running scheduler.
- ``task_span``: a task's span on a worker. A LocalCluster's worker processes are
  our children and write to the channel like pool workers; a worker elsewhere
  cannot reach it, so its events go into Dask's event log (``Worker.log_event``)
  and the ``Relay`` in the scenario re-emits them (``Client.subscribe_topic``).
- ``dask_noop_s`` / ``pool_noop_s``: the cost of a no-op task through Dask and
  through ``Pool.apply_async``, measured side by side in one run.

The worker-side half (``task_span`` and ``_LoggedSpan``) imports nothing at
module level that a remote worker lacks: the scenario ships it by value.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import multiprocessing
import os
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

SCHEDULER_FORM = re.compile(r"none|tcp://[A-Za-z0-9_.\-]+:[0-9]{1,5}")  # as in about.py
NOOP_TASKS = 100  # no-op tasks per round: enough to average out one slow reply
NOOP_ROUNDS = 3  # the best round counts: another program's burst slows one round, not all
CONNECT_TIMEOUT_S = 10
# Under the run's 60 s hang timeout, so that too few workers on a running cluster
# end the run with Dask's own message ("Only 2/5 workers arrived") instead of a hang.
WORKERS_TIMEOUT_S = 40
OFFSET_ROUNDS = 5  # clock round trips per worker: the shortest one counts
EVENTS_HOME_TIMEOUT_S = 10.0  # after gather(): time for the last relayed events to arrive
# Per no-op task, best round: the default task's own length (delay = 0.1 s). Past
# it, Dask would spend more on each task than the task itself works. Dask's docs
# put the cost at about 1 ms; we measured 2-8 ms on a quiet 2-core machine, and at a
# load average of 15-17 on it 2.5-17 ms (best round) and up to 110 ms (a whole phase).
OVERHEAD_BOUND_S = 0.1


def check_scheduler(value: str) -> None:
    """The CLI validates this already; a script run on its own gets the same line."""
    if not SCHEDULER_FORM.fullmatch(value):
        print(
            f"scheduler={value!r} is not none or tcp://HOST:PORT "
            "(for example scheduler=tcp://127.0.0.1:8786).",
            file=sys.stderr,
        )
        raise SystemExit(2)


# --- on the worker -------------------------------------------------------------


class _LoggedSpan:
    """A span whose two events go into Dask's event log instead of the channel."""

    def __init__(self, topic: str, name: str, detail: dict[str, Any]) -> None:
        self.topic = topic
        self.name = name
        self.detail = detail

    def _log(self, kind: str, span: str) -> None:
        import os
        import threading

        from distributed import get_worker

        worker = get_worker()
        # Numbered like the probe's own events, per worker process and per run
        # (a worker outlives runs; each run listens on a topic of its own).
        counters = worker.__dict__.setdefault("_concdemo_seqs", {})
        seq = next(counters.setdefault(self.topic, itertools.count()))
        worker.log_event(self.topic, {
            "kind": kind,
            "span": span,
            # The worker's own clock, and its offset from the scheduler's clock,
            # which Dask measures at every heartbeat (Worker.scheduler_delay).
            "t": time.time(),
            "offset": worker.scheduler_delay,
            "pid": os.getpid(),
            "worker": worker.address,
            "task": threading.current_thread().name,
            "seq": seq,
            "detail": self.detail,
        })

    def __enter__(self) -> _LoggedSpan:
        self._log(f"{self.name}-start", "start")
        return self

    def __exit__(self, *exc: object) -> None:
        self._log(f"{self.name}-end", "end")


def task_span(relay: str | None, name: str = "task", **detail: Any) -> Any:
    """``with task_span(relay, n=n):`` on a worker: the channel, or with a relay
    topic (remote workers) Dask's event log."""
    if relay:
        return _LoggedSpan(relay, name, detail)
    from concdemo import probe

    return probe.span(name, **detail)


def where_am_i() -> tuple[str, float, float]:
    """The worker's address, now on its clock, and its clock's offset from the scheduler's."""
    from distributed import get_worker

    worker = get_worker()
    return worker.address, time.time(), worker.scheduler_delay


# --- in the scenario -----------------------------------------------------------


def _clock_offsets(
    ask: Callable[[], dict[str, float]], rounds: int = OFFSET_ROUNDS
) -> dict[str, float]:
    """Each clock that ``ask()`` reads ({name: its time.time()}) minus ours, from
    the round with its shortest round trip: off by at most half of that."""
    best: dict[str, tuple[float, float]] = {}  # name -> (round trip, offset)
    for _ in range(rounds):
        before = time.time()
        remote = ask()
        after = time.time()
        for name, then in remote.items():
            sample = (after - before, then - (before + after) / 2)
            if name not in best or sample < best[name]:
                best[name] = sample
    return {name: offset for name, (_, offset) in best.items()}


class Relay:
    """Re-emit the remote workers' events on the channel, on this run's clock.

    Each event carries its time on the worker's clock. The relay measures every
    worker's clock against its own before the tasks go out, the best of a few
    round trips through the scheduler (``Client.run``): the error is at most half
    the best round trip, a few milliseconds on a LAN. Dask's own offset
    (``Worker.scheduler_delay``) comes from one round trip, and the first one,
    the registration, spans the worker's start-up work: on a busy machine it was
    off by over 250 ms. It is used only for a worker that joins later.
    A worker's offset is kept for the whole run: a heartbeat that moves it by a
    millisecond must not make one lane's back-to-back tasks overlap.
    """

    def __init__(self, client: Any) -> None:
        from concdemo import probe

        self._probe = probe
        # The scheduler's clock minus ours: for a worker that joins later.
        self.scheduler_offset_s = _clock_offsets(
            lambda: {"scheduler": client.run_on_scheduler(time.time)}
        )["scheduler"]
        self._wall_minus_monotonic = time.time() - time.monotonic()
        self._seen: Counter[str] = Counter()
        # worker address -> our clock minus the worker's (what its times need
        # added). A worker that fails to answer (gone since) keeps Dask's offset.
        measured = _clock_offsets(lambda: client.run(time.time, on_error="ignore"))
        self._offsets = {address: -offset for address, offset in measured.items()}
        self._changed = threading.Condition()
        # A topic of this run's own: runs that share a cluster do not see each other's events.
        self.topic = f"concdemo-{os.getpid()}-{time.time_ns()}"
        client.subscribe_topic(self.topic, self._handle)

    def _handle(self, event: tuple[float, dict[str, Any]]) -> None:
        _, msg = event
        pid = int(msg["pid"])
        # A worker that joined after the relay measured: Dask's offset, first one seen.
        offset = self._offsets.setdefault(msg["worker"], msg["offset"] - self.scheduler_offset_s)
        here = msg["t"] + offset  # the worker's clock -> ours (wall)
        t_ns = int((here - self._wall_minus_monotonic) * 1e9)
        process = f"Dask worker {msg['worker'].removeprefix('tcp://')}"
        self._probe.relay(
            msg["kind"], t_ns=t_ns, pid=pid, process=process, task=msg["task"],
            seq=int(msg["seq"]), span=msg["span"],
            detail={**msg["detail"], "worker": msg["worker"],
                    "clock_offset_ms": round(offset * 1000, 3)},
        )
        with self._changed:
            self._seen[msg["kind"]] += 1
            self._changed.notify_all()

    def wait_for(self, kind: str, count: int, timeout_s: float = EVENTS_HOME_TIMEOUT_S) -> int:
        """Wait until ``count`` events of ``kind`` came home; returns how many did."""
        with self._changed:
            self._changed.wait_for(lambda: self._seen[kind] >= count, timeout_s)
            return self._seen[kind]


class Cluster:
    def __init__(self, client: Any, relay: Relay | None) -> None:
        self.client = client
        self.relay = relay
        workers = client.scheduler_info()["workers"]
        self.addresses = sorted(workers)
        self.nthreads = sum(w["nthreads"] for w in workers.values())

    @property
    def relay_topic(self) -> str | None:
        """What the tasks need to know: None on a LocalCluster (they use the channel)."""
        return None if self.relay is None else self.relay.topic


@contextlib.contextmanager
def open_cluster(params: Any) -> Iterator[Cluster]:
    """The embedded LocalCluster (scheduler=none) or a running one; closed on every path."""
    import dask
    from distributed import Client, LocalCluster

    check_scheduler(params.scheduler)
    if params.scheduler == "none":
        # The nannies start their workers with the run's start method.
        method = multiprocessing.get_start_method()
        with (
            dask.config.set({"distributed.worker.multiprocessing-method": method}),
            LocalCluster(
                n_workers=params.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            ) as local,
            Client(local) as client,
        ):
            client.wait_for_workers(params.workers, timeout=WORKERS_TIMEOUT_S)
            yield Cluster(client, relay=None)
        return
    import cloudpickle

    # Remote workers need not have this module (nor concdemo): ship it by value.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    with Client(params.scheduler, timeout=CONNECT_TIMEOUT_S) as client:
        client.wait_for_workers(params.workers, timeout=WORKERS_TIMEOUT_S)
        yield Cluster(client, relay=Relay(client))


def rounds(tasks: int, nthreads: int) -> int:
    return math.ceil(tasks / nthreads)


def most_at_once(spans: list[tuple[float, float]]) -> int:
    edges = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans])
    busy = peak = 0
    for _, step in edges:  # an end sorts before a start at the same instant
        busy += step
        peak = max(peak, busy)
    return peak


def dask_noop_s(client: Any, noop: Any, use_map: bool) -> float:
    """Seconds per no-op task through the client, as the variant hands tasks over
    (best of NOOP_ROUNDS rounds).

    ``noop`` comes from the scenario's __main__, which Dask ships by value: the
    scheduler unpickles the task graph, and it may not have this module.
    """
    best = math.inf
    for r in range(NOOP_ROUNDS):
        numbers = range(r * NOOP_TASKS, (r + 1) * NOOP_TASKS)  # new keys: nothing cached
        start = time.perf_counter()
        futures = client.map(noop, numbers) if use_map else [client.submit(noop, i) for i in numbers]
        client.gather(futures)
        best = min(best, (time.perf_counter() - start) / NOOP_TASKS)
    return best


def pool_noop_s(workers: int, noop: Any) -> float:
    """Seconds per no-op task through Pool.apply_async (best of NOOP_ROUNDS rounds)."""
    best = math.inf
    with multiprocessing.Pool(workers) as pool:
        pool.apply_async(noop, (0,)).get()  # the pool answers: its start-up is not counted
        for _ in range(NOOP_ROUNDS):
            start = time.perf_counter()
            results = [pool.apply_async(noop, (i,)) for i in range(NOOP_TASKS)]
            for result in results:
                result.get()
            best = min(best, (time.perf_counter() - start) / NOOP_TASKS)
    return best


def check_spread(params: Any, cluster: Cluster, done: list[Any], elapsed: float, theory_s: float) -> None:
    """X6: at most one task per worker thread at a time, and every worker got some."""
    from concdemo import probe

    per_worker = {a: sum(1 for w, _, _, _ in done if w == a) for a in cluster.addresses}
    # Each worker's times, moved onto the scheduler's clock by one offset per worker.
    offsets: dict[str, float] = {}
    for worker, _, _, offset in done:
        offsets.setdefault(worker, offset)
    peak = most_at_once([(s + offsets[w], e + offsets[w]) for w, s, e, _ in done])
    probe.check(f"no more than the cluster's {cluster.nthreads} threads ran tasks at once",
                peak <= cluster.nthreads and elapsed >= 0.95 * theory_s,
                peak=peak, seconds=round(elapsed, 3), theory_s=round(theory_s, 3))
    if params.tasks >= 2 * cluster.nthreads and params.delay >= 0.05:
        # Skipped when the tasks are too few or too short to keep every worker busy.
        probe.check(f"the tasks spread over all {len(per_worker)} workers",
                    min(per_worker.values()) >= 1, tasks_per_worker=sorted(per_worker.values()))
    serial_s = params.tasks * params.delay
    if theory_s < serial_s and params.delay >= 0.05:
        probe.check("clearly faster than one after another: under halfway from theory to tasks × delay",
                    elapsed < (theory_s + serial_s) / 2, seconds=round(elapsed, 3),
                    serial_s=round(serial_s, 3))



def check_overhead(dask_s: float, pool_s: float) -> None:
    """X5: Dask's per-task overhead, bounded, next to Pool.apply_async's from the same run."""
    from concdemo import probe

    probe.check(f"Dask's per-task overhead {dask_s * 1e3:.2f} ms is bounded "
                f"(≤ {OVERHEAD_BOUND_S * 1e3:.0f} ms); Pool.apply_async: {pool_s * 1e3:.2f} ms",
                dask_s <= OVERHEAD_BOUND_S, dask_ms=round(dask_s * 1e3, 3),
                pool_ms=round(pool_s * 1e3, 3), ratio=round(dask_s / pool_s, 1),
                load_average=round(os.getloadavg()[0], 2))


def check_events_home(cluster: Cluster, tasks: int) -> None:
    """Remote path: every task's end event came back through the event log."""
    from concdemo import probe

    if cluster.relay is None:
        return
    home = cluster.relay.wait_for("task-end", tasks)
    probe.check("every remote task's events came home through Dask's event log",
                home == tasks, tasks=tasks, received=home)
