"""Round-trip latency and one-way throughput of the IPC channels the article uses.

Every channel is measured the same way, between this process and one other
(a child started with the platform's default start method, or the Manager's
server process): a round trip sends a message of the given size and gets it
back; one-way throughput sends ``count`` messages and waits for one short
acknowledgement that all of them arrived. ``os.pipe`` is the floor: the bare
kernel pipe, no pickling, no locks, that every other channel is compared with.

Where the machine has two cores or more, this process and the far end are each
kept on a core of their own for the sample (``sched_setaffinity``): a small
message's round trip takes about three times as long between two cores as on
one (here 50 us against 15 us for 4 KiB over os.pipe), and left to the
scheduler a sample would land in either mode, so that two runs could differ by
3x while measuring the same thing.

Only the standard library here; ``benchmarks/ipc_bare.py`` is an independent
plain script taking the same measurements, to check that these figures are not
changed by running inside the CLI.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import socket
import statistics
import time
from collections.abc import Callable
from typing import Any

SIZES = {"64 B": 64, "4 KiB": 4096, "1 MiB": 1 << 20}
FLOOR = "os.pipe"
# Messages per sample: enough that one sample takes a few milliseconds or more.
_RTT_COUNT = {64: 400, 4096: 300, 1 << 20: 20}
_ONEWAY_COUNT = {64: 4000, 4096: 2000, 1 << 20: 40}
_SLOW = {"Manager list": 4}  # a proxy call is a socket round trip: fewer of them


# --- the far ends: each runs in the other process ---------------------------------


# The byte channels read into one buffer made beforehand: the figures are the
# channel's, not those of allocating (and joining) a bytes object per read.
ReadInto = Callable[[memoryview], int]


def _fill(read_into: ReadInto, view: memoryview) -> None:
    """Read until ``view`` is full."""
    got = 0
    while got < len(view):
        count = read_into(view[got:])
        if not count:
            raise EOFError
        got += count


def _drain(read_into: ReadInto, total: int) -> None:
    """Read ``total`` bytes and keep none, up to 1 MiB at a time."""
    view = memoryview(bytearray(min(total, 1 << 20)))
    while total:
        count = read_into(view[: min(total, len(view))])
        if not count:
            raise EOFError
        total -= count


def _fd_reader(fd: int) -> ReadInto:
    return lambda view: os.readv(fd, [view])


def _fd_echo(rfd: int, wfd: int, size: int, rtt: int, oneway: int) -> None:
    view, read_into = memoryview(bytearray(size)), _fd_reader(rfd)
    for _ in range(rtt):
        _fill(read_into, view)
        os.write(wfd, view)
    _drain(read_into, size * oneway)
    os.write(wfd, b"!")


def _sock_echo(sock: socket.socket, size: int, rtt: int, oneway: int) -> None:
    view = memoryview(bytearray(size))
    for _ in range(rtt):
        _fill(sock.recv_into, view)
        sock.sendall(view)
    _drain(sock.recv_into, size * oneway)
    sock.sendall(b"!")


def _conn_echo(inbox: Any, outbox: Any, rtt: int, oneway: int) -> None:
    for _ in range(rtt):
        outbox.send_bytes(inbox.recv_bytes())
    for _ in range(oneway):
        inbox.recv_bytes()
    outbox.send_bytes(b"!")


def _queue_echo(inbox: Any, outbox: Any, rtt: int, oneway: int) -> None:
    for _ in range(rtt):
        outbox.put(inbox.get())
    for _ in range(oneway):
        inbox.get()
    outbox.put(b"!")


def _shm_echo(name: str, size: int, ready: Any, done: Any, rtt: int, oneway: int) -> None:
    from multiprocessing import shared_memory

    block = shared_memory.SharedMemory(name=name)
    try:
        view: Any = block.buf
        for _ in range(rtt):
            ready.acquire()
            view[:size] = bytes(view[:size])  # read it out, write it back
            done.release()
        for _ in range(oneway):
            ready.acquire()
            bytes(view[:size])
            done.release()
        del view
    finally:
        block.close()


# --- this end ----------------------------------------------------------------------


def pinned_cores() -> tuple[int, int] | None:
    """Two cores for the two ends, or None (one core, or no affinity on this platform)."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cores = sorted(os.sched_getaffinity(0))
    return (cores[0], cores[1]) if len(cores) >= 2 else None


def _threads(pid: int) -> list[int]:
    """The ids of ``pid``'s threads (Linux lists them under /proc), else just ``pid``."""
    try:
        return [int(tid) for tid in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        return [pid]


class _TwoCores:
    """This thread on one core and ``far_pid`` on another, for one sample."""

    def __init__(self, far_pid: int | None) -> None:
        self.far_pid, self.cores = far_pid, pinned_cores()
        self.saved: set[int] | None = None

    def __enter__(self) -> None:
        if self.cores is None or self.far_pid is None:
            return
        self.saved = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {self.cores[0]})
        for thread in _threads(self.far_pid):  # a Manager's server serves from threads
            os.sched_setaffinity(thread, {self.cores[1]})

    def __exit__(self, *exc_info: object) -> None:
        if self.saved is not None:
            os.sched_setaffinity(0, self.saved)


def _timed(round_trip: Callable[[], None], count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        round_trip()
    return time.perf_counter() - started


def _sample(kind: str, size: int, rtt: int, oneway: int) -> tuple[float, float]:
    """(seconds for ``rtt`` round trips, seconds for ``oneway`` messages one way)."""
    # fork: the far end must inherit plain descriptors (os.pipe) as they are.
    ctx = multiprocessing.get_context("fork")
    message = b"x" * size
    if kind == "Manager list":
        with ctx.Manager() as manager:
            items = manager.list()

            def there_and_back() -> None:
                items.append(message)
                items.pop()

            with _TwoCores(manager._process.pid):  # type: ignore[attr-defined]
                rtt_s = _timed(there_and_back, rtt)
                started = time.perf_counter()
                for _ in range(oneway):
                    items.append(message)
                len(items)  # the acknowledgement: every append has been answered
                return rtt_s, time.perf_counter() - started
    # One function for every channel keeps the timed loops identical; the ends'
    # types differ per branch.
    child: Any
    mine: Any
    theirs: Any
    view: Any
    if kind == "os.pipe":
        down_r, down_w = os.pipe()
        up_r, up_w = os.pipe()
        child = ctx.Process(target=_fd_echo, args=(down_r, up_w, size, rtt, oneway))
        child.start()

        reply, read_reply = memoryview(bytearray(size)), _fd_reader(up_r)

        def there_and_back() -> None:
            os.write(down_w, message)
            _fill(read_reply, reply)

        def one_way() -> None:
            os.write(down_w, message)

        def ack() -> None:
            os.read(up_r, 1)

        closers: list[Callable[[], None]] = [
            functools.partial(os.close, fd) for fd in (down_r, down_w, up_r, up_w)
        ]
    elif kind == "socketpair":
        mine, theirs = socket.socketpair()
        child = ctx.Process(target=_sock_echo, args=(theirs, size, rtt, oneway))
        child.start()

        reply = memoryview(bytearray(size))

        def there_and_back() -> None:
            mine.sendall(message)
            _fill(mine.recv_into, reply)

        def one_way() -> None:
            mine.sendall(message)

        def ack() -> None:
            mine.recv(1)

        closers = [mine.close, theirs.close]
    elif kind in ("Pipe duplex", "Pipe simplex"):
        if kind == "Pipe duplex":
            mine, theirs = ctx.Pipe(duplex=True)
            inbox, outbox, their_in, their_out = mine, mine, theirs, theirs
        else:
            their_in, outbox = ctx.Pipe(duplex=False)
            inbox, their_out = ctx.Pipe(duplex=False)
        child = ctx.Process(target=_conn_echo, args=(their_in, their_out, rtt, oneway))
        child.start()

        def there_and_back() -> None:
            outbox.send_bytes(message)
            inbox.recv_bytes()

        def one_way() -> None:
            outbox.send_bytes(message)

        def ack() -> None:
            inbox.recv_bytes()

        ends = {id(c): c for c in (inbox, outbox, their_in, their_out)}.values()
        closers = [c.close for c in ends]
    elif kind in ("Queue", "SimpleQueue"):
        make = ctx.Queue if kind == "Queue" else ctx.SimpleQueue
        down, up = make(), make()
        child = ctx.Process(target=_queue_echo, args=(down, up, rtt, oneway))
        child.start()

        def there_and_back() -> None:
            down.put(message)
            up.get()

        def one_way() -> None:
            down.put(message)

        def ack() -> None:
            up.get()

        closers = [down.close, up.close]
    elif kind == "shared_memory":
        from multiprocessing import shared_memory

        block = shared_memory.SharedMemory(create=True, size=size)
        ready, done = ctx.Semaphore(0), ctx.Semaphore(0)
        child = ctx.Process(target=_shm_echo, args=(block.name, size, ready, done, rtt, oneway))
        child.start()
        view = block.buf

        def there_and_back() -> None:
            view[:size] = message
            ready.release()
            done.acquire()
            bytes(view[:size])

        def one_way() -> None:
            view[:size] = message
            ready.release()
            done.acquire()  # one slot: the next message waits until this one is read

        def ack() -> None:
            pass

        def release_block() -> None:
            view.release()
            block.close()
            block.unlink()

        closers = [release_block]
    else:
        raise ValueError(f"unknown channel {kind!r}")
    try:
        with _TwoCores(child.pid):
            rtt_s = _timed(there_and_back, rtt)
            started = time.perf_counter()
            for _ in range(oneway):
                one_way()
            ack()
            oneway_s = time.perf_counter() - started
        child.join()
    finally:
        if child.is_alive():
            child.kill()
            child.join()
        for close in closers:
            close()
    return rtt_s, oneway_s


KINDS = (
    "os.pipe",
    "socketpair",
    "Pipe duplex",
    "Pipe simplex",
    "Queue",
    "SimpleQueue",
    "shared_memory",
    "Manager list",
)


def measure(repeat: int = 5, scale: float = 1.0, kinds: tuple[str, ...] = KINDS) -> dict[str, Any]:
    """Medians over ``repeat`` samples; ``scale`` shrinks the message counts (--quick)."""
    rows = []
    for label, size in SIZES.items():
        floor: dict[str, float] = {}
        for kind in kinds:
            slow = _SLOW.get(kind, 1)
            rtt = max(3, int(_RTT_COUNT[size] * scale / slow))
            oneway = max(3, int(_ONEWAY_COUNT[size] * scale / slow))
            samples = [_sample(kind, size, rtt, oneway) for _ in range(repeat)]
            rtt_us = statistics.median(s[0] for s in samples) / rtt * 1e6
            mib_s = size * oneway / statistics.median(s[1] for s in samples) / (1 << 20)
            if kind == FLOOR:
                floor = {"rtt_us": rtt_us, "mib_s": mib_s}
            rows.append(
                {
                    "channel": kind,
                    "size": label,
                    "bytes": size,
                    "round_trips": rtt,
                    "messages": oneway,
                    "rtt_us": round(rtt_us, 2),
                    "mib_per_s": round(mib_s, 2),
                    # Slower than the floor is > 1 for both: latency over, throughput under.
                    "rtt_ratio": round(rtt_us / floor["rtt_us"], 3) if floor else None,
                    "throughput_ratio": round(floor["mib_s"] / mib_s, 3) if floor else None,
                }
            )
    cores = pinned_cores()
    return {
        "repeat": repeat,
        "floor": FLOOR,
        "start_method": "fork",
        "pinned_cores": None if cores is None else list(cores),
        "rows": rows,
    }
