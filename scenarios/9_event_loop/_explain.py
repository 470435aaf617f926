"""What each event-loop variant showed, told from the run's facts (see concdemo.explain)."""

from concdemo.explain.template import Line

STORIES = {
    "backends": [
        Line("Each setting ran in a fresh Python process: with nothing set the loop used {default_backend}, and GEVENT_BACKEND got what it asked for ({gevent_backend}).",
             "每种设置都在一个新的 Python 进程中运行：什么都不设置时，事件循环用的是 {default_backend}；GEVENT_BACKEND 要什么就得到什么（{gevent_backend}）。"),
        Line("The article's LIBEV_FLAGS changed nothing ({libev_flags}): gevent creates its libev loop with EVFLAG_NOENV, which tells libev to ignore LIBEV_FLAGS.",
             "文章中的 LIBEV_FLAGS 没有任何作用（{libev_flags}）：gevent 创建 libev 循环时用了 EVFLAG_NOENV，它让 libev 忽略 LIBEV_FLAGS。",
             when=lambda f: f.libev_ignored),
        Line("Set in code before the hub existed, {backend_setting} gave {backend_backend}.",
             "在 hub 创建之前用代码设置 {backend_setting}，得到的是 {backend_backend}。"),
    ],
    "idle-fds": [
        Line("From {fewest} to {most} idle descriptors, one waiting call went from {select_from:g} to {select_to:g} µs with select and from {poll_from:g} to {poll_to:g} µs with poll: they hand the kernel the whole list on every call.",
             "空闲描述符从 {fewest} 个增加到 {most} 个时，一次等待调用用 select 从 {select_from:g} 微秒变成 {select_to:g} 微秒，用 poll 从 {poll_from:g} 微秒变成 {poll_to:g} 微秒：它们每次调用都把整个列表交给内核。"),
        Line("With epoll it went from {epoll_from:g} to {epoll_to:g} µs: epoll keeps its watch list in the kernel and returns only the ready descriptors.",
             "用 epoll 则从 {epoll_from:g} 微秒变成 {epoll_to:g} 微秒：epoll 把监视列表保存在内核中，只返回就绪的描述符。"),
    ],
    "fd-setsize": [
        Line("select() took descriptor {descriptors_low} but refused {descriptors_high} with {raised_type} ({raised_message}): an fd_set has room only for descriptors below FD_SETSIZE = {descriptors_fd_setsize}. poll() and epoll took {descriptors_high} without complaint.",
             "select() 接受了描述符 {descriptors_low}，却以 {raised_type}（{raised_message}）拒绝了 {descriptors_high}：fd_set 只能容纳编号小于 FD_SETSIZE = {descriptors_fd_setsize} 的描述符。poll() 和 epoll 毫无怨言地接受了 {descriptors_high}。"),
        Line("gevent's own select backend (libev) coped with descriptor {descriptors_high} too: the child printed {child_stdout!r}.",
             "gevent 自己的 select 后端（libev）也能处理描述符 {descriptors_high}：子进程打印了 {child_stdout!r}。"),
    ],
}


def extra_facts(result, facts):
    found = {}
    children = {e.detail.get("setting"): e.detail for e in result.events if e.kind == "child-end"}
    if children:
        backends = {s: d.get("backend") for s, d in children.items() if d.get("backend")}
        found["default_backend"] = backends.get("(nothing set)")
        chosen = [f"{s} → {b}" for s, b in backends.items() if s.startswith("GEVENT_BACKEND")]
        libev = [f"{s} → {b}" for s, b in backends.items() if s.startswith("LIBEV_FLAGS")]
        found["gevent_backend"] = ", ".join(chosen) or None
        found["libev_flags"] = ", ".join(libev) or None
        found["libev_ignored"] = bool(libev) and all(
            b == found["default_backend"] for s, b in backends.items() if s.startswith("LIBEV_FLAGS"))
        stdout = [d.get("stdout") for d in children.values() if "stdout" in d]
        found["child_stdout"] = stdout[0] if stdout else None
    measured = [e.detail for e in result.events if e.kind == "measured"]
    if measured:
        idle = sorted({d["idle"] for d in measured})
        found.update(fewest=idle[0], most=idle[-1])
        for backend in ("select", "poll", "epoll"):
            times = {d["idle"]: d["us_per_call"] for d in measured if d["backend"] == backend}
            if idle[0] in times and idle[-1] in times:
                found[f"{backend}_from"] = times[idle[0]]
                found[f"{backend}_to"] = times[idle[-1]]
    return found
