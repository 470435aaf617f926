"""Run one variant of a scenario in a subprocess of its own and collect what it reported."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from concdemo.catalogue.run_spec import RunSpec
from concdemo.core import completeness, procgroup, rundirs, stacks, volume, waits
from concdemo.core.decoder import Decoder
from concdemo.core.events import Event, of_kinds, pair_spans, process_names
from concdemo.core.exitclock import ExitClock
from concdemo.core.ingest import Ingest
from concdemo.core.receiver import Reader
from concdemo.core.store import EventStore
from concdemo.core.unreported import Unreported, of_streams
from concdemo.wire.channel import (
    ENV_CLI_PID,
    ENV_EVENTS,
    ENV_PARAMS,
    ENV_RUN_DIR,
    ENV_START_METHOD,
    ENV_T0,
)

_POLL_S = 0.02
_SETTLE_S = 2.0  # after a normal end, time for stragglers (the resource tracker) to leave
_STDERR_TAIL = 40
# The tracer writes its wait-for snapshot from Python, after faulthandler's dump.
_WAITS_WAIT_S = 1.0


@dataclass
class Check:
    what: str
    ok: bool
    pid: int
    process: str
    detail: dict[str, Any]


@dataclass
class Phase:
    name: str
    seconds: float | None  # None when the phase never ended (a hang)
    theory_s: float | None
    start_t: float


@dataclass
class ProcessInfo:
    pid: int
    name: str
    exitcode: int | None


@dataclass
class RunResult:
    spec: RunSpec
    outcome: str
    wall_s: float
    events: Sequence[Event]  # in time order: an EventStore from a run, any list in tests
    returncode: int | None
    main_pid: int = 0
    error: dict[str, Any] | None = None
    stacks: list[dict[str, Any]] = field(default_factory=list)
    dropped_events: int = 0
    malformed_events: int = 0  # lines that were no message: skipped, counted
    repaired_on_arrival: int = 0  # kept, with values JSON cannot carry replaced
    stderr_tail: str = ""
    signals_sent: list[str] = field(default_factory=list)
    # Why events or checks may have stopped arriving (see completeness.py).
    gaps: list[completeness.Gap] = field(default_factory=list)
    # Processes of a hung run that could not tell where they were (stopped).
    unresponsive: list[dict[str, Any]] = field(default_factory=list)
    # A hung script's wait-for graph (core/waits.py): one edge per blocked thread.
    waits: list[dict[str, Any]] = field(default_factory=list)
    deadlock: dict[str, Any] | None = None
    # A script's output lines that no event reports, by stream (see unreported.py).
    unreported: dict[str, Unreported] = field(default_factory=dict)

    @cached_property
    def repaired_by_sender(self) -> int:
        """Events whose detail the probe had to repair to send it (nan, bytes, ...)."""
        return completeness.repaired_count(self.events)

    @cached_property
    def summarised(self) -> list[volume.Summarised]:
        """Kinds of events the tracer sent as counts past its budget (volume.py)."""
        return volume.summarised(self.events)

    @property
    def repaired_events(self) -> int:
        """Every event kept with values JSON cannot carry replaced, by either end."""
        return self.repaired_by_sender + self.repaired_on_arrival

    @property
    def expected(self) -> str:
        return self.spec.variant.expected(self.spec.start_method, self.spec.params)

    # Figures derived from the events: each is worked out once, on first use
    # (a run can hold a million events; a summary asks for these several times).

    @cached_property
    def checks(self) -> list[Check]:
        return [
            Check(
                what=str(e.detail.get("what", "")),
                ok=bool(e.detail.get("ok")),
                pid=e.pid,
                process=e.process,
                detail={k: v for k, v in e.detail.items() if k not in ("what", "ok")},
            )
            for e in of_kinds(self.events, "check")
        ]

    @cached_property
    def unexpected_errors(self) -> list[Event]:
        """Exceptions that ended a process although the story does not foresee them.
        A script's are its main process's: a child's failure is a fact of its run
        (``child_ends``), not its outcome."""
        variant = self.spec.variant
        errors = of_kinds(self.events, "error")
        if self.spec.script is not None:
            return [e for e in errors if e.pid == self.main_pid]
        if self.expected != variant.expected(self.spec.start_method):
            return errors  # an EXPECT_WITH rule applies: the fixed half foresees no error
        if self.expected == "error" and not variant.errors:
            return []
        return [e for e in errors if e.detail.get("type") not in variant.errors]

    @property
    def as_expected(self) -> bool:
        allowed = self.spec.variant.errors
        error_type = (self.error or {}).get("type")
        wrong_error = self.outcome == "error" and bool(allowed) and error_type not in allowed
        return (
            self.outcome == self.expected
            and all(c.ok for c in self.checks)
            and not self.unexpected_errors
            and not wrong_error
            and not self.gaps
            and self.deadlock_as_expected
        )

    @property
    def deadlock_as_expected(self) -> bool:
        """A variant that traces its waits hangs in the deadlock it declares (the
        same kind, the same waiters in its cycle) and in no other; its fix in none."""
        variant = self.spec.variant
        if not variant.waits:
            return True
        wanted = variant.expect_deadlock if self.expected == "hang" else None
        if wanted is None:
            return self.deadlock is None
        found = self.deadlock or {}
        return found.get("kind") == wanted.get("kind") and sorted(found.get("cycle", [])) == sorted(
            wanted.get("cycle", [])
        )

    @cached_property
    def phases(self) -> list[Phase]:
        found = []
        for start, end in pair_spans(self.events):
            if start.span_name != "phase":
                continue
            theory = start.detail.get("theory_s")
            found.append(
                Phase(
                    name=str(start.detail.get("name", "phase")),
                    seconds=None if end is None else end.t - start.t,
                    theory_s=float(theory) if theory is not None else None,
                    start_t=start.t,
                )
            )
        return found

    @cached_property
    def processes(self) -> list[ProcessInfo]:
        ends = of_kinds(self.events, "error", "process-end", "child-exit")
        failed = {e.pid for e in ends if e.kind == "error"}
        # The tracer's process-end carries the real exit code (a child's sys.exit(3)).
        ended = {e.pid: e.detail.get("exitcode") for e in ends if e.kind == "process-end"}
        seen = _seen_exits(ends)
        infos = [ProcessInfo(pid, name, None) for pid, name in process_names(self.events).items()]
        for info in infos:
            code = ended.get(info.pid)
            if info.pid == self.main_pid:
                info.exitcode = self.returncode
            elif info.pid in seen:  # what its parent's join saw: a signal's -15 too
                info.exitcode = seen[info.pid]["exitcode"]
            elif isinstance(code, int):
                info.exitcode = code
            elif info.pid in failed:
                info.exitcode = 1
            elif info.pid in ended:
                info.exitcode = 0
        return infos

    @cached_property
    def child_ends(self) -> list[ChildEnd]:
        """The script's children that did not end with exit code 0, each with its
        exit code and the exception that ended it, if one did (a scenario's
        child errors are its outcome's business instead)."""
        if self.spec.script is None or self.outcome not in ("ok", "error"):
            return []  # a hang's stop (or a crash) ended them, not their own code
        errors: dict[int, Event] = {}
        for event in of_kinds(self.events, "error"):
            errors.setdefault(event.pid, event)
        seen = _seen_exits(of_kinds(self.events, "child-exit"))
        found = []
        for info in self.processes:
            if info.pid == self.main_pid or info.exitcode in (0, None):
                continue
            error = errors.get(info.pid)
            code = int(info.exitcode or 0)
            stopped_by = seen.get(info.pid, {}).get("stopped_by")
            found.append(
                ChildEnd(
                    info.name,
                    code,
                    str(error.detail.get("type")) if error else None,
                    _first_paragraph(str(error.detail.get("message", ""))) if error else None,
                    # Only if the library's signal is what ended it.
                    str(stopped_by) if stopped_by and code < 0 else None,
                )
            )
        return found


@dataclass(frozen=True)
class ChildEnd:
    """How a script's child ended, when not with exit code 0."""

    name: str
    exitcode: int  # negative: the signal that killed it
    error_type: str | None
    error_message: str | None
    # The library that stopped it (Pool.terminate(), called on leaving a with
    # block, is "multiprocessing.pool"): no failure of its own.
    stopped_by: str | None = None


def _first_paragraph(message: str) -> str:
    """An exception's message up to its first blank line, on one line (the
    bootstrapping RuntimeError's starts with a newline and wraps its sentences)."""
    return " ".join(message.strip().split("\n\n")[0].split())


def _seen_exits(events: Sequence[Event]) -> dict[int, dict[str, Any]]:
    """pid -> the ``child-exit`` detail of each child whose exit its parent saw."""
    seen = {}
    for event in events:
        if event.kind != "child-exit":
            continue
        pid, code = event.detail.get("child_pid"), event.detail.get("exitcode")
        if isinstance(pid, int) and isinstance(code, int):
            seen[pid] = event.detail
    return seen


def with_unreported_children(events: EventStore) -> EventStore:
    """A child that ended before it could send one event (killed right after
    start, before its tracer started) gets its lane from what its parent saw:
    a ``process-end`` with the exit code, at the moment the parent saw it, that
    says who saw it (``seen_by``)."""
    seen = of_kinds(events, "child-exit")
    reported = set(process_names(events))
    added = False
    for event in seen:
        pid, code = event.detail.get("child_pid"), event.detail.get("exitcode")
        if not isinstance(pid, int) or pid in reported:
            continue
        if event.detail.get("child") is None:
            # Reaped by os.waitpid or gevent: a program that is not Python (ls, a
            # shell) was never a process of the run's own; a Python reported itself.
            continue
        reported.add(pid)
        name = str(event.detail.get("child") or f"pid {pid}")
        detail = {"exitcode": code, "seen_by": event.pid}
        events.append(Event(event.t, pid, name, "MainThread", "process-end", detail))
        added = True
    if added:
        events.seal()
    return events


def default_start_method() -> str:
    import multiprocessing

    return multiprocessing.get_all_start_methods()[0]


def _child_env(run_dir: Path, spec: RunSpec, t0_ns: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            ENV_EVENTS: str(run_dir / "events"),
            ENV_RUN_DIR: str(run_dir),
            ENV_T0: str(t0_ns),
            ENV_PARAMS: json.dumps(spec.params),
            ENV_START_METHOD: spec.start_method,
            ENV_CLI_PID: str(os.getpid()),
            "PYTHONUNBUFFERED": "1",
        }
    )
    # The scenario imports concdemo.probe: make sure it finds this very copy,
    # also when the CLI runs from a source tree that is not installed.
    package_parent = str(Path(__file__).resolve().parents[2])
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    if spec.script is not None:
        from concdemo.tracer.env import traced_env

        return traced_env(
            env,
            paths,
            spec.start_method,
            spec.script.start_method_given,
            own_dir=str(spec.variant.path.parent),
            loop_block_ms=spec.script.loop_block_ms,
        )
    if package_parent not in paths:
        paths = [package_parent, *paths]
        env["PYTHONPATH"] = os.pathsep.join(paths)
    if spec.variant.trace:
        from concdemo.tracer.env import traced_parts_env

        env = traced_parts_env(
            env, paths, spec.variant.trace, own_dir=str(spec.variant.path.parent)
        )
    return env


def _classify(
    hung: bool,
    returncode: int | None,
    events: Sequence[Event],
    stderr: str,
    only_pid: int | None = None,
) -> tuple[str, dict[str, Any] | None]:
    """The outcome and the run's error. With ``only_pid`` (a user's script: its
    main process) only that process's own exceptions count: a script whose child
    failed and that went on to exit 0 ended ok, as it does bare."""
    errors = of_kinds(events, "error")
    if only_pid is not None:
        errors = [e for e in errors if e.pid == only_pid]
    first_error = None
    if errors:
        e = errors[0]
        first_error = {"process": e.process, "pid": e.pid, **e.detail}
    if hung:
        return "hang", first_error
    if returncode is not None and returncode < 0:
        import signal

        name = signal.Signals(-returncode).name if -returncode in signal.valid_signals() else "?"
        return "crash", {
            "type": name,
            "message": f"killed by signal {-returncode} ({name})",
            "process": "MainProcess",
        }
    if first_error is not None:
        return "error", first_error
    if returncode:
        # The status, and the last line on stderr, which often says why
        # (sys.exit("no config") prints it), but need not (a warning).
        message = f"exit status {returncode}"
        last = stderr.strip().splitlines()[-1:]
        if last:
            message += f" (last line on stderr: {last[0]})"
        return "error", {"type": "exit", "message": message, "process": "MainProcess"}
    return "ok", None


def _thread_label(header: str) -> str:
    """faulthandler's 'Current thread 0x00007f… (most recent call first)' -> '0x00007f…'."""
    words = header.replace("(most recent call first)", "").split()
    ident = next((w for w in words if w.startswith("0x")), "")
    return f"{ident} (current)" if header.startswith("Current") else ident or header


def _is_tracer(file: str) -> bool:
    """A frame of concdemo's tracer, whichever copy of concdemo the script ran it from."""
    parent = Path(file).parent
    return parent.name == "tracer" and parent.parent.name == "concdemo"


def _stack_docs(
    found: dict[int, list[stacks.Stack]],
    helpers: dict[int, str],
    events: Sequence[Event],
    scenario_dir: Path,
) -> list[dict[str, Any]]:
    names = {**helpers, **process_names(events)}
    docs = []
    for pid, thread_stacks in sorted(found.items()):
        for stack in thread_stacks:
            own = stack.blocked_in(scenario_dir) or stack.frames[0]
            # The call the scenario's own line was making (recv, join, get) says
            # more than the innermost frame (usually a select or a lock).
            position = stack.frames.index(own)
            # Past the tracer's wrappers: the call is multiprocessing's get(), not ours.
            called = [f for f in stack.frames[:position] if not _is_tracer(f.file)]
            innermost = called[-1] if called else own
            docs.append(
                {
                    "pid": pid,
                    "process": names.get(pid, "?"),
                    "thread": _thread_label(stack.thread),
                    "file": own.file,
                    "line": own.line,
                    "function": own.function,
                    "blocked_in": innermost.as_json(),
                    "frames": [f.as_json() for f in stack.frames],
                }
            )
    return docs


class Stepping(Protocol):
    """Step mode's controller (``concdemo.core.stepper.Stepper``)."""

    def env(self, run_dir: Path) -> dict[str, str]: ...
    def tick(self, events_seen: int) -> bool: ...
    def close(self) -> None: ...


def run(
    spec: RunSpec,
    on_events: Callable[[Sequence[Event]], None] | None = None,
    stepper: Stepping | None = None,
) -> RunResult:
    """Start the variant, stream its events to ``on_events``, stop it, reap it.

    ``on_events`` is called with batches of events on the ingest thread, at the
    view's own pace (see ``ingest.py``); the hang clock and ``wall_s`` never wait
    for it. Ctrl-C (KeyboardInterrupt) stops the whole tree before propagating.
    With a ``stepper`` the scenario waits at each event, and the hang timeout
    only counts the time it is not waiting for the user.
    """
    run_dir = rundirs.make()
    (run_dir / "stacks").mkdir()
    reader = Reader(str(run_dir / "events"))
    t0_ns = time.monotonic_ns()
    decoder = Decoder(t0_ns)
    ingest = Ingest(reader, decoder, on_events)
    events: Sequence[Event] = []
    unreported: dict[str, Unreported] = {}  # a script's output no event reports

    stderr_path = run_dir / "stderr.txt"
    popen: subprocess.Popen[bytes] | None = None
    exit_clock: ExitClock | None = None
    hung = False
    found: dict[int, list[stacks.Stack]] = {}
    snapshots: dict[int, dict[str, Any]] = {}
    gave_up: dict[int, dict[str, Any]] = {}  # snapshots written at a LoopExit
    halted: set[int] = set()
    helpers: dict[int, str] = {}
    waits_complete = False
    signals_sent: list[str] = []
    end_ns = t0_ns
    settled = False  # the group emptied by itself: nobody left to stop
    try:
        env = _child_env(run_dir, spec, t0_ns)
        if stepper is not None:
            env.update(stepper.env(run_dir))
        with open(run_dir / "stdout.txt", "wb") as out, open(stderr_path, "wb") as err:
            script = spec.script
            command = [sys.executable, str(spec.variant.path)]
            popen = subprocess.Popen(
                script.command(sys.executable) if script else command,
                cwd=script.cwd if script else run_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
        exit_clock = ExitClock(popen.pid, popen.poll)
        deadline = time.monotonic() + spec.timeout_s
        while not exit_clock.wait(_POLL_S):
            if stepper is not None and stepper.tick(ingest.lines_received):
                deadline += _POLL_S  # waiting for the user is not hanging
            if time.monotonic() >= deadline:
                hung = True
                end_ns = time.monotonic_ns()
                alive = set(procgroup.members(popen.pid))
                halted = procgroup.stopped(popen.pid) & alive  # could not answer: say so
                found = stacks.collect(run_dir, alive - halted)
                # Read while they are alive: helper processes send no events to name them.
                helpers = {pid: stacks.helper_name(pid) for pid in found}
                if spec.script is not None or spec.variant.waits:  # the tracer's handler too
                    tracked = {pid for pid in found if helpers[pid] != "ResourceTracker"}
                    snapshots = waits.collect(run_dir, tracked, _WAITS_WAIT_S)
                    # Everyone alive answered: a wait nobody can end may be claimed.
                    # A process that cannot answer (another program the script
                    # started, which might write to its pipe) leaves it unclaimed;
                    # multiprocessing's resource tracker is no party to a wait.
                    silent = {
                        pid
                        for pid in alive - set(found)
                        if stacks.helper_name(pid) != "ResourceTracker"
                    }
                    waits_complete = not halted and not silent and set(snapshots) >= tracked
                break
        ingest.scenario_ended()
        if not hung:
            end_ns = exit_clock.exit_ns or time.monotonic_ns()
            settled = procgroup.wait_empty(popen.pid, _SETTLE_S, popen.poll)
            if not settled:
                signals_sent = procgroup.stop_group(popen.pid, popen.poll)
            # gevent's hub gave up (LoopExit): its greenlets' waits, if that ended the run
            gave_up = waits.collect(run_dir, waits.written(run_dir), 0)
        else:
            signals_sent = procgroup.stop_group(popen.pid, popen.poll)
        events = ingest.finish()
        if spec.script is not None:  # a scenario's own prints are not meant to be events
            events = with_unreported_children(events)
            unreported = of_streams(run_dir, events)
    finally:
        ingest.stop()
        # Every path out (an error here, Ctrl-C) leaves no process of the run behind.
        if popen is not None and not settled:
            # (Once empty, a group stays empty: no member is left to start another;
            # the scan of /proc that would say so costs milliseconds on a busy host.)
            if popen.poll() is None or procgroup.members(popen.pid):
                procgroup.stop_group(popen.pid, popen.poll)
            with contextlib.suppress(subprocess.TimeoutExpired):
                popen.wait(timeout=procgroup.KILL_GRACE_S)
        if exit_clock is not None:
            exit_clock.close()
        reader.close()
        if stepper is not None:
            stepper.close()
        stderr = stderr_path.read_text(errors="replace") if stderr_path.exists() else ""
        shutil.rmtree(run_dir, ignore_errors=True)

    assert popen is not None
    returncode = popen.returncode
    outcome, error = _classify(
        hung,
        None if hung else returncode,
        events,
        stderr,
        only_pid=popen.pid if spec.script is not None else None,
    )
    gaps = completeness.gaps(
        events, decoder.dropped, popen.pid, None if hung else returncode, outcome, spec.variant.path
    )
    if error is not None and error.get("type") == "LoopExit" and not hung:
        snapshots = gave_up
        # Each process's hub had nothing left to run: nobody can end a wait.
        waits_complete = set(process_names(events)) <= set(gave_up)
    edges, deadlock = waits.build(
        snapshots,
        {**helpers, **process_names(events)},
        end_ns,
        complete=waits_complete,
        lost=waits.lost_tasks(events) if snapshots else None,
    )
    return RunResult(
        spec=spec,
        outcome=outcome,
        wall_s=(end_ns - t0_ns) / 1e9,
        events=events,
        returncode=returncode,
        main_pid=popen.pid,
        error=error,
        stacks=_stack_docs(found, helpers, events, spec.variant.path.parent),
        dropped_events=decoder.dropped,
        malformed_events=decoder.malformed + reader.oversized,
        repaired_on_arrival=decoder.repaired,
        stderr_tail="\n".join(stderr.splitlines()[-_STDERR_TAIL:]),
        signals_sent=signals_sent,
        gaps=gaps,
        unresponsive=stacks.unresponsive_docs(halted, process_names(events)),
        unreported=unreported,
        waits=edges,
        deadlock=deadlock,
    )
