"""--lang / CONCDEMO_LANG: the screens in Chinese, JSON in English, tables still aligned."""

from __future__ import annotations

import itertools
import json
import re

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from concdemo import i18n
from concdemo.catalogue import catalog, verdicts
from concdemo.catalogue.claims import claim_text
from concdemo.catalogue.run_spec import RunSpec
from concdemo.catalogue.texts import narration_text, scenario_text, variant_text
from concdemo.commands import report
from concdemo.core import stepper
from concdemo.core.runner import RunResult
from concdemo.i18n import Message, active_lang, set_lang, tr
from concdemo.render.compare import comparison_table
from concdemo.render.prose import Prose, break_offsets, prose, tokens
from concdemo.render.verify import render as render_verify
from concdemo.study import compare
from concdemo.study import verify as verifying

from conftest import cli, validate

CJK = re.compile(r"[\u4e00-\u9fff]")
BOX = re.compile(r"[│┃╭╮╰╯─━┏┓┗┛┡┩└┘├┤┼╇╈┳┻╋]")
NO_LINE_START = "，。、；：！？）」』》"


def _squeezed(text: str) -> str:
    """The text without box drawing and white space: what survives any wrapping."""
    return re.sub(r"\s+", "", BOX.sub("", text))


def _render(renderable: object, width: int) -> list[str]:
    console = Console(width=width, color_system=None, force_terminal=False, legacy_windows=False)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get().rstrip("\n").split("\n")


def _zh_explanation(variant: str) -> str:
    return variant_text(catalog.get("pipe").variant(variant), "zh")[1]


# --- the active language -----------------------------------------------------


def test_english_is_the_default_and_set_lang_switches() -> None:
    assert active_lang() == "en"
    assert tr("what_you_just_saw") == "what you just saw"
    set_lang("zh")
    assert active_lang() == "zh"
    assert tr("what_you_just_saw") == "刚才发生了什么"
    assert tr("totals", runs=2, good=2, bad=0) == "共 2 次运行：2 次符合预期，0 次不符合"
    with pytest.raises(ValueError):
        set_lang("fr")
    assert active_lang() == "zh"  # a refused value changes nothing


def test_messages_stay_english_where_stored_and_show_translated() -> None:
    where = Message("compare_where", variant="duplex", start_method="spawn", n=2)
    warning = Message("compare_ended", where=where, outcome="hang", expected="ok")
    assert warning == "duplex (spawn) sample 2 ended hang, expected ok."
    assert json.loads(json.dumps([warning])) == [str(warning)]
    assert i18n.shown(warning) == str(warning)
    set_lang("zh")
    assert warning.shown() == "duplex（spawn）第 2 个样本 的结果是 挂起，预期为 正常。"
    assert i18n.shown("plain text") == "plain text"
    import copy
    import pickle

    assert pickle.loads(pickle.dumps(warning)).shown() == warning.shown()
    assert copy.deepcopy(warning).key == "compare_ended"


def test_verdict_headlines_in_both_languages() -> None:
    methods = ["fork", "spawn", "forkserver"]
    assert verdicts.headline("Q1", True, methods) == "holds only under spawn, forkserver"
    assert verdicts.headline("Q1", True, methods, "zh") == "仅在 spawn, forkserver 下成立"
    assert verdicts.headline("P1", False, methods, "zh") == "失败"
    assert verdicts.headline("GE8", True, methods, "zh") == "文章已过时"


def test_step_hint_and_tour_follow_the_language() -> None:
    from concdemo.commands import tour

    assert stepper.hint().startswith("step mode")
    set_lang("zh")
    assert stepper.hint().startswith("单步模式")
    stops = tour.stops(quick=True)
    for stop in stops:
        if stop.scenario.name in tour.NARRATION:
            english = tour.NARRATION[stop.scenario.name]
            assert stop.narration == narration_text(stop.scenario, english, "zh") != english
    lines = _render(tour.narration(stops[0], 1, len(stops))[1], 80)
    assert scenario_text(stops[0].scenario, "zh")[0][:6] in lines[0]
    pipe = narration_text(catalog.get("pipe"), tour.NARRATION["pipe"], "zh")
    assert 3.0 < tour.reading_time(pipe) <= 6.0  # counted in characters


# --- Chinese prose wraps between characters -----------------------------------


@pytest.mark.parametrize("width", [12, 20, 33, 60])
def test_prose_wraps_chinese_without_losing_text_or_breaking_before_punctuation(
    width: int,
) -> None:
    text = _zh_explanation("producer-consumer")
    lines = _render(Prose(text), width)
    assert all(cell_len(line) <= width for line in lines)
    assert not any(line.lstrip()[:1] in NO_LINE_START for line in lines[1:]), lines
    assert _squeezed("".join(lines)) == _squeezed(text)
    # Lines are filled: a line breaks only where the next one's first unit would not fit.
    for line, following in itertools.pairwise(lines):
        start, end = tokens(following)[0]
        first = following[start:end].rstrip()
        assert cell_len(line.rstrip()) + cell_len(first) > width - 1, (line, following)


def test_prose_breaks_between_chinese_and_latin_words() -> None:
    line = "默认 Pipe() 的两端都能发送和接收。子进程（child）在它那一端写入"
    pieces, start = [], 0
    for end in [*break_offsets(line, 20), len(line)]:
        pieces.append(line[start:end])
        start = end
    assert pieces[0] == "默认 Pipe() 的两端都"
    assert "（child）" in "".join(p for p in pieces if "child" in p)  # kept together


def test_prose_is_plain_text_in_english() -> None:
    assert type(prose("The same bun example")).__name__ == "Text"
    set_lang("zh")
    assert isinstance(prose("同样的包子示例"), Prose)


def test_chinese_cells_in_a_table_stay_aligned_and_whole() -> None:
    set_lang("zh")
    table = Table()
    table.add_column("场景", no_wrap=True)
    table.add_column("标题", overflow="fold")
    titles = []
    for scenario in catalog.load().values():
        title = scenario_text(scenario, "zh")[0]
        titles.append(title)
        table.add_row(scenario.name, Prose(title))
    lines = _render(table, 50)
    assert len({cell_len(line) for line in lines}) == 1
    assert "…" not in "".join(lines)
    shown = "".join(line.split("│")[2] for line in lines if line.count("│") == 3)
    assert _squeezed(shown) == _squeezed("".join(titles))


def test_a_chinese_panel_stays_aligned() -> None:
    set_lang("zh")
    text = _zh_explanation("forgot-close")
    lines = _render(Panel(prose(text), title=tr("what_you_just_saw")), 70)
    assert len({cell_len(line) for line in lines}) == 1


# --- verify and compare on screen ---------------------------------------------

METHODS = ["fork", "spawn", "forkserver"]


def _attempt(scenario: str, variant: str, method: str, outcome: str) -> verifying.Attempted:
    found = catalog.get(scenario).variant(variant)
    assert found is not None
    spec = RunSpec(found, method, {}, 5.0)
    return verifying.Attempted(RunResult(spec, outcome, 0.5, [], 0, main_pid=1))


def _verification() -> verifying.Verification:
    outcomes = {"fork": "ok", "spawn": "hang", "forkserver": "hang"}
    attempts = [
        *(_attempt("queue", "global-queue", m, o) for m, o in outcomes.items()),
        *(_attempt("event-loop", "backends", m, "ok") for m in METHODS),
        _attempt("pipe", "duplex", "fork", "hang"),
    ]
    claims = verifying.judge(attempts, METHODS)
    return verifying.Verification(claims, METHODS, {"pool": {"delay": (0.05, 0.1)}}, 3.0, 7)


def test_verify_table_in_chinese_keeps_its_shape_and_json_stays_english() -> None:
    verification = _verification()
    set_lang("zh")
    lines = _render(render_verify(verification), 100)
    text = "\n".join(lines)
    table = [line for line in lines if line[:1] in "┏┃┡│├└"]
    assert len({cell_len(line) for line in table}) == 1, "\n".join(table)
    for expected in ("文章的说法，在这台机器上的检验", "结论", "失败", "文章已过时", "挂起 ✓"):
        assert expected in text, expected
    assert "Pipe() 是全双工的" in text
    assert "默认 0.1" in text
    assert "✗ duplex · fork：结果是 挂起，" in text  # why P1 failed, in Chinese
    assert "注：已过时：gevent" in text
    doc = report.verify_doc(verification)
    validate(doc, "verify-1")
    by_id = {c["id"]: c for c in doc["claims"]}
    assert by_id["GE8"]["verdict"] == "article out of date"
    assert by_id["P1"]["verdict"] == "FAILED" and by_id["P1"]["claim"].startswith("Pipe()")
    assert by_id["P1"]["problems"] == ["duplex · fork: ended hang, expected ok"]


def test_compare_warnings_translated_on_screen_english_in_json() -> None:
    noisy = compare.Series("apply", "fork", "apply", 4.7, [4.8, 4.9, 6.3])
    warnings = compare._spread_warnings([noisy])
    result = compare.Comparison("pool", 3, 1, [noisy], warnings)
    set_lang("zh")
    text = "\n".join(_render(comparison_table(result), 100))
    assert "警告：apply apply（fork）：标准差" in text and "中位数" in text
    assert "noisy" in report.compare_doc(result)["warnings"][0]


# --- the real CLI -------------------------------------------------------------

ENGLISH_HEADINGS = ("The article's claim", "Expected outcome", "What a run shows", "ok  spawn")


def test_show_variant_in_chinese() -> None:
    result = cli("show", "pipe", "--variant", "duplex", "--lang", "zh")
    assert result.returncode == 0, result.stderr
    shown = _squeezed(result.stdout)
    assert _squeezed(variant_text(catalog.get("pipe").variant("duplex"), "zh")[0]) in shown
    assert _squeezed(claim_text("P1", "zh")) in shown
    assert "文章的说法" in result.stdout and "预期结果" in result.stdout
    for heading in ENGLISH_HEADINGS:
        assert heading not in result.stdout, heading


def test_run_with_concdemo_lang_in_the_environment() -> None:
    result = cli("run", "pipe", "--variant", "duplex", "--plain", env={"CONCDEMO_LANG": "zh"})
    assert result.returncode == 0, result.stderr
    for heading in ("刚才发生了什么", "符合预期", "各进程的事件数", "时间线", "实际耗时"):
        assert heading in result.stdout, heading
    for english in ("what you just saw", "as expected", "events per process", "wall "):
        assert english not in result.stdout, english


def test_lang_option_beats_the_environment() -> None:
    result = cli("list", "--lang", "en", env={"CONCDEMO_LANG": "zh"})
    assert result.returncode == 0 and "concdemo scenarios" in result.stdout


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["run", "pipe", "--lang", "fr"], {}),
        (["list", "--lang", "fr"], {}),
        (["show", "pipe"], {"CONCDEMO_LANG": "fr"}),
        (["run", "pipe", "--json", "--lang", "fr"], {}),
    ],
)
def test_an_unknown_language_is_one_line_and_exit_2(args: list[str], env: dict[str, str]) -> None:
    result = cli(*args, env=env)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "'fr'" in lines[0] and "zh" in lines[0], result.stderr


def test_json_never_changes_language() -> None:
    result = cli("run", "pipe", "--variant", "duplex", "--json", "--lang", "zh")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    validate(doc, "run-1")
    assert {r["outcome"] for r in doc["runs"]} == {"ok"}
    assert {r["expected"] for r in doc["runs"]} == {"ok"}
    assert not CJK.search(json.dumps([r["outcome"] for r in doc["runs"]], ensure_ascii=False))
    listed = cli("list", "--json", "--lang", "zh")
    assert listed.returncode == 0
    pipe = next(s for s in json.loads(listed.stdout)["scenarios"] if s["name"] == "pipe")
    assert pipe["title"] == catalog.get("pipe").title


def test_list_in_chinese_is_aligned_at_width_100() -> None:
    result = cli("list", "--lang", "zh", env={"COLUMNS": "100"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.rstrip("\n").split("\n")
    assert lines[0].startswith("concdemo 场景")
    table = lines[1:]
    widths = {cell_len(line) for line in table}
    assert len(widths) == 1, "\n".join(f"{cell_len(line):3} {line}" for line in table)
    assert widths.pop() <= 100
    assert "…" not in result.stdout  # no title was cut short
    # The title column, read down the rows: every Chinese title, whole.
    column = "".join(line.split("│")[2] for line in table if line.count("│") == 5)
    titles = "".join(scenario_text(s, "zh")[0] for s in catalog.load().values())
    assert _squeezed(column) == _squeezed(titles)


def test_help_names_the_lang_option() -> None:
    for command in ("list", "show", "run", "compare", "verify", "tour", "bench"):
        result = cli(command, "--help")
        assert "--lang" in result.stdout and "CONCDEMO_LANG" in result.stdout, command


# --- --help and usage errors in Chinese -----------------------------------------------


@pytest.mark.parametrize("command", ["", "run", "verify", "show", "compare", "list"])
def test_help_in_chinese_fits_80_columns(command: str) -> None:
    args = [command] if command else []
    result = cli(*args, "--help", "--lang", "zh", env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.rstrip("\n").split("\n")
    assert lines[0].startswith("用法：concdemo")
    assert "选项：" in lines and "显示此帮助信息并退出。" in result.stdout
    too_wide = [f"{cell_len(line):3} {line}" for line in lines if cell_len(line) > 78]
    assert not too_wide, "\n".join(too_wide)
    for english in ("Usage:", "Options:", "Show this message", "Print one JSON"):
        assert english not in result.stdout, english
    # Every help sentence came through whole: squeezed, the Chinese is all there.
    english_help = cli(*args, "--help", env={"COLUMNS": "80"}).stdout
    assert english_help.startswith("Usage: concdemo")


def test_help_follows_concdemo_lang_and_lang_beats_it() -> None:
    zh = cli("run", "--help", env={"CONCDEMO_LANG": "zh"})
    assert "用法：" in zh.stdout and "运行一个场景的变体" in zh.stdout
    en = cli("run", "--help", "--lang", "en", env={"CONCDEMO_LANG": "zh"})
    assert en.stdout.startswith("Usage:") and not CJK.search(en.stdout)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "pip"], "没有名为 'pip' 的场景。你是不是想用 'pipe'？"),
        (["run", "pipe", "--param", "items=lots"], "参数 'items' 要的是整数（int），而不是 'lots'"),
        (
            ["run", "pipe", "--param", "itemz=3"],
            "场景 'pipe' 没有参数 'itemz'。你是不是想用 'items'？",
        ),
        (["run", "pipe", "--start-method", "forks"], "未知的启动方式 'forks'。"),
        (["run", "pipe", "--svg", "/no/such/dir/p.svg"], "目录 /no/such/dir 不存在"),
        (
            ["run", "gevent-crawler", "--param", "url=ftp://x"],
            "参数 'url' 的值 'ftp://x' 用的是 'ftp:'，爬虫无法抓取",
        ),
        pytest.param(  # the pattern in words comes from the scenario's own zh.py
            ["run", "cluster", "--param", "scheduler=localhost:8786"],
            "参数 'scheduler' 的值 'localhost:8786' 不符合要求，应为：none 或 tcp://HOST:PORT",
            marks=pytest.mark.skipif(
                catalog.get("cluster").missing_extra, reason="needs the cluster extra"
            ),
        ),
    ],
)
def test_usage_errors_in_chinese(args: list[str], expected: str) -> None:
    result = cli(*args, "--lang", "zh")
    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("错误：") and expected in line, line
    english = cli(*args)
    assert not CJK.search(english.stderr) and english.stderr.startswith("Error: ")


def test_verify_figures_in_chinese_and_english() -> None:
    from concdemo.core.events import Event
    from concdemo.render.verify import figure_text

    sweep = catalog.get("pool").variant("cpu-sweep")
    events = [
        Event(
            1.0,
            1,
            "MainProcess",
            "MainThread",
            "speedup",
            {"workers": w, "cores": 2, "speedup": s, "cores_busy": b},
        )
        for w, s, b in ((2, 1.8, 1.93), (3, 1.7, 1.91))
    ]
    result = RunResult(RunSpec(sweep, "fork", {}, 60.0), "ok", 5.0, events, 0, main_pid=1)
    (claim,) = verifying.judge([verifying.Attempted(result)], ["fork"])
    busy, speedup = claim.figures[0], claim.figures[2]
    assert figure_text(busy, ["fork"]) == "cores busy, 2 workers 1.93 / 2.00"
    assert figure_text(speedup, ["fork"]) == "speedup, 2 workers 1.80× / 2.00×"
    assert report.claim_json(claim)["figures"][0]["label"] == "cores busy, 2 workers"
    set_lang("zh")
    assert figure_text(busy, ["fork"]) == "忙碌的核心数，2 个工作进程 1.93 / 2.00"
    assert figure_text(speedup, ["fork"]) == "加速比，2 个工作进程 1.80× / 2.00×"


def test_clicks_own_usage_errors_in_chinese() -> None:
    from concdemo.commands.cli_help import click_error

    cases = {
        "No such option: --bogus": "没有这个选项：--bogus",
        "No such option: --varient (Possible options: --plain, --variant)": (
            "没有这个选项：--varient（可用的选项：--plain, --variant）"
        ),
        "Missing argument 'scenario'.": "缺少参数 'scenario'。",
        "No such command 'runn'. Did you mean 'run'?": "没有这个命令 'runn'。你是不是想用 'run'？",
        "Option '--timeout' requires an argument.": "选项 '--timeout' 需要一个值。",
        "Invalid value for '--timeout': 'abc' is not a valid float.": (
            "'--timeout' 的值无效：'abc' 不是有效的 float。"
        ),
        "Got unexpected extra argument(s) (extra)": "多余的参数（extra）",
        "Something click says that we do not know": "Something click says that we do not know",
    }
    wrong = {en: click_error(en, "zh") for en in cases if click_error(en, "zh") != cases[en]}
    assert not wrong, wrong
    result = cli("run", "pipe", "--bogus", "--lang", "zh")
    assert result.returncode == 2 and result.stdout == ""
    assert "错误：没有这个选项：--bogus" in result.stderr and "用法：concdemo run" in result.stderr
    assert "Error" not in result.stderr and "Try '" not in result.stderr


def test_a_failed_pattern_check_in_chinese_keeps_the_scenarios_own_words() -> None:
    from concdemo.base.errors import UsageError
    from concdemo.catalogue import validators
    from concdemo.i18n import error_text

    param = catalog.Param(name="size", type="str", default="64k", help="", pattern=r"[0-9]+[kM]")
    with pytest.raises(UsageError) as caught:
        validators.validate(param, "12G")
    english = "Parameter 'size' value '12G' is not a value matching [0-9]+[kM]"
    assert error_text(caught.value).startswith(english)
    set_lang("zh")
    assert error_text(caught.value).startswith(
        "参数 'size' 的值 '12G' 不符合要求，应为：与 [0-9]+[kM]"
    )
