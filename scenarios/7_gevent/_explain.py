"""What each gevent variant showed, told from the run's facts (see concdemo.explain)."""

from concdemo.explain.template import Line, nearer

# When a total is not clearly nearer one figure than the other: the figures, no verdict.
SLEEPS = Line("joinall took {phase_joinall_s:.2f} s; the longer sleep was {longer_s:g} s and both together {sum_s:g} s.",
              "joinall 用了 {phase_joinall_s:.2f} 秒；较长的那次睡眠是 {longer_s:g} 秒，两次合计 {sum_s:g} 秒。",
              when=lambda f: not nearer(f.phase_joinall_s, f.expected_s, f.other_s))

STORIES = {
    "sleep": [
        Line("foo printed {first_print} and went to sleep for {longer_s:g} s; gevent.sleep handed control to the event loop, which ran bar, so the prints came {printed}.",
             "foo 打印 {first_print} 后睡眠 {longer_s:g} 秒；gevent.sleep 把控制权交给事件循环，事件循环运行 bar，所以打印顺序是 {printed}。"),
        Line("The two sleeps overlapped ({sleep_peak} at once), so joinall took {phase_joinall_s:.2f} s: the longer sleep ({longer_s:g} s), not the sum ({sum_s:g} s).",
             "两次睡眠互相重叠（同时 {sleep_peak} 个），所以 joinall 用了 {phase_joinall_s:.2f} 秒：是较长的那次睡眠（{longer_s:g} 秒），而不是两者之和（{sum_s:g} 秒）。",
             when=lambda f: f.sleep_peak > 1 and nearer(f.phase_joinall_s, f.longer_s, f.sum_s)),
        SLEEPS,
        Line("spawn() passed each function its argument, and each greenlet's return value landed in its .value: {values}.",
             "spawn() 把参数传给了各自的函数，每个 greenlet 的返回值都放在它的 .value 里：{values}。"),
    ],
    "monkey": [
        Line("Unpatched, in a child process, foo's time.sleep blocked the whole thread: the prints came {printed_unpatched} and the total was {phase_unpatched_s:.2f} s, the sum of both sleeps ({sum_s:g} s).",
             "在没有打补丁的子进程里，foo 的 time.sleep 阻塞了整个线程：打印顺序是 {printed_unpatched}，总耗时 {phase_unpatched_s:.2f} 秒，是两次睡眠之和（{sum_s:g} 秒）。",
             when=lambda f: nearer(f.phase_unpatched_s, f.sum_s, f.longer_s)),
        Line("In this process, after monkey.patch_all(), time.sleep was gevent's: the prints came {printed_patched} and the total was {phase_patched_s:.2f} s, about the longer sleep ({longer_s:g} s).",
             "在本进程中，调用 monkey.patch_all() 之后，time.sleep 就是 gevent 的了：打印顺序是 {printed_patched}，总耗时 {phase_patched_s:.2f} 秒，约等于较长的那次睡眠（{longer_s:g} 秒）。",
             when=lambda f: nearer(f.phase_patched_s, f.longer_s, f.sum_s)),
        Line("The two halves needed two processes: patching is process-wide and cannot be undone.",
             "这两半需要两个进程：补丁作用于整个进程，而且无法撤销。",
             when=lambda f: f.child_done > 0),
    ],
    "late-patch": [
        Line("`from time import sleep` ran before monkey.patch_all(), so the name sleep still pointed at the blocking original, although time.sleep itself was patched.",
             "`from time import sleep` 在 monkey.patch_all() 之前运行，所以名字 sleep 仍然指向会阻塞的原函数，尽管 time.sleep 本身已经打了补丁。",
             when=lambda f: f.checks_total > 0),  # the checks saw both names
        Line("foo's sleep blocked bar (never more than {sleep_peak} sleep at a time; the prints came {printed}), and the total, {phase_joinall_s:.2f} s, was the sum of both sleeps ({sum_s:g} s), as if nothing had been patched.",
             "foo 的睡眠阻塞了 bar（同一时刻最多只有 {sleep_peak} 个睡眠；打印顺序是 {printed}），总耗时 {phase_joinall_s:.2f} 秒，是两次睡眠之和（{sum_s:g} 秒），就像什么都没打补丁一样。",
             when=lambda f: f.sleep_peak == 1 and nearer(f.phase_joinall_s, f.sum_s, f.longer_s)),
        SLEEPS,
    ],
    "joinall-timeout": [
        Line("joinall() returned after {phase_joinall_timeout_s:.2f} s, at its timeout of {phase_joinall_timeout_theory_s:.2f} s, without raising.",
             "joinall() 在 {phase_joinall_timeout_s:.2f} 秒后返回，正是它的超时时间 {phase_joinall_timeout_theory_s:.2f} 秒，没有抛出异常。"),
        Line("'localhost' resolved to {resolved}, found in its .value; the lookup of {failed_name} died with {failed_error}, kept in .exception (its .value is None).",
             "'localhost' 解析为 {resolved}，放在它的 .value 里；{failed_name} 的查询以 {failed_error} 结束，异常保存在 .exception 里（它的 .value 是 None）。"),
        Line("The slow lookup ({slow_dns_seconds:g} s) was still running at the timeout: its .value was None too, just like \u201cno result\u201d, until killall() ended it.",
             "较慢的查询（{slow_dns_seconds:g} 秒）在超时的时候还在运行：它的 .value 也是 None，看起来就像“没有结果”，直到 killall() 结束了它。"),
    ],
    "dns": [
        Line("While {gethostbyname_done} lookups ran ({phase_lookups_s:.3f} s), the ticker greenlet kept its beat: it ticked {check_ticks_during_lookups} time(s) meanwhile and its longest gap was {check_longest_gap_s:.3f} s.",
             "在 {gethostbyname_done} 次查询进行期间（{phase_lookups_s:.3f} 秒），计时 greenlet 一直保持节拍：其间它跳了 {check_ticks_during_lookups} 次，最长的间隔是 {check_longest_gap_s:.3f} 秒。"),
        Line("{resolved_count} name(s) resolved ({resolved}); {failed_name} failed with {failed_error}, kept in .exception: joinall did not raise.",
             "{resolved_count} 个名字解析成功（{resolved}）；{failed_name} 以 {failed_error} 失败，异常保存在 .exception 里：joinall 没有抛出异常。"),
    ],
    "cpu-bound": [
        Line("{cores_tasks} tasks of the same arithmetic ran as greenlets one after the other, never two at once: {check_greenlets_s:.3f} s in the best round, against {check_one_task_s:.3f} s for one task alone. CPU work never waits, so a greenlet never yields.",
             "{cores_tasks} 个同样的计算任务作为 greenlet 一个接一个地运行，从不同时运行两个：最好的一轮用了 {check_greenlets_s:.3f} 秒，而单个任务是 {check_one_task_s:.3f} 秒。CPU 计算从不等待，所以 greenlet 从不让出。"),
        Line("As processes all {check_at_once} ran at the same time and took {check_processes_s:.3f} s: {check_speedup:.2f}× faster than the greenlets, with {check_cores_used} cores in use. Coroutines are for waiting, not for computing.",
             "作为进程，{check_at_once} 个任务同时运行，用了 {check_processes_s:.3f} 秒：比 greenlet 快 {check_speedup:.2f} 倍，使用了 {check_cores_used} 个核心。协程是用来等待的，不是用来计算的。"),
    ],
}


def _sleeps(result, pid=None):
    return [e.detail.get("seconds") for e in result.events
            if e.kind == "sleep-start" and (pid is None or e.pid == pid)]


def extra_facts(result, facts):
    found = {}
    sleeps = _sleeps(result, result.main_pid) or _sleeps(result)
    if sleeps:
        found.update(longer_s=max(sleeps), sum_s=round(sum(sleeps), 6))
        overlap = result.spec.variant.name == "sleep"  # late-patch's sleeps add up
        found["expected_s"] = found["longer_s"] if overlap else found["sum_s"]
        found["other_s"] = found["sum_s"] if overlap else found["longer_s"]
    prints = [(e.pid, e.detail.get("text")) for e in result.events if e.kind == "print"]
    child = [text for pid, text in prints if pid != result.main_pid]
    own = [text for pid, text in prints if pid == result.main_pid]
    if child:
        found["printed_unpatched"] = ", ".join(child)
    if own:
        found["printed_patched"] = ", ".join(own)
    for check in result.checks:
        if "values" in check.detail:
            found["values"] = ", ".join(map(str, check.detail["values"]))
    lookups = [e.detail for e in result.events if e.kind == "gethostbyname-end"]
    addresses = [f"{d['name']} → {d['address']}" for d in lookups if d.get("address")]
    failed = [d for d in lookups if d.get("error")]
    if addresses:
        found.update(resolved=", ".join(addresses), resolved_count=len(addresses))
        if result.spec.variant.name == "joinall-timeout":
            found["resolved"] = lookups[0].get("address") if lookups[0].get("address") else None
    slow = [e.detail.get("seconds") for e in result.events if e.kind == "slow-dns-start"]
    if slow:
        found["slow_dns_seconds"] = slow[0]
    if failed:
        found.update(failed_name=repr(failed[0]["name"]), failed_error=failed[0]["error"])
    return found
