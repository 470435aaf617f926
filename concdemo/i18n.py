"""The user interface in English (the default) or Chinese, the article's own language.

``--lang zh`` or ``CONCDEMO_LANG=zh`` picks Chinese. Every string a renderer
shows lives in ``MESSAGES`` under a short id, in both languages; values may hold
``{name}`` placeholders for ``str.format``. The article's claims in Chinese are in
``CLAIMS_ZH``; the scenarios' own texts are in ``concdemo.i18n_scenarios``.
JSON output never changes language: it is for programs.
"""

from __future__ import annotations

import os

from concdemo.claims import CLAIMS
from concdemo.errors import UsageError, did_you_mean

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
    "expected_outcome_label": _m("Expected outcome: ", "预期结果："),
    "every_start_method": _m("every start method", "所有启动方式"),
    "note_line": _m("{label}: {note}", "{label}：{note}"),
    "with_param": _m(
        "with --param {name}={value}: {outcome}", "使用 --param {name}={value} 时：{outcome}"
    ),
    "what_a_run_shows": _m("What a run shows", "运行会展示什么"),
    # The live table and plain lines of `concdemo run`
    "live_events": _m("{count} events", "{count} 个事件"),
    "live_elapsed": _m("{seconds:6.1f} s", "{seconds:6.1f} 秒"),
    "col_t_s": _m("t (s)", "t（秒）"),
    "col_process": _m("process", "进程"),
    "col_thread_greenlet": _m("thread/greenlet", "线程/greenlet"),
    "col_event": _m("event", "事件"),
    "col_detail": _m("detail", "详情"),
    "earlier_events": _m("… {hidden} earlier events", "… 之前还有 {hidden} 个事件"),
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
    "col_thread": _m("thread", "线程"),
    "col_blocked_in": _m("blocked in", "阻塞于"),
    "col_scenario_line": _m("scenario line", "场景代码行"),
    "stack_line": _m("{file}:{line} in {function}", "{file}:{line}，{function} 中"),
    "events_dropped": _m(
        "{dropped} events dropped, {malformed} malformed",
        "丢弃了 {dropped} 个事件，{malformed} 个格式错误",
    ),
    "events_repaired": _m(
        "{repaired} events kept with values JSON cannot carry replaced (bad UTF-8, NaN, …)",
        "{repaired} 个事件含 JSON 无法表示的值，已替换后保留（无效 UTF-8、NaN 等）",
    ),
    "stderr_tail": _m("stderr (last lines)", "stderr（最后几行）"),
    "what_you_just_saw": _m("what you just saw", "刚才发生了什么"),
    "totals": _m(
        "{runs} run(s): {good} as expected, {bad} not",
        "共 {runs} 次运行：{good} 次符合预期，{bad} 次不符合",
    ),
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
    # compare's warnings are built in concdemo/compare.py (its JSON keeps the English).
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
    # concdemo/cli.py
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
    "repeat_warmup": _m(
        "--repeat must be at least 1 and --warmup at least 0 (got {repeat}, {warmup}).",
        "--repeat 至少为 1，--warmup 至少为 0（收到的是 {repeat}、{warmup}）。",
    ),
    # The interactive picker (`concdemo` with no arguments on a terminal; concdemo/picker.py)
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
    "col_measure": _m("measure", "测量项"),
    "col_value": _m("value", "数值"),
    "bench_startup": _m("{name} (median of {repeat})", "{name}（{repeat} 次的中位数）"),
    "bench_ratio": _m("{name} / import typer, rich", "{name} / import typer, rich 的比值"),
    "bench_emit_cost": _m(
        "emit cost per event (median burst)", "每个事件的发送开销（突发的中位数）"
    ),
    "bench_burst": _m("burst of {events:,} events", "{events:,} 个事件的突发"),
    "bench_events_per_s": _m("{rate:,} events/s", "每秒 {rate:,} 个事件"),
    "bench_lost": _m("events lost in all bursts", "所有突发中丢失的事件"),
    # `concdemo tour` (concdemo/tour.py; the narrations are in concdemo.i18n_scenarios)
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
    # `concdemo verify` (concdemo/render/verify.py, concdemo/verdicts.py, concdemo/verify.py)
    "verify_title": _m(
        "The article's claims, checked on this machine", "文章的说法，在这台机器上的检验"
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
    "verify_totals": _m(
        "{claims} claims: {passed} behave as expected", "共 {claims} 个说法：{passed} 个符合预期"
    ),
    "verify_count_holds": _m("{count} hold", "{count} 个成立"),
    "verify_count_corrected": _m("{count} hold with a correction", "{count} 个成立但需更正"),
    "verify_count_platform": _m(
        "{count} hold only under some start methods", "{count} 个仅在部分启动方式下成立"
    ),
    "verify_count_outdated": _m(
        "{count} where the article is out of date", "{count} 个表明文章已过时"
    ),
    "verify_kinds": _m(" ({parts})", "（{parts}）"),
    "list_sep": _m(", ", "，"),
    "verify_failed": _m(", {failed} FAILED", "，{failed} 个失败"),
    "verify_runs_summary": _m(
        " · {runs} runs under {methods} in {seconds:.0f} s",
        " · 在 {methods} 下共运行 {runs} 次，用时 {seconds:.0f} 秒",
    ),
    "verify_overrides": _m(
        "verify passes smaller parameters where the claims do not depend on them: {parts}.",
        "在说法与参数无关的地方，verify 使用了更小的参数：{parts}。",
    ),
    # The timeline after a run (concdemo/render/timeline.py)
    "timeline_heading": _m("timeline", "时间线"),
    "timeline_no_events": _m("timeline: no events", "时间线：没有事件"),
    "timeline_more_lane": _m("… {more} more lane", "… 还有 {more} 条泳道"),
    "timeline_more_lanes": _m("… {more} more lanes", "… 还有 {more} 条泳道"),
    "timeline_event": _m("event", "事件"),
    "timeline_column": _m("1 column ≈ {duration}", "1 列 ≈ {duration}"),
}


def t(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang``, formatted with ``values`` (KeyError if unknown)."""
    return MESSAGES[key][lang].format(**values)


def tr(key: str, **values: object) -> str:
    """The message ``key`` in the active language (see ``set_lang``)."""
    return t(key, _active, **values)


# Values of these names are outcome words: shown translated, kept English in JSON.
_OUTCOME_VALUES = ("outcome", "expected")


class Message(str):
    """A message kept in English where it is stored (JSON), shown in any language.

    It is the English text, so it compares, joins and serialises as that; ``shown()``
    formats it again in the active language. Values that are themselves Messages, and
    outcome words under ``outcome``/``expected``, are translated too.
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
                if isinstance(value, Message)
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


def outcome(word: str, lang: str) -> str:
    """An outcome word (ok, error, hang, crash) as shown; unknown words stay as they are."""
    entry = MESSAGES.get(f"outcome_{word}")
    return entry[lang] if entry else word


def claim(claim_id: str, lang: str) -> str:
    """One of the article's claims (concdemo.claims) in ``lang``; '' for an unknown id."""
    if lang == "zh" and claim_id in CLAIMS_ZH:
        return CLAIMS_ZH[claim_id]
    return CLAIMS.get(claim_id, "")


# The article's claims (concdemo.claims.CLAIMS), in the article's own words where it has them.
CLAIMS_ZH: dict[str, str] = {
    "Q1": "主脚本中模块级创建的 Queue 并不是子进程的那个队列：get() 会永远阻塞。",
    "Q2": "在 `if __name__ == '__main__'` 下创建的 Queue，子进程根本不知道：NameError。",
    "Q3": "把队列作为参数传给子进程，就能正常工作。",
    "Q4": "队列已满时，put(timeout=t) 在 t 秒后抛出 Full；put_nowait() 立即抛出。",
    "Q5": "队列为空时，get(timeout=t) 在 t 秒后抛出 Empty；get_nowait() 立即抛出。",
    "Q6": "empty()、full() 和 qsize() 的结果不可靠。",
    "Q7": "close() 让本进程不再发送数据；它不会通知消费者。",
    "Q8": "进程退出时会等待其队列的后台线程（join_thread）。",
    "P1": "Pipe() 是全双工的：两端都能发送和接收。",
    "P2": "Pipe(False)：第一端只能接收，第二端只能发送。",
    "P3": "recv() 会阻塞；当另一端已关闭且没有剩余数据时，抛出 EOFError。",
    "P4": "send() 和 recv() 使用 pickle 序列化对象。",
    "P5": "生产者/消费者：各自关闭不用的那一端；消费者最终收到 EOFError。",
    "P6": "忘了关闭不用的端点，消费者就会挂在 recv() 上。",
    "P7": "消息长于 maxlength 时，recv_bytes(maxlength) 抛出异常，此后该连接无法再用。",
    "P8": "缓冲区太小时，recv_bytes_into(buf) 抛出 BufferTooShort。",
    "P9": "poll(timeout) 告诉你数据是否就绪；poll(None) 会无限期地等待。",
    "M1": "Manager().list() 是共享的：子进程把 i**i 追加到 [11, 22, 33]。",
    "M2": "Manager().dict() 是共享的：子进程设置 d[i] = 'a'。",
    "M3": "必须 join 子进程（在 manager 关闭之前），不然会执行报错。",
    "M4": "进程间通信应该尽量避免使用共享数据。",
    "PL1": "Pool.apply 是同步的：任务一个接一个地执行。",
    "PL2": "Pool.apply_async 是异步的：多个任务一起执行。",
    "PL3": "Pool.join() 只能在 close() 或 terminate() 之后调用。",
    "PL4": "AsyncResult.get(timeout) 超时会抛出异常，并会重新抛出工作进程中的异常。",
    "PL5": "AsyncResult 有 ready()、successful() 和 wait(timeout)。",
    "PL6": "callback 禁止执行任何阻塞操作，否则会拖住其他结果。",
    "PL7": "terminate() 立即终止所有工作进程。",
    "PL8": "有几个 CPU 核心就开几个进程；开多了只会增加切换的开销。",
    "Y1": "生成器就是协程：next() 启动它，send() 恢复它，close() 结束它。",
    "C1": "协程运行在单线程上，无法利用多核。",
    "C2": "一个协程中的阻塞调用会阻塞整个线程。",
    "G1": "greenlet.switch() 显式地交出控制权。",
    "G2": "参数只在第一次 switch 时传入。",
    "G3": "单靠 greenlet 节省不了时间：遇到 I/O 它不会切换。",
    "GE1": "gevent.sleep 是协作式的：等待期间其他 greenlet 照常运行。",
    "GE2": "time.sleep 和 socket 只有在 monkey.patch_all() 之后才会协作。",
    "GE3": "补丁必须在被打补丁的模块导入之前打上。",
    "GE4": "gevent.spawn(fn, *args, **kwargs) 把参数传给 fn。",
    "GE5": "joinall(jobs, timeout=...) 最多等待 timeout 秒；结果在 job.value 中。",
    "GE6": "gevent.socket.gethostbyname 不会阻塞其他 greenlet。",
    "GE7": "用 spawn + joinall 写的爬虫会并发地抓取页面。",
    "GE8": "LIBEV_FLAGS=1/2/4/8 选择 select/poll/epoll/kqueue。",
    "GE9": "epoll 的开销不随空闲描述符增多而增长；select 受 FD_SETSIZE 限制。",
}
