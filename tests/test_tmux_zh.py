"""The Chinese screens in a real 80-column terminal: nothing runs past the edge.

Chinese characters take two cells each; a renderer that counts characters
instead of cells writes lines the terminal must wrap. ``capture-pane -J`` joins
such wrapped lines back, so every captured line wider than 80 cells is a line
the program wrote too wide. The screens also must not fall back to English
headings, nor cut a word short with "…".
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from collections.abc import Iterator

import pytest
from rich.cells import cell_len
from test_tmux import Tmux, _exit_status, pytestmark, running  # noqa: F401  (the tmux marks)

from proctree import RunProcesses

COLUMNS = 80
CJK = re.compile(r"[\u4e00-\u9fff]")


class NarrowTmux(Tmux):
    def start(self) -> None:
        shell = shlex.join(
            ["env", "TERM=xterm-256color", "PS1=$ ", "bash", "--norc", "--noprofile", "-i"]
        )
        self(
            "new-session", "-d", "-s", "t", "-x", str(COLUMNS), "-y", "50", "-c", os.getcwd(), shell
        )
        self.pids = {
            int(self("display-message", "-p", "-t", "t", f"#{{{name}}}"))
            for name in ("pid", "pane_pid")
        }
        self.wait_for(lambda s: s.rstrip().endswith("$"), 20, "the shell's prompt")


@pytest.fixture
def narrow() -> Iterator[NarrowTmux]:
    with running(NarrowTmux()) as term:
        yield term


@pytest.fixture
def run_procs() -> Iterator[RunProcesses]:
    procs = RunProcesses()
    try:
        yield procs
    finally:
        procs.kill_and_reap()


def _screen_of(term: NarrowTmux, procs: RunProcesses, *args: str, seconds: float = 60) -> str:
    command = shlex.join([procs.assignment, sys.executable, "-m", "concdemo", *args])
    term.type("clear; " + command + "; echo EXIT=$?")
    return term.wait_for(lambda s: _exit_status(s) is not None, seconds, "EXIT=", history=True)


def _too_wide(screen: str) -> list[str]:
    return [f"{cell_len(line):3} {line}" for line in screen.split("\n") if cell_len(line) > COLUMNS]


SCREENS = [
    (["list", "--lang", "zh"], "concdemo 场景", ("scenarios (* = run by default)",)),
    (["show", "pool", "--lang", "zh"], "参数", ("parameters", "what it teaches", "tasks handed")),
    (
        ["show", "queue", "--variant", "global-queue", "--lang", "zh"],
        "文章的说法",
        ("The article's claim", "What a run shows", "A module-level Queue"),
    ),
    (["run", "--help", "--lang", "zh"], "用法：concdemo run", ("Usage:", "Options:")),
]


@pytest.mark.parametrize(("args", "expected", "english"), SCREENS, ids=lambda a: "")
def test_chinese_screens_fit_80_columns(
    narrow: NarrowTmux,
    run_procs: RunProcesses,
    args: list[str],
    expected: str,
    english: tuple[str, ...],
) -> None:
    screen = _screen_of(narrow, run_procs, *args)
    assert expected in screen, screen
    assert not _too_wide(screen), "\n".join(_too_wide(screen))
    for text in english:
        assert text not in screen, text
    # "…" only where the text itself has it (ranges such as 1…100000), never a cut word.
    assert not re.search(r"\S…(?!\d)|[^\d\s]…", screen.replace("… ", "")), screen


def test_a_usage_error_in_chinese_is_one_line(narrow: NarrowTmux, run_procs: RunProcesses) -> None:
    # One logical line by contract (cli.md): the terminal, not the program, wraps it, and a
    # terminal wraps double-width characters whole. -J joins it back into one line.
    screen = _screen_of(narrow, run_procs, "run", "pip", "--lang", "zh")
    lines = [line for line in screen.split("\n") if line.strip()]
    assert lines[0].startswith("错误：没有名为 'pip' 的场景。你是不是想用 'pipe'？")
    assert lines[0].endswith("运行 `concdemo list` 可以看到所有场景。")
    assert lines[1] == "EXIT=2"


def test_a_run_in_chinese_fits_80_columns(narrow: NarrowTmux, run_procs: RunProcesses) -> None:
    screen = _screen_of(
        narrow, run_procs, "run", "pipe", "--variant", "producer-consumer", "--lang", "zh"
    )
    assert _exit_status(screen) == "0", screen
    for heading in ("符合预期", "刚才发生了什么", "各进程的事件数", "时间线", "实际耗时"):
        assert heading in screen, heading
    for english in ("what you just saw", "as expected", "events per process", "timeline"):
        assert english not in screen, english
    assert not _too_wide(screen), "\n".join(_too_wide(screen))
    # The explanation panel is whole: every one of its lines ends on the panel's edge.
    panel = [line for line in screen.split("\n") if line.startswith("│")]
    assert len(panel) > 2 and all(line.endswith("│") for line in panel), "\n".join(panel)
    assert all(cell_len(line) == COLUMNS for line in panel), "\n".join(panel)


def test_verify_in_chinese_fits_80_columns(narrow: NarrowTmux, run_procs: RunProcesses) -> None:
    screen = _screen_of(
        narrow, run_procs, "verify", "pipe", "--start-method", "fork", "--lang", "zh", seconds=120
    )
    assert _exit_status(screen) == "0", screen
    assert "文章的说法，在这台机器上的检验" in screen and "Pipe() 是全双工的" in screen
    assert "注：文章中的" in screen  # P7's correction, in Chinese
    assert "共 9 个说法：9 个符合预期" in screen
    assert not _too_wide(screen), "\n".join(_too_wide(screen))
    table = [line for line in screen.split("\n") if line and line[0] in "┏┃┡│├└"]
    assert len({cell_len(line) for line in table}) == 1, "\n".join(table)
