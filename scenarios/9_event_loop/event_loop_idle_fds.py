"""select and poll slow down with every idle descriptor; epoll's cost stays flat.

Each loop iteration of an event loop makes one waiting call. Here that call
watched 4 busy sockets (data waiting) plus 10 ... N idle ones, for each of the
three backends libev can use on Linux. select and poll hand the kernel the
whole list on every call and the kernel checks every descriptor, so the time
per call grew with the idle ones. epoll keeps its watch list in the kernel and
returns only the ready descriptors, so its time stayed flat: that is the
article's reason for epoll with many mostly idle connections. select is only
measured while every descriptor is below FD_SETSIZE (1024); see fd-setsize.
"""

import resource
import select
import socket
import time

from concdemo import probe

VARIANT = "idle-fds"
CLAIMS = ["GE9"]
EXPECT = "ok"

BUSY = 4
FD_SETSIZE = 1024
EXTRA_FDS = 64  # stdio, the event channel, the busy sockets, Python's own


def allow_descriptors(needed):
    """Raise the soft RLIMIT_NOFILE as far as needed (never past the hard limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return needed
    new_soft = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    if new_soft > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (new_soft, hard))
        probe.event("rlimit", soft_was=soft, soft_now=new_soft, hard=hard)
    if new_soft < needed:
        probe.event("limited", wanted=needed, allowed=new_soft,
                    why="RLIMIT_NOFILE's hard limit; raise it with `ulimit -Hn` (as root)")
    return new_soft


def seconds_per_call(call, budget=0.03):
    """Average time of one call, repeated for about `budget` seconds."""
    calls, started = 0, time.perf_counter()
    while True:
        call()
        calls += 1
        elapsed = time.perf_counter() - started
        if elapsed >= budget and calls >= 10:
            return elapsed / calls


def wait_once(backend, fds):
    """One loop iteration's waiting call (timeout 0: the busy sockets are ready)."""
    if backend == "select":
        return lambda: select.select(fds, [], [], 0)
    watcher = select.poll() if backend == "poll" else select.epoll()
    for fd in fds:
        watcher.register(fd, select.POLLIN if backend == "poll" else select.EPOLLIN)
    return lambda: watcher.poll(0)


if __name__ == "__main__":
    params = probe.start()
    limit = allow_descriptors(params.idle + EXTRA_FDS)
    most = min(params.idle, limit - EXTRA_FDS) // 2 * 2  # idle sockets come in pairs
    sizes = sorted({n for n in (10, 100, 1000, most) if n <= most})

    busy = [socket.socketpair() for _ in range(BUSY)]
    for _, writer in busy:
        writer.send(b"x")  # never read: the reader stays ready on every call
    pairs = [socket.socketpair() for _ in range(most // 2)]
    idle = sorted(fd for pair in pairs for fd in (pair[0].fileno(), pair[1].fileno()))
    ready = [reader.fileno() for reader, _ in busy]

    times = {}  # (backend, idle count) -> seconds per call
    for backend in ("select", "poll", "epoll"):
        with probe.phase(backend):
            for n in sizes:
                fds = ready + idle[:n]
                if backend == "select" and max(fds) >= FD_SETSIZE:
                    probe.event("skipped", backend=backend, idle=n, why="descriptor ≥ FD_SETSIZE")
                    continue
                call = wait_once(backend, fds)
                times[backend, n] = seconds_per_call(call)
                probe.event("measured", backend=backend, idle=n,
                            us_per_call=round(times[backend, n] * 1e6, 1))
    for pair in pairs + busy:
        for sock in pair:
            sock.close()

    def growth(backend):
        measured = [n for n in sizes if (backend, n) in times]
        return times[backend, measured[-1]] / times[backend, measured[0]], measured[-1]

    for backend, expect_growth in (("select", True), ("poll", True), ("epoll", False)):
        factor, largest = growth(backend)
        if expect_growth:
            ok = factor >= 3 if largest >= 1000 else factor > 1
            what = f"{backend} slows down with idle descriptors (10 → {largest})"
        else:
            ok = factor < 3
            what = f"epoll stays flat with idle descriptors (10 → {largest})"
        probe.check(what, ok, times_slower=round(factor, 1))
