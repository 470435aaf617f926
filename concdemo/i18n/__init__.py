"""The user interface in English (the default) or Chinese, the article's own language.

``--lang zh`` or ``CONCDEMO_LANG=zh`` picks Chinese. Every string a renderer
shows lives in ``MESSAGES`` under a short id, in both languages; values may hold
``{name}`` placeholders for ``str.format``; messages with a count have plural forms
in ``PLURALS`` (``tn``). Longer texts are kept with a hash of their English source:
the claims, verdict notes and ``--help`` through ``concdemo.i18n.core``, the scenarios'
own texts next to each scenario (``concdemo.catalogue.texts``). JSON output never
changes language: it is for programs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from concdemo.base.errors import UsageError, closest

LANGS = ("en", "zh")
DEFAULT_LANG = "en"
ENV_LANG = "CONCDEMO_LANG"


def current_lang(explicit: str | None = None) -> str:
    """``--lang`` wins, then ``CONCDEMO_LANG`` (empty counts as unset), then English."""
    if explicit is not None:
        value, source = explicit, "--lang"
    else:
        value, source = os.environ.get(ENV_LANG, ""), ENV_LANG
        if not value.strip():
            return DEFAULT_LANG
    lang = value.strip().lower()
    if lang in LANGS:
        return lang
    raise UsageError(
        f"Unknown language '{value}' in {source}.{did_you_mean(lang, LANGS)}"
        f" Use one of: {', '.join(LANGS)}."
    )


_active = DEFAULT_LANG


def set_lang(lang: str) -> None:
    """The language this process shows (the CLI sets it once, from ``current_lang``)."""
    global _active
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; one of {LANGS}")
    _active = lang


def active_lang() -> str:
    """The language set with ``set_lang``; English until then."""
    return _active


def _m(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh": zh}


# Grouped by the screen that shows them; the English is today's text.
MESSAGES: dict[str, dict[str, str]] = {
    # Outcomes (the JSON keeps the English words).
    "outcome_ok": _m("ok", "正常"),
    "outcome_error": _m("error", "出错"),
    "outcome_hang": _m("hang", "挂起"),
    "outcome_crash": _m("crash", "崩溃"),
    # `concdemo list`
    "list_title": _m("concdemo scenarios (* = run by default)", "concdemo 场景（* = 默认运行）"),
    "col_scenario": _m("scenario", "场景"),
    "col_title": _m("title", "标题"),
    "col_variants": _m("variants", "变体"),
    "col_params_defaults": _m("parameters (defaults)", "参数（默认值）"),
    "list_needs_extra": _m("needs {command}", "需要先安装：{command}"),
    "scenario_needs_extra": _m(
        "Scenario '{name}' needs the '{extra}' extra: {command}",
        "场景 '{name}' 需要可选依赖 '{extra}'：{command}",
    ),
    "list_extra_installed": _m(
        "optional extra '{extra}': installed", "可选依赖 '{extra}'：已安装"
    ),
    # `concdemo show SCENARIO`
    "params_title": _m("parameters", "参数"),
    "col_name": _m("name", "名称"),
    "col_type": _m("type", "类型"),
    "col_default": _m("default", "默认值"),
    "col_range": _m("range", "范围"),
    "col_help": _m("help", "说明"),
    "variants_title": _m("variants (* = default)", "变体（* = 默认）"),
    "col_variant": _m("variant", "变体"),
    "col_claims": _m("claims", "文章说法"),
    "col_expected_outcome": _m("expected outcome", "预期结果"),
    "col_teaches": _m("what it teaches", "演示内容"),
    "see_one_in_full": _m(
        "See one in full: concdemo show {scenario} --variant NAME",
        "查看单个变体的完整内容：concdemo show {scenario} --variant NAME",
    ),
    # `concdemo show SCENARIO --variant NAME`
    "article_claim": _m("The article's claim", "文章的说法"),
    # A claim of concdemo's own (ids X…), wherever claims are shown.
    "beyond_article": _m("beyond the article", "文章之外"),
    "beyond_article_claim": _m(
        "Beyond the article (a claim concdemo adds)", "文章之外（concdemo 补充的说法）"
    ),
    "beyond_article_footnote": _m(
        "{mark} beyond the article: a claim concdemo adds, not one the article makes",
        "{mark} 文章之外：concdemo 补充的说法，不是文章本身的",
    ),
    "expected_outcome_label": _m("Expected outcome: ", "预期结果："),
    "every_start_method": _m("every start method", "所有启动方式"),
    "note_line": _m("{label}: {note}", "{label}：{note}"),
    "stdin_not_passed_on": _m(
        "Note: the script's standard input is /dev/null (as for every run: the terminal "
        "is the live view's), so what was redirected into concdemo is not passed on.",
        "注意：脚本的标准输入是 /dev/null（所有运行都如此：终端归实时视图使用），"
        "所以重定向给 concdemo 的输入不会传给脚本。",
    ),
    "with_param": _m(
        "with --param {name}={value}: {outcome}", "使用 --param {name}={value} 时：{outcome}"
    ),
    "what_a_run_shows": _m("What a run shows", "运行会展示什么"),
    # The live table and plain lines of `concdemo run`
    "live_elapsed": _m("{seconds:6.1f} s", "{seconds:6.1f} 秒"),
    "col_t_s": _m("t (s)", "t（秒）"),
    "col_process": _m("process", "进程"),
    "col_thread_greenlet": _m("thread/greenlet", "线程/greenlet"),
    "col_event": _m("event", "事件"),
    "col_detail": _m("detail", "详情"),
    "step_hint": _m(
        "step mode: Enter = next event · c = continue freely · q = stop",
        "单步模式：Enter = 下一个事件 · c = 不再暂停 · q = 停止",
    ),
    # The summary after each run
    "as_expected": _m("as expected", "符合预期"),
    "not_as_expected": _m("NOT as expected", "不符合预期"),
    "expected_paren": _m("(expected {expected})", "（预期：{expected}）"),
    "wall_time": _m("wall {seconds:.3f} s", "实际耗时 {seconds:.3f} 秒"),
    "heading_phases": _m("phases", "阶段"),
    "col_phase": _m("phase", "阶段"),
    "col_measured_s": _m("measured (s)", "实测（秒）"),
    "col_theory_s": _m("theory (s)", "理论（秒）"),
    "col_measured_theory": _m("measured/theory", "实测/理论"),
    "unfinished": _m("unfinished", "未完成"),
    "heading_checks": _m(
        "what the article claims, checked on this run", "文章的说法，在本次运行中的检验"
    ),
    "heading_checks_beyond": _m(
        "beyond the article: concdemo's claims, checked on this run",
        "文章之外：concdemo 补充的说法，在本次运行中的检验",
    ),
    "heading_processes": _m("events per process", "各进程的事件数"),
    "col_pid": _m("pid", "PID"),
    "col_events": _m("events", "事件数"),
    "col_exit": _m("exit", "退出码"),
    "unexpected_error": _m(
        "unexpected {type}: {message} in {process}", "意外的 {type}：{message}（进程 {process}）"
    ),
    "error_label": _m("error", "错误"),
    "error_detail": _m(
        "{type}: {message} in {process}{where}", "{type}：{message}（进程 {process}{where}）"
    ),
    "error_where": _m(" at {file}:{line} in {function}()", "，位于 {file}:{line} 的 {function}()"),
    "heading_stacks": _m(
        "where each process was blocked when the run was stopped",
        "运行被停止时，各进程阻塞在哪里",
    ),
    "heading_loop_exit": _m(
        "where each greenlet was blocked when gevent's hub gave up (LoopExit)",
        "gevent 的 hub 放弃时（LoopExit），各 greenlet 阻塞在哪里",
    ),
    "col_thread": _m("thread", "线程"),
    "col_blocked_in": _m("blocked in", "阻塞于"),
    "col_scenario_line": _m("scenario line", "场景代码行"),
    "col_waits_for": _m("waits for", "等待"),
    "stack_line": _m("{file}:{line} in {function}", "{file}:{line}，{function} 中"),
    "events_dropped": _m(
        "{dropped} events dropped, {malformed} malformed",
        "丢弃了 {dropped} 个事件，{malformed} 个格式错误",
    ),
    "events_repaired": _m(
        "{count} events carried values JSON cannot (nan, bytes, objects, deep or huge data):"
        " sent repaired, marked _repaired",
        "{count} 个事件含有 JSON 无法表示的值（nan、bytes、对象、过深或过大的数据）："
        "已修复后发送，标记为 _repaired",
    ),
    "events_summarised": _m(
        "{calls} {kind} calls in {processes} summarised as {spans}; counts and totals exact",
        "{processes}中的 {calls} 次 {kind} 调用被汇总为{spans}；次数与总时长准确",
    ),
    "gap_no_process_end": _m(
        "events stopped arriving: the main process exited without its closing event"
        " (os._exit, exec, or a lost channel); its last events and checks may be missing",
        "事件中断：主进程退出时没有发出结束事件（os._exit、exec 或通道丢失），"
        "最后的事件和检查可能缺失",
    ),
    "gap_no_checks": _m(
        "checks never arrived: the script makes checks, but not one was received",
        "检查没有到达：脚本会做检查，但一个也没有收到",
    ),
    "unresponsive": _m(
        "{process}[{pid}] was stopped (SIGSTOP): it cannot report where it was",
        "{process}[{pid}] 已被暂停（SIGSTOP）：无法报告它停在哪里",
    ),
    "events_repaired_on_arrival": _m(
        "{repaired} events kept with values JSON cannot carry replaced (bad UTF-8, NaN, …)",
        "{repaired} 个事件含 JSON 无法表示的值，已替换后保留（无效 UTF-8、NaN 等）",
    ),
    "stderr_tail": _m("stderr (last lines)", "stderr（最后几行）"),
    "what_you_just_saw": _m("what you just saw", "刚才发生了什么"),
    # `concdemo compare`
    "compare_title": _m(
        "{scenario}: median of {repeat} fresh runs each (after {warmup} warm-up), seconds",
        "{scenario}：每项 {repeat} 次全新运行的中位数（先预热 {warmup} 次），单位：秒",
    ),
    "compare_title_method": _m(", {method}", "，{method}"),
    "col_variant_start": _m("variant · start", "变体 · 启动方式"),
    "col_min": _m("min", "最小"),
    "col_median": _m("median", "中位数"),
    "col_max": _m("max", "最大"),
    "col_stdev": _m("stdev", "标准差"),
    "col_theory": _m("theory", "理论"),
    "col_ratio_theory": _m("÷theory", "÷理论"),
    "col_speedup": _m("speedup", "加速比"),
    "warning": _m("warning: {text}", "警告：{text}"),
    "progress_sampling": _m("sampling", "采样中"),
    "progress_warmup": _m("warm-up", "预热"),
    "progress_sample": _m("sample", "样本"),
    "progress_seconds": _m("{seconds:.2f} s", "{seconds:.2f} 秒"),
    "progress_verifying": _m("verifying", "检验中"),
    "progress_timing_alone": _m("timing, alone: {where}", "单独计时：{where}"),
    # compare's warnings are built in concdemo/study/compare.py (its JSON keeps the English).
    "compare_where": _m(
        "{variant} ({start_method}) sample {n}", "{variant}（{start_method}）第 {n} 个样本"
    ),
    "compare_ended": _m(
        "{where} ended {outcome}, expected {expected}.",
        "{where} 的结果是 {outcome}，预期为 {expected}。",
    ),
    "compare_check_failed": _m(
        "{where}: check failed: {failed}.", "{where}：检验未通过：{failed}。"
    ),
    "compare_unexpected_exception": _m(
        "{where}: an unexpected exception ended a process.",
        "{where}：一个意外的异常结束了某个进程。",
    ),
    "compare_noisy": _m(
        "{variant} {phase} ({start_method}): standard deviation is {spread:.0%} of the mean;"
        " the machine is noisy, so use more --repeat or a quieter machine.",
        "{variant} {phase}（{start_method}）：标准差达到平均值的 {spread:.0%}；"
        "这台机器干扰较多，请加大 --repeat，或换一台更空闲的机器。",
    ),
    "compare_mixed_methods": _m(
        "The compared runs use different start methods ({methods}):"
        " start-up costs differ, not only the variants.",
        "参与比较的运行使用了不同的启动方式（{methods}）：不同的不只是变体，还有启动开销。",
    ),
    # concdemo/commands/cli.py
    "error_prefix": _m("Error:", "错误："),
    "stopped": _m(
        "Stopped: every process of the run was stopped.", "已停止：本次运行的所有进程都已停止。"
    ),
    "interrupted": _m(
        "Interrupted: every process of the run was stopped.",
        "已中断：本次运行的所有进程都已停止。",
    ),
    "step_with_json": _m(
        "--step shows events one at a time and cannot be used with --json.",
        "--step 逐个显示事件，不能与 --json 一起使用。",
    ),
    "step_needs_terminal": _m(
        "--step needs a terminal to read your keys from (stdin and stdout);"
        " run it in a terminal without --plain, or drop --step.",
        "--step 需要一个终端来读取按键（stdin 和 stdout 都要是终端）；"
        "请在终端中运行且不加 --plain，或者去掉 --step。",
    ),
    "trace_written": _m(
        "trace written to {path} (open it in https://ui.perfetto.dev or chrome://tracing)",
        "trace 已写入 {path}（用 https://ui.perfetto.dev 或 chrome://tracing 打开）",
    ),
    "picture_written": _m("picture written to {path}", "图片已写入 {path}"),
    "report_written": _m(
        "report written to {path} (open it in a browser; it works offline)",
        "报告已写入 {path}（用浏览器打开；无需联网）",
    ),
    "report_not_run_doc": _m(
        "{value} is not a concdemo run document: {reason}. Save one with "
        "`concdemo run SCENARIO --json > run.json`.",
        "{value} 不是 concdemo 的运行文档：{reason}。请用 "
        "`concdemo run SCENARIO --json > run.json` 保存一个。",
    ),
    "report_unreadable": _m(
        "Cannot read {value}: {reason}. "
        "Give the path of a file saved with `concdemo run ... --json`.",
        "无法读取 {value}：{reason}。请给出用 `concdemo run ... --json` 保存的文件路径。",
    ),
    "report_needs_output": _m(
        "Nothing to write: add --html FILE, e.g. --html report.html.",
        "没有要写的内容：请加上 --html FILE，例如 --html report.html。",
    ),
    "html_outcome": _m(
        "outcome {outcome} (expected {expected})", "结果 {outcome}（预期 {expected}）"
    ),
    "html_phases": _m("Phases", "阶段"),
    "html_theory": _m("theory {value}", "理论 {value}"),
    "html_checks": _m("Checks", "检查"),
    "html_no_checks": _m("This run made no checks.", "这次运行没有做检查。"),
    "html_error": _m("Error", "错误"),
    "html_stacks": _m("Where each process was blocked", "各进程阻塞的位置"),
    "html_processes": _m("Processes", "进程"),
    "html_exitcode": _m("exit code {code}", "退出码 {code}"),
    "html_dropped": _m("{n} events were dropped.", "丢失了 {n} 个事件。"),
    "html_explanation": _m("What you just saw", "刚才发生了什么"),
    "html_no_explanation": _m(
        "Not in the saved document: the explanation in this language is made from the run; "
        "write the report with `concdemo run ... --html FILE` to have it.",
        "保存的文档里没有：这种语言的解释是根据运行生成的；"
        "用 `concdemo run ... --html FILE` 写报告即可得到。",
    ),
    "html_timeline": _m("Timeline", "时间线"),
    "html_col_variant": _m("variant", "变体"),
    "html_col_start_method": _m("start method", "启动方式"),
    "html_col_phase": _m("phase", "阶段"),
    "html_col_samples": _m("samples (s)", "样本（秒）"),
    "html_col_min": _m("min", "最小"),
    "html_col_median": _m("median", "中位数"),
    "html_col_max": _m("max", "最大"),
    "html_col_stdev": _m("stdev", "标准差"),
    "html_col_theory": _m("theory", "理论"),
    "html_col_speedup": _m("speedup", "加速比"),
    "html_col_id": _m("id", "编号"),
    "html_col_claim": _m("claim", "说法"),
    "html_col_results": _m("results", "结果"),
    "html_col_expected": _m("expected", "预期"),
    "html_col_status": _m("status", "状态"),
    "html_col_note": _m("note", "说明"),
    "html_warnings": _m("Warnings", "警告"),
    "html_skipped": _m("Skipped", "跳过"),
    "html_compare_title": _m(
        "{repeat} samples per variant after {warmup} discarded",
        "每个变体 {repeat} 个样本（先丢弃 {warmup} 个）",
    ),
    "html_verify_counts": _m(
        "{passed} held, {failed} failed, {inconclusive} inconclusive",
        "{passed} 条成立，{failed} 条不成立，{inconclusive} 条无法判断",
    ),
    "html_loading": _m(
        "Loading the timeline (it needs JavaScript and a browser from 2023 or later)…",
        "正在加载时间线（需要 JavaScript 和 2023 年以后的浏览器）…",
    ),
    "html_help": _m(
        "Wheel or +/- zooms, drag or arrow keys pan, 0 resets; hover an event for its details, "
        "click it to see its links; Esc clears.",
        "滚轮或 +/- 缩放，拖动或方向键平移，0 复位；悬停查看事件详情，"
        "点击查看它的关联；Esc 清除。",
    ),
    "repeat_warmup": _m(
        "--repeat must be at least 1 and --warmup at least 0 (got {repeat}, {warmup}).",
        "--repeat 至少为 1，--warmup 至少为 0（收到的是 {repeat}、{warmup}）。",
    ),
    # `--help` (concdemo/commands/cli_help.py): click's own words
    "help_usage": _m("Usage: ", "用法："),
    "help_arguments": _m("Arguments", "参数"),
    "help_options": _m("Options", "选项"),
    "help_commands": _m("Commands", "命令"),
    "help_show_help": _m("Show this message and exit.", "显示此帮助信息并退出。"),
    "help_default": _m("default: {default}", "默认：{default}"),
    "help_required": _m("required", "必填"),
    # Usage errors (concdemo/catalogue/catalog.py, params.py, plan.py, export/__init__.py)
    "did_you_mean": _m(" Did you mean '{name}'?", "你是不是想用 '{name}'？"),
    "no_scenario": _m(
        "No scenario '{name}'.{did_you_mean} Run `concdemo list`.",
        "没有名为 '{name}' 的场景。{did_you_mean}运行 `concdemo list` 可以看到所有场景。",
    ),
    "no_variant": _m(
        "No variant '{name}' in scenario '{scenario}'.{did_you_mean} Choose from: {names}, or all.",
        "场景 '{scenario}' 中没有变体 '{name}'。{did_you_mean}可选：{names}，或 all。",
    ),
    "param_type_int": _m(
        "Parameter '{name}' takes an int, not '{raw}' (for example --param {name}={example}).",
        "参数 '{name}' 要的是整数（int），而不是 '{raw}'（例如 --param {name}={example}）。",
    ),
    "param_type": _m(
        "Parameter '{name}' takes a {kind}, not '{raw}' (for example --param {name}={example}).",
        "参数 '{name}' 要的是 {kind} 类型的值，而不是 '{raw}'（例如 --param {name}={example}）。",
    ),
    "param_choices": _m(
        "Parameter '{name}' must be one of {choices}, not '{raw}'.",
        "参数 '{name}' 必须是 {choices} 之一，而不是 '{raw}'。",
    ),
    "param_from_to": _m(
        "Parameter '{name}' must be from {low} to {high}, not {raw}.",
        "参数 '{name}' 必须在 {low} 到 {high} 之间，而不是 {raw}。",
    ),
    "param_at_least": _m(
        "Parameter '{name}' must be at least {low}, not {raw}.",
        "参数 '{name}' 至少为 {low}，而不是 {raw}。",
    ),
    "param_at_most": _m(
        "Parameter '{name}' must be at most {high}, not {raw}.",
        "参数 '{name}' 至多为 {high}，而不是 {raw}。",
    ),
    "param_not_pair": _m(
        "--param '{pair}' is not KEY=VALUE (for example --param delay=0.5).",
        "--param '{pair}' 不是 KEY=VALUE 的形式（例如 --param delay=0.5）。",
    ),
    "param_unknown": _m(
        "Scenario '{scenario}' has no parameter '{param}'.{did_you_mean}{known}",
        "场景 '{scenario}' 没有参数 '{param}'。{did_you_mean}{known}",
    ),
    "param_known": _m(" Known: {names}.", "已有的参数：{names}。"),
    "param_none": _m(" It takes no parameters.", "它不接受任何参数。"),
    # A parameter's declared check or pattern (concdemo/catalogue/validators.py)
    "param_url_no_scheme": _m(
        "Parameter '{name}' value '{value}' has no scheme: give an http:// or https:// URL"
        " (for example --param {name}=http://127.0.0.1:8000/).",
        "参数 '{name}' 的值 '{value}' 没有协议部分：请给出一个 http:// 或 https:// 开头的 URL"
        "（例如 --param {name}=http://127.0.0.1:8000/）。",
    ),
    "param_url_scheme": _m(
        "Parameter '{name}' value '{value}' uses '{scheme}:', which the crawler cannot fetch:"
        " give an http:// or https:// URL (for example --param {name}=http://127.0.0.1:8000/).",
        "参数 '{name}' 的值 '{value}' 用的是 '{scheme}:'，爬虫无法抓取：请给出一个 http:// 或"
        " https:// 开头的 URL（例如 --param {name}=http://127.0.0.1:8000/）。",
    ),
    "param_url_no_host": _m(
        "Parameter '{name}' value '{value}' names no host: give an http:// or https:// URL"
        " (for example --param {name}=http://127.0.0.1:8000/).",
        "参数 '{name}' 的值 '{value}' 没有主机名：请给出一个 http:// 或 https:// 开头的 URL"
        "（例如 --param {name}=http://127.0.0.1:8000/）。",
    ),
    # A variant's TRACE (concdemo/catalogue/parts.py)
    "trace_part_unknown": _m(
        "Variant '{variant}' ({script}) asks TRACE for {part}, which the tracer does not have; "
        "use only {parts}.",
        "变体 '{variant}'（{script}）的 TRACE 要求了 {part}，追踪器没有这一部分；"
        "只能使用 {parts}。",
    ),
    "trace_not_list": _m(
        "Variant '{variant}' ({script}) has TRACE = {value}; write a list of parts, e.g. "
        "TRACE = [\"waits\"] (parts: {parts}).",
        "变体 '{variant}'（{script}）写了 TRACE = {value}；请写成部分名的列表，例如 "
        "TRACE = [\"waits\"]（可用的部分：{parts}）。",
    ),
    "trace_waits_flag": _m(
        "Variant '{variant}' ({script}) says WAITS, which is no longer read; write "
        "TRACE = [\"waits\"] instead (beside any other part, e.g. [\"asyncio\", \"waits\"]).",
        "变体 '{variant}'（{script}）写了 WAITS，它已不再被读取；请改写为 "
        "TRACE = [\"waits\"]（可与其他部分并列，例如 [\"asyncio\", \"waits\"]）。",
    ),
    "param_check_unknown": _m(
        "Parameter '{name}' declares check '{check}' in its about.py; known checks: {checks}.",
        "参数 '{name}' 在它的 about.py 中声明了检查 '{check}'；已有的检查：{checks}。",
    ),
    "param_pattern": _m(
        "Parameter '{name}' value '{value}' is not {wanted}"
        " (for example --param {name}={default}).",
        "参数 '{name}' 的值 '{value}' 不符合要求，应为：{wanted}"
        "（例如 --param {name}={default}）。",
    ),
    "param_pattern_any": _m("a value matching {pattern}", "与 {pattern} 完全匹配的值"),
    "start_method_unknown": _m(
        "Unknown start method '{choice}'.{did_you_mean} Use one of {methods} or all.",
        "未知的启动方式 '{choice}'。{did_you_mean}请使用 {methods} 之一，或 all。",
    ),
    "start_method_unavailable": _m(
        "Start method '{choice}' is not available on this platform; use one of {methods} or all.",
        "启动方式 '{choice}' 在这个平台上不可用；请使用 {methods} 之一，或 all。",
    ),
    "timeout_positive": _m(
        "--timeout must be a positive number of seconds, not {value}.",
        "--timeout 必须是正的秒数，而不是 {value}。",
    ),
    "outputs_same_file": _m(
        "{flag} and {other} both name {path}; give each its own file.",
        "{flag} 和 {other} 指向同一个文件 {path}；请给它们各自的文件。",
    ),
    "path_example": _m("e.g. {flag} run{suffix}", "例如 {flag} run{suffix}"),
    "path_needs_name": _m(
        "{flag} needs a file name, {example}.", "{flag} 需要一个文件名，{example}。"
    ),
    "path_is_dir": _m(
        "{flag} {value} is a directory; name a file inside it, e.g. {flag} {inside}.",
        "{flag} {value} 是一个目录；请指定其中的一个文件，例如 {flag} {inside}。",
    ),
    "path_no_parent": _m(
        "{flag} {value}: the directory {parent} does not exist;"
        " create it first (mkdir -p {parent}) or pick another path.",
        "{flag} {value}：目录 {parent} 不存在；请先创建它（mkdir -p {parent}），或换一个路径。",
    ),
    "path_not_writable": _m(
        "{flag} {value}: {target} is not writable; pick a path you can write to, {example}.",
        "{flag} {value}：{target} 不可写；请换一个你能写入的路径，{example}。",
    ),
    "write_failed": _m("Could not write {path}: {reason}.", "无法写入 {path}：{reason}。"),
    # click's own usage errors, in Chinese help (concdemo/commands/cli_help.py)
    "click_hint": _m("Try '{command} {option}' for help.", "运行 '{command} {option}' 查看帮助。"),
    "click_no_option": _m("No such option: {option}{options}", "没有这个选项：{option}{options}"),
    "click_possible": _m(" (Possible options: {options})", "（可用的选项：{options}）"),
    "click_missing_argument": _m("Missing argument '{name}'.", "缺少参数 '{name}'。"),
    "click_no_command": _m("No such command '{name}'.{close}", "没有这个命令 '{name}'。{close}"),
    "click_needs_value": _m(
        "Option '{option}' requires an argument.", "选项 '{option}' 需要一个值。"
    ),
    "click_invalid_value": _m(
        "Invalid value for '{option}': {reason}", "'{option}' 的值无效：{reason}"
    ),
    "click_not_valid": _m("{value} is not a valid {kind}.", "{value} 不是有效的 {kind}。"),
    "click_extra_arguments": _m(
        "Got unexpected extra argument(s) ({extra})", "多余的参数（{extra}）"
    ),
    # The interactive picker (`concdemo` with no arguments on a terminal;
    # concdemo/commands/picker.py)
    "picker_scenarios": _m("Scenarios", "场景"),
    "picker_col_shows": _m("what it shows", "演示内容"),
    "picker_scenario": _m("Scenario", "场景"),
    "picker_variants": _m("Variants of {scenario}", "{scenario} 的变体"),
    "picker_defaults": _m(
        "the starred variants, the article's own story", "带 * 的变体，即文章自己的故事"
    ),
    "picker_all": _m("every variant, one after another", "所有变体，一个接一个"),
    "picker_variant": _m("Variant", "变体"),
    "picker_start_method": _m("Start method", "启动方式"),
    "picker_fork": _m(
        "copies the parent; children inherit its globals (Linux default up to 3.13)",
        "复制父进程；子进程继承它的全局变量（3.13 及以前 Linux 的默认方式）",
    ),
    "picker_spawn": _m(
        "a fresh interpreter that re-imports __main__ (macOS and Windows default)",
        "全新的解释器，会重新导入 __main__（macOS 和 Windows 的默认方式）",
    ),
    "picker_forkserver": _m(
        "forks from a clean server process (Linux default from 3.14)",
        "从一个干净的服务进程 fork（3.14 起 Linux 的默认方式）",
    ),
    "picker_every_method": _m("run under each start method in turn", "依次在每种启动方式下运行"),
    "picker_next": _m(
        "Next: [r]un another, [c]ompare these variants, or [q]uit",
        "接下来：[r] 再运行一个，[c] 比较这些变体，或 [q] 退出",
    ),
    # `concdemo bench`
    "bench_title": _m(
        "concdemo bench (Python {python}, {cpus} CPUs)",
        "concdemo bench（Python {python}，{cpus} 个 CPU）",
    ),
    "bench_load": _m(
        "load average {before} at the start, {after} at the end; medians, commands interleaved",
        "开始时负载 {before}，结束时 {after}；取中位数，命令交替运行",
    ),
    "bench_startup_title": _m(
        "Start-up against `{floor}` (median of {repeat})",
        "启动时间，与 `{floor}` 相比（{repeat} 次的中位数）",
    ),
    "bench_run_title": _m(
        "A run against the bare article script: {tasks} tasks × {delay} s, {workers} workers"
        " (median of {repeat})",
        "一次运行与原文脚本相比：{tasks} 个任务 × {delay} 秒，{workers} 个工作进程"
        "（{repeat} 次的中位数）",
    ),
    "bench_burst_title": _m(
        "{events:,} events from {processes} processes through each view, against {floor}"
        " (median of {repeat})",
        "{processes} 个进程发出的 {events:,} 个事件经过各个视图，与{floor}相比"
        "（{repeat} 次的中位数）",
    ),
    "bench_burst_floor": _m("floor (bare reader)", "基准（只读不处理）"),
    "bench_ipc_title": _m(
        "IPC between two processes ({start_method}), against {floor} (median of {repeat})",
        "两个进程之间的 IPC（{start_method}），与 {floor} 相比（{repeat} 次的中位数）",
    ),
    "bench_ipc_pinned": _m(
        "; each end on a core of its own ({first} and {second})",
        "；两端各占一个核心（{first} 和 {second}）",
    ),
    "bench_html_title": _m(
        "The --html report of a burst of {events:,} events (median of {repeat})",
        "{events:,} 个事件的突发写成的 --html 报告（{repeat} 次的中位数）",
    ),
    "bench_html_file": _m("file size", "文件大小"),
    "bench_html_write": _m("writing it, against --json", "写入用时，与 --json 相比"),
    "bench_html_drawn": _m("timeline drawn after load (headless chromium)",
                           "加载后画出时间线（无界面 chromium）"),
    "bench_html_pan": _m("a pan frame, 95th percentile", "平移一帧，第 95 百分位"),
    "bench_html_no_browser": _m(
        "no browser figures: {missing} is missing", "没有浏览器数据：缺少 {missing}"
    ),
    "col_figure": _m("figure", "指标"),
    "col_measured": _m("measured", "测得"),
    "col_target": _m("target", "目标"),
    "bench_channel": _m(
        "Event channel: {emit:.2f} µs per event for the writer; {rate:,} events/s received;"
        " {lost:,} of {events:,} lost",
        "事件通道：写入方每个事件 {emit:.2f} 微秒；每秒收到 {rate:,} 个事件；"
        "{events:,} 个中丢失 {lost:,} 个",
    ),
    "col_command": _m("command", "命令"),
    "col_cpu": _m("CPU", "CPU 时间"),
    "col_ratio_floor": _m("× floor", "× 基准"),
    "col_view": _m("view", "视图"),
    "col_whole_command": _m("whole command", "整个命令"),
    "col_scenario_own": _m("scenario's own", "场景自身"),
    "col_peak_rss": _m("peak RSS", "峰值内存"),
    "col_channel": _m("channel", "通道"),
    "col_size": _m("size", "大小"),
    "col_round_trip": _m("round trip", "往返"),
    "col_one_way": _m("one way", "单向"),
    # `concdemo tour` (concdemo/commands/tour.py; the narrations are in concdemo.catalogue.texts)
    "tour_shortened": _m("Shortened for the tour: {shown}.", "为导览缩短了：{shown}。"),
    "param_with_default": _m(
        "{name}={value} (default {default})", "{name}={value}（默认 {default}）"
    ),
    "tour_end": _m("end of the tour", "导览结束"),
    "tour_closing": _m(
        "That was the article's story, one scenario at a time. Next: `concdemo verify` checks"
        " every claim of the article under every start method and says where it is right, where"
        " it holds only on some platforms and where it is out of date; `concdemo show SCENARIO`"
        " explains one scenario, `concdemo run SCENARIO --variant all` runs its pitfalls too.",
        "这就是文章的故事，一次一个场景。接下来：`concdemo verify` 在每种启动方式下检验文章的"
        "每个说法，并指出哪里是对的、哪里只在某些平台上成立、哪里已经过时；"
        "`concdemo show SCENARIO` 讲解一个场景，`concdemo run SCENARIO --variant all` "
        "连它的各种陷阱也一起运行。",
    ),
    # `concdemo verify` (concdemo/render/verify.py, concdemo/catalogue/verdicts.py,
    # concdemo/study/verify.py)
    "verify_title": _m(
        "The article's claims, checked on this machine", "文章的说法，在这台机器上的检验"
    ),
    "verify_title_beyond": _m(
        "The article's claims, and concdemo's beyond it, checked on this machine",
        "文章的说法以及文章之外的说法，在这台机器上的检验",
    ),
    "verify_caption": _m(
        "figures: measured per start method ({methods}) / theory",
        "数值：各启动方式下的实测值（{methods}）/ 理论值",
    ),
    "col_id": _m("id", "编号"),
    "col_claim": _m("claim", "说法"),
    "col_verdict": _m("verdict", "结论"),
    "verify_runs": _m("runs: {runs}", "运行：{runs}"),
    "verify_tolerance": _m("tolerance: {tolerance}", "容差：{tolerance}"),
    "verify_note": _m("note: {note}", "注：{note}"),
    "verify_skipped": _m(
        "Skipped {ids} ({scenario}): the '{extra}' extra is not installed; {command} adds it.",
        "已跳过 {ids}（{scenario}）：没有安装可选依赖 '{extra}'；用 {command} 安装。",
    ),
    "verify_retried": _m("retried: {line}", "重试：{line}"),
    "verdict_failed": _m("FAILED", "失败"),
    "verdict_holds": _m("holds", "成立"),
    "verdict_corrected": _m("holds, with a correction", "成立，但需更正"),
    "verdict_outdated": _m("article out of date", "文章已过时"),
    "verdict_not_under": _m("does not hold under {methods}", "在 {methods} 下不成立"),
    "verdict_holds_under": _m(
        "holds under {where} (not under {others})", "在 {where} 下成立（在 {others} 下不成立）"
    ),
    "verdict_holds_only_under": _m("holds only under {where}", "仅在 {where} 下成立"),
    "verdict_inconclusive": _m(
        "inconclusive: the machine was busy ({figures})",
        "无法判定：机器太忙（{figures}）",
    ),
    "verdict_inconclusive_short": _m("inconclusive: the machine was busy", "无法判定：机器太忙"),
    "verify_busy": _m("busy machine: {figures}", "机器太忙：{figures}"),
    "busy_figures": _m(
        "other programs used {others:.1f} and steal {steal:.1f} of {cores} cores,"
        " {free:.1f} free, the claim needs {needed:.0f}",
        "其他程序占用 {others:.1f} 个、虚拟机被偷走（steal）{steal:.1f} 个，共 {cores} 个核心，"
        "空闲 {free:.1f} 个，这个说法需要 {needed:.0f} 个",
    ),
    "busy_load_avg": _m("; load average {load:.1f}", "；平均负载 {load:.1f}"),
    "busy_runnable": _m(
        "; {runnable} other runnable tasks at the start", "；开始时有 {runnable} 个其他可运行任务"
    ),
    "verify_count_inconclusive": _m(
        ", {count} inconclusive (the machine was busy)", "，{count} 个无法判定（机器太忙）"
    ),
    "verify_count_outdated": _m(
        "{count} where the article is out of date", "{count} 个表明文章已过时"
    ),
    "verify_kinds": _m(" ({parts})", "（{parts}）"),
    "list_sep": _m(", ", "，"),
    "verify_failed": _m(", {failed} FAILED", "，{failed} 个失败"),
    "verify_overrides": _m(
        "verify passes smaller parameters where the claims do not depend on them: {parts}.",
        "在说法与参数无关的地方，verify 使用了更小的参数：{parts}。",
    ),
    # Why a verify run did not count (concdemo/study/verify.py; --json keeps the English)
    "problem_ended": _m(
        "{where}: ended {outcome}, expected {expected}{error}",
        "{where}：结果是 {outcome}，预期为 {expected}{error}",
    ),
    "problem_check": _m("{where}: check failed: {failed}", "{where}：检验未通过：{failed}"),
    "problem_unexpected": _m(
        "{where}: unexpected {type}: {message}", "{where}：意外的 {type}：{message}"
    ),
    "problem_other_error": _m(
        "{where}: ended with {type}, not one the story expects",
        "{where}：以 {type} 结束，这不是故事预期的异常",
    ),
    "problem_not_as_expected": _m("{where}: not as expected", "{where}：不符合预期"),
    "retry_passed": _m(
        "passed on attempt {attempt} of {attempts}; the first: {first}",
        "第 {attempt} 次尝试（共 {attempts} 次）通过；第一次：{first}",
    ),
    # Figures of timing and CPU claims in `verify` (concdemo/study/verify.py; JSON keeps English)
    "figure_with_variant": _m("{variant} {label}", "{variant}：{label}"),
    "figure_greenlets": _m("greenlets' speedup", "greenlet 的加速比"),
    "figure_processes": _m("processes' speedup", "多进程的加速比"),
    "figure_idle": _m(
        "{backend}, {low} → {high} idle fds", "{backend}，{low} → {high} 个空闲描述符"
    ),
    "unit_slower": _m("× slower", "× 变慢"),
    # The timeline after a run (concdemo/render/timeline.py)
    "timeline_heading": _m("timeline", "时间线"),
    "timeline_no_events": _m("timeline: no events", "时间线：没有事件"),
    "timeline_event": _m("event", "事件"),
    "timeline_links": _m(
        "links  {pairs}  ({count} pairs; first: {first})",
        "关联  {pairs}  (共 {count} 对; 第一对: {first})",
    ),
    "timeline_column": _m("1 column ≈ {duration}", "1 列 ≈ {duration}"),
}


def _p(count: str, en: tuple[str, str], zh: str) -> tuple[str, dict[str, tuple[str, ...]]]:
    return count, {"en": en, "zh": (zh,)}


# Messages about a number of things: (the value that counts, forms per language).
# As in gettext, a language has as many forms as plural categories: English two
# (one, other), Chinese one; ``plural_form`` picks the form for a count.
PLURALS: dict[str, tuple[str, dict[str, tuple[str, ...]]]] = {
    "totals": _p(
        "runs",
        (
            "{runs} run: {good} as expected, {bad} not",
            "{runs} runs: {good} as expected, {bad} not",
        ),
        "共 {runs} 次运行：{good} 次符合预期，{bad} 次不符合",
    ),
    "figure_cores_busy": _p(
        "workers",
        ("cores busy, {workers} worker", "cores busy, {workers} workers"),
        "忙碌的核心数，{workers} 个工作进程",
    ),
    "figure_speedup": _p(
        "workers",
        ("speedup, {workers} worker", "speedup, {workers} workers"),
        "加速比，{workers} 个工作进程",
    ),
    "live_events": _p("count", ("{count} event", "{count} events"), "{count} 个事件"),
    "count_processes": _p(
        "count", ("{count:,} process", "{count:,} processes"), "{count:,} 个进程"
    ),
    "count_spans": _p("count", ("{count:,} span", "{count:,} spans"), " {count:,} 个区间"),
    "earlier_events": _p(
        "hidden",
        ("… {hidden} earlier event", "… {hidden} earlier events"),
        "… 之前还有 {hidden} 个事件",
    ),
    "detail_cut": _p(
        "count",
        ("… (+{count} character)", "… (+{count} characters)"),
        "…（另有 {count} 个字符）",
    ),
    "timeline_more_lanes": _p(
        "more", ("… {more} more lane", "… {more} more lanes"), "… 还有 {more} 条泳道"
    ),
    "verify_totals": _p(
        "claims",
        ("{claims} claim: {passed} as expected", "{claims} claims: {passed} behave as expected"),
        "共 {claims} 个说法：{passed} 个符合预期",
    ),
    "verify_count_holds": _p("count", ("{count} holds", "{count} hold"), "{count} 个成立"),
    "verify_count_corrected": _p(
        "count",
        ("{count} holds with a correction", "{count} hold with a correction"),
        "{count} 个成立但需更正",
    ),
    "verify_count_platform": _p(
        "count",
        (
            "{count} holds only under some start methods",
            "{count} hold only under some start methods",
        ),
        "{count} 个仅在部分启动方式下成立",
    ),
    "verify_runs_summary": _p(
        "runs",
        (
            " · {runs} run under {methods} in {seconds:.0f} s",
            " · {runs} runs under {methods} in {seconds:.0f} s",
        ),
        " · 在 {methods} 下共运行 {runs} 次，用时 {seconds:.0f} 秒",
    ),
    "verify_exit_inconclusive": _p(
        "count",
        (
            "Exit 1: {count} claim could not be judged because the machine was busy; run"
            " verify again on a quieter machine, or pass --allow-inconclusive to accept it.",
            "Exit 1: {count} claims could not be judged because the machine was busy; run"
            " verify again on a quieter machine, or pass --allow-inconclusive to accept them.",
        ),
        "退出码 1：机器太忙，有 {count} 个说法无法判定；请在更空闲的机器上重新运行 verify，"
        "或者加上 --allow-inconclusive 接受它们。",
    ),
    "verify_allowed_inconclusive": _p(
        "count",
        (
            "Exit 0 with {count} inconclusive claim: --allow-inconclusive accepts it;"
            " it was not shown to hold.",
            "Exit 0 with {count} inconclusive claims: --allow-inconclusive accepts them;"
            " they were not shown to hold.",
        ),
        "退出码 0，有 {count} 个说法无法判定：--allow-inconclusive 接受了它们，"
        "但它们并未被证实成立。",
    ),
}


def plural_form(lang: str, count: int) -> int:
    """Which of ``lang``'s plural forms a count takes (gettext's ``plural=`` expression)."""
    if lang == "zh":
        return 0  # nplurals=1; plural=0
    return 0 if count == 1 else 1  # nplurals=2; plural=(n != 1)


def t(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang``, formatted with ``values`` (KeyError if unknown)."""
    if key in PLURALS:
        counted, forms = PLURALS[key]
        count = values[counted]
        assert isinstance(count, int), f"{key}: {counted} must be an int"
        return forms[lang][plural_form(lang, count)].format(**values)
    return MESSAGES[key][lang].format(**values)


def tr(key: str, **values: object) -> str:
    """The message ``key`` in the active language (see ``set_lang``)."""
    return t(key, _active, **values)


# Values of these names are outcome words: shown translated, kept English in JSON.
_OUTCOME_VALUES = ("outcome", "expected")


@runtime_checkable
class InLang(Protocol):
    """A value that shows itself in a language: a Message, or a scenario's own text
    (``concdemo.catalogue.texts.ScenarioText``, translated in the scenario's folder)."""

    def in_lang(self, lang: str) -> str: ...


class Message(str):
    """A message kept in English where it is stored (JSON), shown in any language.

    It is the English text, so it compares, joins and serialises as that; ``shown()``
    formats it again in the active language. Values that show themselves in a language
    (Messages, a scenario's own texts), and outcome words under ``outcome``/``expected``,
    are translated too.
    """

    key: str
    values: dict[str, object]

    def __new__(cls, key: str, **values: object) -> Message:
        made = super().__new__(cls, t(key, "en", **values))
        made.key, made.values = key, values
        return made

    def in_lang(self, lang: str) -> str:
        values = {
            name: (
                value.in_lang(lang)
                if isinstance(value, InLang)
                else outcome(value, lang)
                if name in _OUTCOME_VALUES and isinstance(value, str)
                else value
            )
            for name, value in self.values.items()
        }
        return t(self.key, lang, **values)

    def shown(self) -> str:
        return self.in_lang(_active)

    def __reduce__(self) -> tuple[object, ...]:  # copy and pickle: rebuilt from key and values
        return (_rebuild, (self.key, self.values))


def _rebuild(key: str, values: dict[str, object]) -> Message:
    return Message(key, **values)


def shown(text: str) -> str:
    """``text`` in the active language when it is a Message; else as it is."""
    return text.shown() if isinstance(text, Message) else text


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """' Did you mean 'pipe'?' when something is close, else ''.

    A ``Message``: English where it is stored, shown in the language of the screen
    when it is part of another Message (a usage error's text)."""
    close = closest(value, choices)
    return Message("did_you_mean", name=close) if close else ""


def error_text(error: UsageError) -> str:
    """A usage error's text in the language of the screen."""
    return shown(error.args[0]) if error.args else str(error)


def outcome(word: str, lang: str) -> str:
    """An outcome word (ok, error, hang, crash) as shown; unknown words stay as they are."""
    entry = MESSAGES.get(f"outcome_{word}")
    return entry[lang] if entry else word

