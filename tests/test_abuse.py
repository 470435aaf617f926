"""Scenario processes that misbehave on purpose: the CLI finishes the run, shows and
exports it, counts what it repaired or lost, reaps everything, and never calls a
run whose events or checks stopped arriving "as expected".

The fixture scenarios are in tests/fixtures/scenarios/91_abuse/.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from concdemo.core.receiver import Reader
from concdemo.wire.channel import PIPE_BUF, REPAIRED_KEY, Writer, encode

from conftest import _CLEARED, FIXTURE_SCENARIOS, cli, validate
from proctree import RunProcesses, watching

GRACE_S = 3.0


def _strict_json(text: str) -> Any:
    """json.loads, but NaN and Infinity (which Python accepts and JSON does not) fail."""

    def refuse(constant: str) -> Any:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def _abuse(
    procs: RunProcesses, *args: str, timeout: float = 120, env: dict[str, str] | None = None
) -> dict[str, dict[str, Any]]:
    """Run abuse variants with --json; check the document and that nothing is left."""
    with watching(procs):
        result = cli("run", "abuse", *args, "--json", fixtures=True,
                     env={**procs.env, **(env or {})}, timeout=timeout)
    assert "Traceback" not in result.stderr, result.stderr
    doc = _strict_json(result.stdout)
    validate(doc, "run-1")
    mains = {}
    for run in doc["runs"]:
        main = [e["pid"] for e in run["events"] if e["kind"] == "process-start"
                and e["process"] == "MainProcess"]
        mains[main[0]] = run["variant"]
    procs.add_sessions(mains)
    left = procs.wait_until_gone(GRACE_S)
    assert not left, f"left behind {GRACE_S:g} s after the CLI ended: {left}"
    runs = {run["variant"]: run for run in doc["runs"]}
    for run in runs.values():
        run["_exit"] = result.returncode
    return runs


# --- values JSON cannot carry ---------------------------------------------------


class _BrokenRepr:
    def __repr__(self) -> str:
        raise RuntimeError("no repr")


def _nested(levels: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(levels):
        value = [value]
    return value


def test_every_value_json_cannot_carry_is_sent_repaired_in_one_atomic_line() -> None:
    cyclic: list[Any] = []
    cyclic.append(cyclic)
    bad_details: dict[str, dict[str, Any]] = {
        "nan": {"v": math.nan},
        "inf in a list": {"v": [math.inf, -math.inf]},
        "lone surrogate": {"v": "a\udc80b"},
        "surrogate key": {"k\ud800": 1},
        "bytes": {"v": b"\x00\xff" * 5000},
        "bytearray": {"v": bytearray(b"abc")},
        "object": {"v": object()},
        "broken repr": {"v": _BrokenRepr()},
        "tuple key": {"v": {(1, 2): 3}},
        "deep": {"v": _nested(100_000)},
        "cyclic": {"v": cyclic},
        "huge string": {"v": "x" * 1_000_000},
        "huge list": {"v": list(range(1_000_000))},
        "huge int": {"v": 10**10_000},
        "many keys": {f"k{i}": "y" * 300 for i in range(300)},
    }
    problems = []
    for name, detail in bad_details.items():
        try:
            line = encode(3, 4, 5, "proc", "task", "kind", "", detail)
            message = _strict_json(line.decode("utf-8"))
            if len(line) > PIPE_BUF:
                problems.append(f"{name}: {len(line)} bytes, not one atomic write")
            if not message[7].get(REPAIRED_KEY):
                problems.append(f"{name}: not marked as repaired")
        except Exception as exc:  # collect every failure, not just the first
            problems.append(f"{name}: {type(exc).__name__}: {exc}")
    bad_names = encode(0, 0, 1, "p\udc80", "t", "k\udcff", "", {})
    if _strict_json(bad_names.decode("utf-8"))[7].get(REPAIRED_KEY) != ["names"]:
        problems.append("lone surrogates in names: not repaired")
    plain = encode(0, 0, 1, "p", "t", "k", "", {"msg": "包子", "n": 1, "f": 0.5, "b": None})
    if REPAIRED_KEY in json.loads(plain)[7]:
        problems.append("an ordinary detail was marked as repaired")
    assert not problems, "\n".join(problems)


def test_a_scenario_sending_bad_values_is_shown_exported_and_counted(
    run_procs: RunProcesses,
) -> None:
    run = _abuse(run_procs, "--variant", "unjsonable")["unjsonable"]
    assert (run["outcome"], run["as_expected"], run["_exit"]) == ("ok", True, 0)
    sent = ["nan", "surrogate", "bytes", "objects", "deep", "huge", "wide", "check"]
    repaired = [e["kind"] for e in run["events"] if REPAIRED_KEY in e["detail"]]
    assert [k for k in repaired if not k.startswith("bad ")] == sent
    assert run["repaired_events"] == len(sent) + 1  # and the event with bad names
    assert run["dropped_events"] == 0 and run["incomplete"] == []
    # The plain view prints the repaired values (lone surrogates included) without failing.
    shown = cli("run", "abuse", "--variant", "unjsonable", "--plain", fixtures=True)
    assert shown.returncode == 0, shown.stderr
    assert "9 events carried values JSON cannot" in shown.stdout


# --- a foreign writer on the channel ----------------------------------------------


def _depth(value: Any) -> int:
    """Levels of lists and objects, ``value`` itself included."""
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


def test_garbage_and_a_3000_deep_detail_are_counted_and_every_later_event_arrives(
    run_procs: RunProcesses, tmp_path: Path
) -> None:
    run = _abuse(run_procs, "--variant", "deep-detail")["deep-detail"]
    assert (run["outcome"], run["as_expected"], run["_exit"]) == ("ok", True, 0)
    # The garbage line and the deep one; the deep one arrived, so it is not lost too.
    assert run["malformed_events"] == 2
    assert run["dropped_events"] == 0 and run["incomplete"] == []
    by_kind = {e["kind"]: e for e in run["events"]}
    assert "too deep" not in by_kind
    later = ["after", "child after", "foreign after"]  # same process, another, the writer
    assert [k for k in later if k not in by_kind] == []
    assert _depth(by_kind["kept"]["detail"]) == 64  # the deepest detail kept, exported
    trace, svg = tmp_path / "run.json", tmp_path / "run.svg"
    shown = cli("run", "abuse", "--variant", "deep-detail", "--plain", "--trace", str(trace),
                "--svg", str(svg), fixtures=True)
    assert (shown.returncode, shown.stderr) == (0, "")
    assert "0 events dropped, 2 malformed" in shown.stdout
    # The deepest kept detail went through the event lines, the timeline and the
    # explanation of the plain view, and into both files.
    assert "kept  v=[[[" in shown.stdout and "timeline" in shown.stdout
    assert "what you just saw" in shown.stdout and "lost" not in shown.stdout
    names = {e.get("name") for e in _strict_json(trace.read_text())["traceEvents"]}
    assert {"kept", "foreign after", "child after"} <= names
    assert "Foreign[4000000]" in svg.read_text()


# --- a process that closes its descriptors ----------------------------------------


def test_writer_gets_its_channel_back_and_leaves_the_scenarios_files_alone(
    tmp_path: Path,
) -> None:
    reader = Reader(str(tmp_path / "events"))
    own: list[int] = []
    try:
        writer = Writer(reader.path)
        assert writer.write(b"first\n")
        # What os.closerange does to it, then the scenario opens files of its own.
        os.close(writer._fd)
        own = [os.open(tmp_path / f"own-{i}", os.O_RDWR | os.O_CREAT) for i in range(8)]
        assert writer.write(b"second\n")
        assert [os.fstat(fd).st_size for fd in own] == [0] * 8, "an event landed in a file"
        # A read-only file of the scenario's on the channel's very number.
        taken = writer._fd
        read_only = os.open(tmp_path / "ro", os.O_RDONLY | os.O_CREAT)
        os.dup2(read_only, taken)
        os.close(read_only)
        assert writer.write(b"third\n")
        assert os.fstat(taken).st_ino == os.stat(tmp_path / "ro").st_ino, (
            "the scenario's descriptor was closed or replaced by the writer"
        )
        os.close(taken)
        assert writer.reopened == 2 and not writer.broken
        received = b"\n".join(reader.drain())
        assert [m for m in (b"first", b"second", b"third") if m not in received] == []
    finally:
        for fd in own:
            os.close(fd)
        reader.close()


def test_closing_every_descriptor_loses_nothing(run_procs: RunProcesses) -> None:
    run = _abuse(run_procs, "--variant", "close-fds")["close-fds"]
    assert (run["outcome"], run["as_expected"]) == ("ok", True)
    (check,) = run["checks"]
    assert check["ok"], check
    assert "after closing" in [e["kind"] for e in run["events"]]


def test_a_process_that_closed_its_descriptors_still_tells_where_it_hangs(
    run_procs: RunProcesses,
) -> None:
    # Its stack file's descriptor was closed and its number reused by the
    # scenario: the dump must go to a fresh stack file, not into that file.
    run = _abuse(run_procs, "--variant", "close-fds-hang")["close-fds-hang"]
    assert (run["outcome"], run["as_expected"]) == ("hang", True)
    where = {(s["process"], s["function"]) for s in run["stacks"]}
    assert ("MainProcess", "<module>") in where, run["stacks"]


def test_a_stack_dump_never_lands_in_a_file_that_took_its_descriptor_number(
    run_procs: RunProcesses, tmp_path: Path
) -> None:
    # The process closed everything, opened files of its own and sent nothing
    # since: asked for its stack, it cannot answer, but must not write into them.
    run = _abuse(run_procs, "--variant", "close-fds-quiet-hang",
                 env={"CONCDEMO_TEST_OUT": str(tmp_path)})["close-fds-quiet-hang"]
    assert (run["outcome"], run["as_expected"]) == ("hang", True)
    written = {p.name: p.stat().st_size for p in tmp_path.glob("own-*.txt")}
    assert len(written) == 16
    assert [name for name, size in written.items() if size] == []


# --- events or checks that stopped arriving ---------------------------------------


def test_runs_whose_events_or_checks_stopped_arriving_are_not_as_expected(
    run_procs: RunProcesses,
) -> None:
    runs = _abuse(run_procs, "--variant", "os-exit", "--variant", "exec",
                  "--variant", "lost-channel", "--variant", "checks-lost")
    reasons = {name: {g["reason"] for g in run["incomplete"]} for name, run in runs.items()}
    assert reasons == {
        "os-exit": {"no-process-end"},
        "exec": {"no-process-end"},
        "lost-channel": {"no-process-end", "no-checks"},
        "checks-lost": {"no-checks"},
    }
    for name, run in runs.items():
        assert run["outcome"] == "ok", name  # each main process did exit with status 0
        assert not run["as_expected"], name
    assert runs["os-exit"]["_exit"] == 1
    # What did arrive is still shown: the check sent before os._exit, the event before exec.
    assert [c["what"] for c in runs["os-exit"]["checks"]] == ["reached the end"]
    assert "about to exec" in [e["kind"] for e in runs["exec"]["events"]]


def test_the_summary_says_why_a_run_is_not_as_expected() -> None:
    shown = cli("run", "abuse", "--variant", "os-exit", "--plain", fixtures=True)
    assert shown.returncode == 1
    assert "not as expected" in shown.stdout.lower()
    assert "events stopped arriving" in shown.stdout


# --- processes that end, exec, fork or stop on their own ---------------------------


def test_sigkill_and_a_hand_forked_orphan_are_reported_and_reaped(
    run_procs: RunProcesses,
) -> None:
    runs = _abuse(run_procs, "--variant", "kill-self", "--variant", "hand-fork")
    killed = runs["kill-self"]
    assert (killed["outcome"], killed["as_expected"]) == ("crash", True)
    assert killed["error"]["type"] == "SIGKILL"
    forked = runs["hand-fork"]
    assert (forked["outcome"], forked["as_expected"]) == ("ok", True)
    by_kind = {e["kind"]: e["pid"] for e in forked["events"]}
    assert by_kind["child says hello"] != by_kind["parent leaves"], "the fork has a pid of its own"
    # The orphan would sleep 30 s; the run must not wait for it (10 s leaves 20 s of margin).
    assert forked["wall_s"] < 10


def test_stopped_processes_end_as_a_hang_that_says_who_could_not_answer(
    run_procs: RunProcesses,
) -> None:
    started = time.monotonic()
    runs = _abuse(run_procs, "--variant", "stop-child", "--variant", "stop-main")
    took = time.monotonic() - started
    for name, stopped, blocked in (("stop-child", "Process-1", "MainProcess"),
                                   ("stop-main", "MainProcess", "Process-1")):
        run = runs[name]
        assert (run["outcome"], run["as_expected"]) == ("hang", True), name
        assert [u["process"] for u in run["unresponsive"]] == [stopped], name
        assert {s["process"] for s in run["stacks"]} == {blocked}, name
        # SIGINT (with SIGCONT) was enough: the stopped process woke up and unwound.
        assert run["signals_sent"] == ["SIGINT"], name
    # Two 1 s timeouts, a 0.25 s stack dump and a second of grace each, plus start-up;
    # a CLI that waited for the stopped processes to answer would take far longer.
    assert took < 30


def test_hundreds_of_processes_at_once_lose_no_event(run_procs: RunProcesses) -> None:
    runs = _abuse(run_procs, "--variant", "many", "--start-method", "fork",
                  "--param", "processes=300", "--param", "events=5")
    run = runs["many"]
    assert (run["outcome"], run["as_expected"]) == ("ok", True)
    kinds = Counter(e["kind"] for e in run["events"])
    assert kinds["hello"] == 300 * 5
    assert kinds["process-start"] == kinds["process-end"] == 301
    assert run["dropped_events"] == 0 and run["malformed_events"] == 0


# --- a reader that leaves early ------------------------------------------------------


def test_a_closed_stdout_ends_the_cli_quietly_with_141_and_reaps_the_run(
    run_procs: RunProcesses,
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env.update(run_procs.env, CONCDEMO_SCENARIO_PATH=str(FIXTURE_SCENARIOS))
    # `concdemo run abuse --variant many ... | head -3`, with the head written out:
    # hundreds of event lines follow the first three, so the CLI is mid-run when
    # its reader leaves.
    with watching(run_procs):
        proc = subprocess.Popen(
            [sys.executable, "-m", "concdemo", "run", "abuse", "--variant", "many",
             "--start-method", "fork", "--param", "processes=50", "--param", "events=50"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env,
        )
        assert proc.stdout is not None and proc.stderr is not None
        head = [proc.stdout.readline() for _ in range(3)]
        proc.stdout.close()
        err = proc.stderr.read().decode()
        status = proc.wait(timeout=60)
    assert all(head)
    assert status == 141, err
    assert err == "", "closing stdout is not an error worth a message"
    left = run_procs.wait_until_gone(GRACE_S)
    assert not left, f"left behind after the reader went away: {left}"
