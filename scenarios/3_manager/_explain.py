"""What each manager variant showed, told from the run's facts (see concdemo.explain)."""

from concdemo.explain.template import Line

STORIES = {
    "list": [
        Line("{append_count} children appended {appended} (in the order they reached the server) through their proxies; every append() travelled to the manager's server process, which owns the list, so after joining them the parent saw all {result_len} items: {result}.",
             "{append_count} 个子进程通过各自的代理追加了 {appended}（按到达服务进程的先后）；每次 append() 都发到了拥有这个列表的 manager 服务进程，所以 join 它们之后，父进程看到了全部 {result_len} 个元素：{result}。"),
    ],
    "dict": [
        Line("{set_count} children set d[i] = 'a' through their proxies; the dict lives in the manager's server process, so after joining them the parent saw {result_len} keys: {result}.",
             "{set_count} 个子进程通过各自的代理设置了 d[i] = 'a'；字典在 manager 的服务进程中，所以 join 它们之后，父进程看到了 {result_len} 个键：{result}。"),
    ],
    "no-join": [
        Line("The parent did not join the children: it printed the list at once ({result}) and reached the end of the script, and multiprocessing shut the manager's server down before the children's append() got there, so {failed_children} children died with {error_type}.",
             "父进程没有 join 子进程：它立刻打印了列表（{result}），然后到达脚本末尾，multiprocessing 在子进程的 append() 到达之前就关闭了 manager 的服务进程，所以有 {failed_children} 个子进程以 {error_type} 结束。",
             when=lambda f: f.outcome == "error" and not f.fixed),
        Line("Run again with --param fixed=true to join the children first.",
             "用 --param fixed=true 再运行一次，先 join 子进程。",
             when=lambda f: f.outcome == "error" and not f.fixed and f.failed_children > 0),
        Line("With fixed=true the parent joined the children before the manager shut down: all {append_count} appends arrived and the list has {result_len} items: {result}.",
             "使用 fixed=true 时，父进程在 manager 关闭之前 join 了子进程：{append_count} 次 append 全部到达，列表有 {result_len} 个元素：{result}。",
             when=lambda f: f.outcome == "ok" and f.fixed),
    ],
    "race": [
        Line("Without a lock, {racers} processes × {increments} increments should have counted {first_count_expected}, but the counter reached {first_count_got}: {first_count_lost} increments were lost, overwritten between a read and a write.",
             "不加锁时，{racers} 个进程 × {increments} 次递增应该得到 {first_count_expected}，但计数器只到了 {first_count_got}：有 {first_count_lost} 次递增丢失了，在读和写之间被覆盖。",
             when=lambda f: f.first_count_lost > 0),
        Line("With a manager Lock the count was exact, {count_got} of {count_expected}, and took {phase_with_a_manager_lock_s:.2f} s against {phase_without_a_lock_s:.2f} s without.",
             "使用 manager 的 Lock 后计数准确：{count_expected} 中的 {count_got}，用时 {phase_with_a_manager_lock_s:.2f} 秒，不加锁时是 {phase_without_a_lock_s:.2f} 秒。",
             when=lambda f: f.count_lost == 0),
        Line("One increment through the proxy cost {proxy_us:.1f} µs against {local_us:.2f} µs on a local object, {cost_ratio}× as much: every proxy operation is a round trip to the server process.",
             "通过代理做一次递增花费 {proxy_us:.1f} 微秒，而本地对象只要 {local_us:.2f} 微秒，是它的 {cost_ratio} 倍：每次代理操作都要与服务进程往返一次。"),
    ],
}


def extra_facts(result, facts):
    found = {}
    appended = [e.detail["value"] for e in result.events if e.kind == "append"]
    if appended:
        found["appended"] = ", ".join(map(str, appended))
    results = [e.detail for e in result.events if e.kind == "result"]
    if results:
        shown = results[-1].get("list", results[-1].get("dict"))
        found.update(result=repr(shown), result_len=len(shown))
    errors = [e for e in result.events if e.kind == "error"]
    if errors:
        found["failed_children"] = len(errors)
    for event in result.events:
        if event.kind.startswith("cost of one"):
            found.update(proxy_us=event.detail.get("proxy_us"), local_us=event.detail.get("local_us"),
                         cost_ratio=event.detail.get("ratio"))
    return found
