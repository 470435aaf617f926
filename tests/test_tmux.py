"""The CLI in a real terminal: tmux runs it in a shell, the test reads the screen.

The command runs in an interactive bash inside a detached tmux session of a fixed
size, with this test's interpreter and environment; ``capture-pane -p`` gives the
screen as plain text. Each test has a tmux server of its own (a unique socket)
that is killed in the end, whatever happened.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest

from conftest import _CLEARED
from proctree import Proc, RunProcesses, describe, read, subreaper, watching

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
    pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed"),
]

WIDTH, HEIGHT = 120, 40
# Variables of the outer terminal (or of the other tests) that must not reach the CLI.
_DROPPED = (*_CLEARED, "TMUX", "TMUX_PANE", "TERMINAL_WIDTH", "_TYPER_FORCE_DISABLE_TERMINAL")
_ROW = re.compile(r"\d+\.\d{3}\s+(MainProcess|Process-\d+)\[\d+\]\s+\S+\s+\S+")


def _live_header(variant: str) -> re.Pattern[str]:
    """The live view's header: 'pipe · duplex · fork  [1/2]     0.3 s  12 events'."""
    return re.compile(
        rf"pipe · {variant} · \w+(?:\s+\[\d+/\d+\])?\s+(?P<elapsed>\d+\.\d) s\s+(?P<n>\d+) events?"
    )


class Tmux:
    def __init__(self) -> None:
        self.socket = f"concdemo-test-{uuid.uuid4().hex[:12]}"
        self.env = {k: v for k, v in os.environ.items() if k not in _DROPPED}
        self.env.update({"TERM": "xterm-256color", "HISTFILE": "/dev/null", "PS1": "$ "})
        self.pids: set[int] = set()  # the server and the pane's shell

    def __call__(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=20,
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == 0, f"tmux {' '.join(args)}: {done.stderr}"
        return done.stdout

    def start(self) -> None:
        shell = shlex.join(
            ["env", "TERM=xterm-256color", "PS1=$ ", "bash", "--norc", "--noprofile", "-i"]
        )
        self("new-session", "-d", "-s", "t", "-x", str(WIDTH), "-y", str(HEIGHT),
             "-c", os.getcwd(), shell)
        self.pids = {int(self("display-message", "-p", "-t", "t", f"#{{{name}}}"))
                     for name in ("pid", "pane_pid")}
        self.wait_for(lambda s: s.rstrip().endswith("$"), 20, "the shell's prompt")

    def type(self, command: str) -> None:
        self("send-keys", "-t", "t", "-l", command)
        self("send-keys", "-t", "t", "Enter")

    def screen(self, history: bool = False) -> str:
        extra = ["-S", "-"] if history else []
        return self("capture-pane", "-p", "-J", "-t", "t", *extra)

    def wait_for(self, found: Callable[[str], bool], seconds: float, what: str,
                 history: bool = False) -> str:
        deadline = time.monotonic() + seconds
        while True:
            text = self.screen(history)
            if found(text):
                return text
            if time.monotonic() >= deadline:
                pytest.fail(f"{what} not on screen within {seconds:g} s; screen:\n{text}")
            time.sleep(0.03)

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], env=self.env,
                       capture_output=True, timeout=20, check=False)


TmuxT = TypeVar("TmuxT", bound=Tmux)


@contextlib.contextmanager
def running(term: TmuxT) -> Iterator[TmuxT]:
    """``term`` started, then killed and reaped on every way out."""
    # As the subreaper, the test adopts the daemonised tmux server and the pane's
    # shell, so it reaps them itself instead of leaving them to PID 1.
    with subreaper():
        try:
            term.start()
            yield term
        finally:
            term.kill()
            _reap(term.pids)


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    with running(Tmux()) as term:
        yield term


def _reap(pids: set[int]) -> None:
    """Wait (a little) for our adopted children to end, and collect them."""
    me, deadline = os.getpid(), time.monotonic() + 5
    left = set(pids)
    while left and time.monotonic() < deadline:
        for pid in list(left):
            proc = read(pid)
            if proc is None:
                left.discard(pid)
            elif proc.zombie and proc.ppid == me:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, 0)
                left.discard(pid)
        time.sleep(0.05)


@pytest.fixture
def run_procs() -> Iterator[RunProcesses]:
    procs = RunProcesses()
    try:
        yield procs
    finally:
        procs.kill_and_reap()


def _command(procs: RunProcesses, *args: str) -> str:
    """The CLI with this test's interpreter; only the CLI (not the shell) carries the tag."""
    cli = shlex.join([procs.assignment, sys.executable, "-m", "concdemo", *args])
    return f"{cli}; echo EXIT=$?"


def _exit_status(text: str) -> str | None:
    match = re.search(r"^EXIT=(\d+)", text, re.MULTILINE)
    return match[1] if match else None


def test_run_pipe_in_a_terminal(tmux: Tmux, run_procs: RunProcesses) -> None:
    tmux.type(_command(run_procs, "run", "pipe"))
    header = _live_header(r"(duplex|producer-consumer)")
    with watching(run_procs):
        # The live table, seen while the CLI still runs (no EXIT line yet).
        live = tmux.wait_for(
            lambda s: _exit_status(s) is None and bool(header.search(s)) and bool(_ROW.search(s)),
            30,
            "the live table (header with an event count, event rows) while the CLI runs",
        )
        assert re.search(r"t \(s\)\s+process\s+thread/greenlet\s+event\s+detail", live), live
        end = tmux.wait_for(lambda s: _exit_status(s) is not None, 60, "EXIT=", history=True)
    assert _exit_status(end) == "0", end
    # Both default variants were drawn live: their last frames stay above the summaries.
    for variant in ("duplex", "producer-consumer"):
        frame = _live_header(variant).search(end)
        assert frame and int(frame["n"]) > 0, f"no live frame of {variant}:\n{end}"
    assert "== pipe" not in end, "the plain view was used in a real terminal"
    screen = tmux.screen()
    assert "as expected" in screen, screen
    assert "NOT as expected" not in end, end
    assert "what you just saw" in screen, screen
    assert re.search(r"2 runs: 2 as expected, 0 not", screen), screen
    left = run_procs.wait_until_gone(3.0)
    assert not left, f"processes of the run are left:\n{describe(left)}"


def _run_pids(procs: RunProcesses) -> tuple[list[Proc], list[Proc]]:
    """(the CLI, the run's processes) among the live tagged processes."""
    tagged = procs.observe()
    pids = {p.pid for p in tagged}
    clis = [p for p in tagged if p.ppid not in pids]
    return clis, [p for p in tagged if p not in clis]


def test_ctrl_c_stops_a_hung_run(tmux: Tmux, run_procs: RunProcesses) -> None:
    tmux.type(
        _command(run_procs, "run", "pipe", "--variant", "forgot-close", "--timeout", "30")
    )
    header = _live_header("forgot-close")
    joined = re.compile(r"MainProcess\[\d+\]\s+MainThread\s+join\b")
    first = tmux.wait_for(
        lambda s: bool(header.search(s)) and bool(joined.search(s)),
        30,
        "the hung run's live table with the main process in join()",
    )
    # Still live: the elapsed time in the header keeps moving while the run hangs.
    shown = header.search(first)
    assert shown is not None
    start = float(shown["elapsed"])
    tmux.wait_for(
        lambda s: (m := header.search(s)) is not None and float(m["elapsed"]) >= start + 0.3,
        10,
        "the header's clock moving on",
    )
    clis, running = _run_pids(run_procs)
    assert len(clis) == 1, f"one CLI process:\n{describe(clis)}"
    assert len(running) >= 2, f"the main process and the consumer run:\n{describe(running)}"
    assert _exit_status(tmux.screen(history=True)) is None, "the CLI ended before Ctrl-C"

    tmux("send-keys", "-t", "t", "C-c")
    end = tmux.wait_for(lambda s: _exit_status(s) is not None, 15, "EXIT= after Ctrl-C",
                        history=True)
    assert _exit_status(end) == "130", end
    assert "Interrupted: every process of the run was stopped." in end, end
    left = run_procs.wait_until_gone(3.0)
    assert not left, (
        f"after Ctrl-C, processes of the run are left:\n{describe(left)}\n"
        f"the run had:\n{describe(running)}"
    )



def _events_shown(screen: str, variant: str) -> int:
    found = re.compile(
        rf"greenlet · {variant} · \w+\s+(?P<elapsed>\d+\.\d) s\s+(?P<n>\d+) events?"
    ).findall(screen)
    assert found, screen
    return int(found[-1][1])


def test_step_mode_waits_for_each_keypress(tmux: Tmux, run_procs: RunProcesses) -> None:
    tmux.type(_command(run_procs, "run", "greenlet", "--variant", "switch", "--step"))
    first = tmux.wait_for(lambda s: "step mode: Enter = next event" in s
                                         and re.search(r"\s[1-9]\d* events?\b", s) is not None,
                          30, "the step-mode hint under the live table")
    shown = _events_shown(first, "switch")
    time.sleep(1.0)  # the scenario really waits: nothing new arrives by itself
    assert _events_shown(tmux.screen(), "switch") == shown
    tmux("send-keys", "-t", "t", "Enter")
    after = tmux.wait_for(lambda s: _events_shown(s, "switch") > shown, 10, "one more event")
    # One keypress lets one process go: at most its next event, plus one from a
    # process that had already sent its own and was waiting too.
    assert _events_shown(after, "switch") <= shown + 2
    tmux("send-keys", "-t", "t", "c")  # continue freely to the end
    end = tmux.wait_for(lambda s: _exit_status(s) is not None, 30, "EXIT=", history=True)
    assert _exit_status(end) == "0", end
    assert "as expected" in end and "NOT as expected" not in end
    assert not run_procs.wait_until_gone(3.0)


def test_step_mode_q_stops_the_run(tmux: Tmux, run_procs: RunProcesses) -> None:
    tmux.type(_command(run_procs, "run", "pipe", "--variant", "duplex", "--step"))
    tmux.wait_for(lambda s: "step mode: Enter = next event" in s, 30, "the step-mode hint")
    tmux("send-keys", "-t", "t", "q")
    end = tmux.wait_for(lambda s: _exit_status(s) is not None, 15, "EXIT= after q",
                        history=True)
    assert _exit_status(end) == "130", end
    assert "Stopped: every process of the run was stopped." in end, end
    left = run_procs.wait_until_gone(3.0)
    assert not left, f"after q, processes of the run are left:\n{describe(left)}"


def test_picker_runs_the_choice_then_quits(tmux: Tmux, run_procs: RunProcesses) -> None:
    tmux.type(_command(run_procs))
    tmux.wait_for(lambda s: "Scenarios" in s and re.search(r"Scenario \(\d\):", s) is not None,
                  30, "the scenario menu")
    tmux.type("pipe")
    tmux.wait_for(lambda s: "Variants of pipe" in s and "Variant (d):" in s, 10,
                  "the variant menu")
    tmux.type("duplex")
    tmux.wait_for(lambda s: "Start method" in s and re.search(r"Start method \(\d\):", s)
                  is not None, 10, "the start-method menu")
    tmux.type("")  # the platform's default
    tmux.wait_for(lambda s: "Next:" in s, 60, "the run, then the next-step prompt",
                  history=True)
    screen = tmux.screen(history=True)
    assert re.search(r"as expected .*pipe · duplex", screen), screen
    tmux.type("q")
    end = tmux.wait_for(lambda s: _exit_status(s) is not None, 10, "EXIT= after q",
                        history=True)
    assert _exit_status(end) == "0", end
    assert not run_procs.wait_until_gone(3.0)


def test_dumb_terminal_gets_plain_lines(tmux: Tmux, run_procs: RunProcesses) -> None:
    tmux.type("TERM=dumb " + _command(run_procs, "run", "pipe", "--variant", "duplex"))
    end = tmux.wait_for(lambda s: _exit_status(s) is not None, 60, "EXIT=", history=True)
    assert _exit_status(end) == "0", end
    assert "== pipe · duplex" in end  # the line-per-event view, not the live table
    assert not _live_header("duplex").search(end)


def test_no_color_draws_the_live_table_without_colours(
    tmux: Tmux, run_procs: RunProcesses
) -> None:
    tmux.type("NO_COLOR=1 " + _command(run_procs, "run", "pipe", "--variant", "duplex"))
    end = tmux.wait_for(lambda s: _exit_status(s) is not None, 60, "EXIT=", history=True)
    assert _live_header("duplex").search(end)  # still the live view
    coloured = tmux("capture-pane", "-p", "-e", "-S", "-", "-t", "t")
    # SGR colour codes (30-37, 90-97, 38;5;n) never appear; bold or reverse may.
    assert not re.search(r"\x1b\[[0-9;]*(3[0-8]|9[0-7])[;m]", coloured), coloured[:2000]


def test_run_an_unmodified_script_in_a_terminal(tmux: Tmux, run_procs: RunProcesses) -> None:
    script = os.path.join(os.path.dirname(__file__), "fixtures", "scripts", "queue_passed.py")
    tmux.type(_command(run_procs, "run", script))
    header = re.compile(r"script · \S*queue_passed\.py · \w+\s+(?P<elapsed>\d+\.\d) s\s+\d+ events")
    with watching(run_procs):
        end = tmux.wait_for(lambda s: _exit_status(s) is not None, 60, "EXIT=", history=True)
    assert _exit_status(end) == "0", end
    assert header.search(end), f"no live frame of the script:\n{end}"
    assert "== script" not in end, "the plain view was used in a real terminal"
    screen = tmux.screen()
    assert "as expected" in screen and "NOT as expected" not in end, end
    # The script's own prints and the put→get links, shown without any probe code in it.
    assert "got item-0" in end, end
    assert "put→get ×3" in screen, screen
    left = run_procs.wait_until_gone(3.0)
    assert not left, f"processes of the run are left:\n{describe(left)}"


def test_step_mode_steps_through_a_traced_script(tmux: Tmux, run_procs: RunProcesses) -> None:
    script = os.path.join(os.path.dirname(__file__), "fixtures", "scripts", "greenlet_pingpong.py")
    tmux.type(_command(run_procs, "run", script, "--step"))
    count = re.compile(r"greenlet_pingpong\.py · \w+\s+\d+\.\d s\s+(?P<n>\d+) events?")

    def shown(screen: str) -> int:
        found = count.findall(screen)
        assert found, screen
        return int(found[-1])

    first = tmux.wait_for(
        lambda s: "step mode: Enter = next event" in s and bool(count.search(s)) and shown(s) > 0,
        30,
        "the step-mode hint and the script's first event (it waits there)",
    )
    before = shown(first)
    time.sleep(1.0)  # the traced script really waits at its event: nothing new arrives
    assert shown(tmux.screen()) == before
    tmux("send-keys", "-t", "t", "Enter")
    tmux.wait_for(lambda s: shown(s) == before + 1, 10, "exactly one more event")
    tmux("send-keys", "-t", "t", "c")
    end = tmux.wait_for(lambda s: _exit_status(s) is not None, 30, "EXIT=", history=True)
    assert _exit_status(end) == "0", end
    assert not run_procs.wait_until_gone(3.0)
