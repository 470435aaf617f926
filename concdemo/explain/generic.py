"""The sentences every variant gets: how the run ended against what was expected,
what failed and where to look, and (for variants without a story of their own)
the phases against their theory."""

from __future__ import annotations

from concdemo.explain.template import Line

# The run went as the variant expects, but ended in a hang or an error: say so, and where.
EXPECTED_END = [
    Line(
        "The run hung, as {subject} expects: it was stopped after {timeout_s:.1f} s.",
        "运行挂起了，这正是{subject}预期的结果：{timeout_s:.1f} 秒后它被停止。",
        when=lambda f: f.outcome == "hang",
    ),
    Line(
        "{error_type} ended {error_process}, as {subject} expects: {error_message}.",
        "{error_type} 结束了 {error_process}，这正是{subject}预期的：{error_message}。",
        when=lambda f: f.outcome == "error",
    ),
]

BLOCKED = [
    Line(
        "When it was stopped, {blocked_all} (the table above lists every thread).",
        "停止时，{blocked_all}（上面的表格列出了每个线程）。",
    ),
]

# The run did not go as expected: what happened instead, never the story of the success.
INSTEAD = [
    Line(
        "The run did not finish: it was stopped as a hang after {timeout_s:.1f} s, so what "
        "{subject} demonstrates did not happen on this run.",
        "运行没有结束：{timeout_s:.1f} 秒后它被当作挂起停止了，"
        "所以{subject}要演示的内容在这次运行中没有发生。",
        when=lambda f: f.outcome == "hang" and f.expected != "hang" and not f.script,
    ),
    # A user's own script (run PATH.py) has no story: say how it ended, and no more.
    Line(
        "The script did not finish: it was stopped as a hang after {timeout_s:.1f} s.",
        "脚本没有结束：{timeout_s:.1f} 秒后它被当作挂起停止了。",
        when=lambda f: f.outcome == "hang" and f.script,
    ),
    Line(
        "{error_type} ended {error_process} ({error_message}), so what {subject} "
        "demonstrates did not happen on this run; the error above says where.",
        "{error_type} 结束了 {error_process}（{error_message}），"
        "所以{subject}要演示的内容在这次运行中没有发生；"
        "上面的错误信息指出了位置。",
        when=lambda f: f.outcome == "error" and f.expected != "error" and not f.script,
    ),
    Line(
        "{error_process} ended with {error_message}; a script is expected to exit cleanly.",
        "{error_process} 以“{error_message}”结束；脚本预期正常退出。",
        when=lambda f: f.outcome == "error" and f.script and f.error_type == "exit",
    ),
    Line(
        "{error_type} ended {error_process} ({error_message}); the error above says where.",
        "{error_type} 结束了 {error_process}（{error_message}）；上面的错误信息指出了位置。",
        when=lambda f: f.outcome == "error" and f.script and f.error_type != "exit",
    ),
    Line(
        "{error_process} was killed ({error_message}) before the story could end.",
        "{error_process} 被杀死了（{error_message}），故事没能讲完。",
        when=lambda f: f.outcome == "crash" and not f.script,
    ),
    Line(
        "{error_process} was killed ({error_message}).",
        "{error_process} 被杀死了（{error_message}）。",
        when=lambda f: f.outcome == "crash" and f.script,
    ),
    Line(
        "The run ended normally, but {subject} is expected to end with {expected_shown}: what "
        "it demonstrates did not happen on this run.",
        "运行正常结束了，但{subject}预期的结果是{expected_shown}："
        "它要演示的内容在这次运行中没有发生。",
        when=lambda f: f.outcome == "ok" and f.expected != "ok",
    ),
    Line(
        "The run ended with {outcome_shown} as expected, but {error_type} ({error_message}) "
        "is not the error {subject} demonstrates.",
        "运行如预期以{outcome_shown}结束，"
        "但 {error_type}（{error_message}）不是{subject}要演示的错误。",
        when=lambda f: f.outcome == f.expected == "error" and not f.error_foreseen,
    ),
    Line(
        "{checks_failed} of the {checks_total} checks failed (marked ✗ above), so the "
        "article's claim was not shown on this run.",
        "{checks_total} 项检验中有 {checks_failed} 项没有通过（上面标为 ✗），"
        "所以这次运行没有展示出文章的说法。",
        when=lambda f: f.checks_failed > 0,
    ),
    Line(
        "{unexpected_count} process ended with an exception the story does not foresee "
        "(shown in red above).",
        "有 {unexpected_count} 个进程因故事之外的异常而结束（上面红色显示）。",
        when=lambda f: f.unexpected_count == 1 and not f.script,
    ),
    Line(
        "{unexpected_count} processes ended with an exception the story does not foresee "
        "(shown in red above).",
        "有 {unexpected_count} 个进程因故事之外的异常而结束（上面红色显示）。",
        when=lambda f: f.unexpected_count > 1 and not f.script,
    ),
    Line(
        "{unexpected_count} process ended with an exception (shown in red above).",
        "有 {unexpected_count} 个进程因异常而结束（上面红色显示）。",
        when=lambda f: f.unexpected_count == 1 and f.script,
    ),
    Line(
        "{unexpected_count} processes ended with an exception (shown in red above).",
        "有 {unexpected_count} 个进程因异常而结束（上面红色显示）。",
        when=lambda f: f.unexpected_count > 1 and f.script,
    ),
]

FAILED_CHECK = Line(
    "Failed check: {what}{measured}.",
    "未通过的检验：{what}{measured}。",
)
MEASURED = Line(" (measured: {values})", "（实测：{values}）")

PHASE = Line(
    "{name}: {seconds:.3f} s measured, {theory_s:.3f} s in theory.",
    "{name}：实测 {seconds:.3f} 秒，理论 {theory_s:.3f} 秒。",
)
PHASE_NO_THEORY = Line("{name}: {seconds:.3f} s measured.", "{name}：实测 {seconds:.3f} 秒。")
PHASE_UNFINISHED = Line(
    "{name} never finished: the run was stopped inside it.",
    "{name} 没有完成：运行在它进行中被停止了。",
)

# Shown for a variant that has no story of its own yet: only what the run itself says.
CHECKS_HELD = [
    Line(
        "The check above held on this run.",
        "上面的检验在这次运行中通过了。",
        when=lambda f: f.checks_total == 1 and f.checks_failed == 0,
    ),
    Line(
        "All {checks_total} checks above held on this run.",
        "上面的 {checks_total} 项检验在这次运行中全部通过。",
        when=lambda f: f.checks_total > 1 and f.checks_failed == 0,
    ),
]

NO_STORY = Line(
    "The run ended {outcome_shown}, as {subject} expects.",
    "运行以“{outcome_shown}”结束，符合{subject}的预期。",
)

DROPPED = Line(
    "{dropped_events} events were lost on the way, so the counts above may be short.",
    "有 {dropped_events} 个事件在传递中丢失，所以上面的计数可能偏少。",
    when=lambda f: f.dropped_events > 0,
)

# asyncio steps that held their loop past the tracer's threshold (explain/loop.py): the first line
# that has all its facts is shown.
_BLOCKED_EN = (
    "The asyncio loop was blocked {loop_blocks} time(s) (a step holding it "
    "{loop_block_threshold_ms} ms or more), longest {loop_block_longest_ms} ms by "
)
_BLOCKED_ZH = (
    "asyncio 事件循环被阻塞了 {loop_blocks} 次（某一步占用它 {loop_block_threshold_ms} "
    "毫秒或更久），最长一次 {loop_block_longest_ms} 毫秒，由 "
)
_MEANWHILE_EN = ": no other task of that loop could run meanwhile."
_MEANWHILE_ZH = "：其间该循环的其他任务都无法运行。"
LOOP_BLOCKED = [
    Line(
        _BLOCKED_EN + "{loop_block_by} at {loop_block_at} ({loop_block_call})" + _MEANWHILE_EN,
        _BLOCKED_ZH + "{loop_block_at} 处的 {loop_block_by} 造成（{loop_block_call}）"
        + _MEANWHILE_ZH,
    ),
    Line(
        _BLOCKED_EN + "{loop_block_by} at {loop_block_at}" + _MEANWHILE_EN,
        _BLOCKED_ZH + "{loop_block_at} 处的 {loop_block_by} 造成" + _MEANWHILE_ZH,
    ),
    Line(
        _BLOCKED_EN + "{loop_block_by}" + _MEANWHILE_EN,
        _BLOCKED_ZH + "{loop_block_by} 造成" + _MEANWHILE_ZH,
    ),
]
LOOP_BLOCK_LATE = Line(
    "Sleeps that woke late because of it: {loop_block_late}.",
    "因此晚醒的 sleep：{loop_block_late}。",
)

# A script's output that went around sys.stdout/sys.stderr (core/unreported.py).
UNREPORTED = [
    Line(
        "{unreported_lines} line(s) of output did not go through sys.stdout or sys.stderr "
        "(os.write, sys.stdout.buffer, a program that is not Python), so no event shows "
        "them: {unreported_shown}.",
        "有 {unreported_lines} 行输出没有经过 sys.stdout 或 sys.stderr"
        "（os.write、sys.stdout.buffer 或不是 Python 的程序），所以没有事件显示它们："
        "{unreported_shown}。",
        when=lambda f: f.unreported_lines > 0,
    ),
    Line(
        "At least {unreported_at_least} line(s) of output did not go through sys.stdout or "
        "sys.stderr (os.write, sys.stdout.buffer, a program that is not Python), so no "
        "event shows them (counted, not matched: the output was large).",
        "至少有 {unreported_at_least} 行输出没有经过 sys.stdout 或 sys.stderr"
        "（os.write、sys.stdout.buffer 或不是 Python 的程序），所以没有事件显示它们"
        "（输出很大：只计数，没有逐行核对）。",
    ),
    Line(
        "{unwritten_lines} printed line(s) never reached the run's output (still in the "
        "buffer of a process that ended, or sent elsewhere by the script): {unwritten_shown}.",
        "有 {unwritten_lines} 行打印的内容没有到达这次运行的输出"
        "（进程结束时仍留在缓冲区中，或被脚本送到了别处）：{unwritten_shown}。",
        when=lambda f: f.unwritten_lines > 0,
    ),
]

# A script's child that did not end with exit code 0: a fact of the run, never its
# outcome (the script's own exit status and exception decide that). One sentence
# per child, then, if the script itself ended ok, WENT_ON in the same sentence.
CHILD_END = [
    Line(
        "{child} ended with {child_error} and exit code {child_exitcode}{went_on}.",
        "{child} 因 {child_error} 结束，退出码 {child_exitcode}{went_on}。",
        when=lambda f: f.child_exitcode > 0,
    ),
    Line(
        "{child} ended with exit code {child_exitcode}{went_on}.",
        "{child} 以退出码 {child_exitcode} 结束{went_on}。",
        when=lambda f: f.child_exitcode > 0 and "child_error" not in f,
    ),
    Line(
        "{child} was killed by signal {child_signal} ({child_signal_name}){went_on}.",
        "{child} 被信号 {child_signal}（{child_signal_name}）杀死{went_on}。",
    ),
]
WENT_ON = Line(
    "; the script went on and exited {script_exitcode}",
    "；脚本继续运行，并以 {script_exitcode} 退出",
)

# Children that a library stopped with a signal, grouped by library: how a pool
# stops its workers (leaving ``with Pool(...)`` calls terminate()), not a failure.
STOPPED = [
    Line(
        "Stopped by their pool's terminate() ({signal_name}), not by an error of their "
        "own: {children}.",
        "被它们的进程池的 terminate()（{signal_name}）停止，而不是因为它们自己的错误：{children}。",
        when=lambda f: f.stopped_by == "multiprocessing.pool",
    ),
    Line(
        "Stopped by their executor ({signal_name}), not by an error of their own: {children}.",
        "被它们的执行器（{signal_name}）停止，而不是因为它们自己的错误：{children}。",
        when=lambda f: f.stopped_by.startswith("concurrent.futures"),
    ),
    Line(
        "Stopped by multiprocessing as the main process exited, being daemonic "
        "({signal_name}): {children}.",
        "作为守护进程，在主进程退出时被 multiprocessing 停止（{signal_name}）：{children}。",
        when=lambda f: f.stopped_by == "multiprocessing.util",
    ),
    Line(
        "Stopped by {stopped_by} ({signal_name}), not by an error of their own: {children}.",
        "被 {stopped_by}（{signal_name}）停止，而不是因为它们自己的错误：{children}。",
    ),
]
