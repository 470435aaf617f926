"""Run one variant of a scenario in a subprocess of its own and collect what it reported."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from concdemo.catalogue.catalog import Variant
from concdemo.core import completeness, procgroup, stacks, volume
from concdemo.core.events import Decoder, Event, of_kinds, process_names, span_events
from concdemo.core.exitclock import ExitClock
from concdemo.core.ingest import Ingest
from concdemo.core.receiver import Reader
from concdemo.core.unreported import Unreported, of_streams
from concdemo.wire.channel import (
    ENV_CLI_PID,
    ENV_EVENTS,
    ENV_PARAMS,
    ENV_RUN_DIR,
    ENV_START_METHOD,
    ENV_T0,
)

if TYPE_CHECKING:
    from concdemo.catalogue.target import Script

_POLL_S = 0.02
_SETTLE_S = 2.0  # after a normal end, time for stragglers (the resource tracker) to leave
_STDERR_TAIL = 40


@dataclass(frozen=True)
class RunSpec:
    variant: Variant
    start_method: str
    params: dict[str, Any]
    timeout_s: float
    script: Script | None = None  # a user's own script (traced) instead of a scenario


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
        """Exceptions that ended a process although the story does not foresee them."""
        variant = self.spec.variant
        errors = of_kinds(self.events, "error")
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
        ends = of_kinds(self.events, "error", "process-end")
        failed = {e.pid for e in ends if e.kind == "error"}
        # The tracer's process-end carries the real exit code (a child's sys.exit(3)).
        ended = {e.pid: e.detail.get("exitcode") for e in ends if e.kind == "process-end"}
        infos = [ProcessInfo(pid, name, None) for pid, name in process_names(self.events).items()]
        for info in infos:
            code = ended.get(info.pid)
            if info.pid == self.main_pid:
                info.exitcode = self.returncode
            elif isinstance(code, int):
                info.exitcode = code
            elif info.pid in failed:
                info.exitcode = 1
            elif info.pid in ended:
                info.exitcode = 0
        return infos


def pair_spans(events: Sequence[Event]) -> list[tuple[Event, Event | None]]:
    """Match each ``X-start`` with its ``X-end`` on the same process and task (LIFO)."""
    open_spans: dict[tuple[int, str, str], list[Event]] = {}
    pairs: list[tuple[Event, Event | None]] = []
    index: dict[int, int] = {}
    for event in span_events(events):
        if event.span == "start":
            open_spans.setdefault((event.pid, event.task, event.span_name), []).append(event)
            index[id(event)] = len(pairs)
            pairs.append((event, None))
        elif event.span == "end":
            stack = open_spans.get((event.pid, event.task, event.span_name))
            if stack:
                start = stack.pop()
                pairs[index[id(start)]] = (start, event)
    return pairs


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
        )
    if package_parent not in paths:
        env["PYTHONPATH"] = os.pathsep.join([package_parent, *paths])
    return env


def _classify(
    hung: bool, returncode: int | None, events: Sequence[Event], stderr: str
) -> tuple[str, dict[str, Any] | None]:
    errors = of_kinds(events, "error")
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
    run_dir = Path(tempfile.mkdtemp(prefix="concdemo-"))
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
    halted: set[int] = set()
    helpers: dict[int, str] = {}
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
                break
        ingest.scenario_ended()
        if not hung:
            end_ns = exit_clock.exit_ns or time.monotonic_ns()
            settled = procgroup.wait_empty(popen.pid, _SETTLE_S, popen.poll)
            if not settled:
                signals_sent = procgroup.stop_group(popen.pid, popen.poll)
        else:
            signals_sent = procgroup.stop_group(popen.pid, popen.poll)
        events = ingest.finish()
        if spec.script is not None:  # a scenario's own prints are not meant to be events
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
    outcome, error = _classify(hung, None if hung else returncode, events, stderr)
    gaps = completeness.gaps(
        events, decoder.dropped, popen.pid, None if hung else returncode, outcome, spec.variant.path
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
    )
