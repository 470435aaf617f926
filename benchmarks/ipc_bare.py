"""The IPC measurements of `concdemo bench`, taken by a plain script: no concdemo.

    python benchmarks/ipc_bare.py              # this script's own table (JSON rows)
    python benchmarks/ipc_bare.py --compare 3  # 3 rounds of concdemo bench --only ipc
                                               # and this script, interleaved

Written separately from ``concdemo/commands/ipc_bench.py`` (same protocol, same message
counts, its own code) so that a mistake in either, or a cost the CLI adds, shows
as a difference. The protocol: a round trip sends a message of the given size to a
forked child (or to the Manager's server) and gets it back; one way sends
``count`` messages and waits for a one-byte acknowledgement. ``--compare`` prints,
for every figure, the median of concdemo's over the median of this script's, and
the same ratio between two halves of this script's own rounds: the noise that a
difference must stand out from.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import socket
import statistics
import subprocess
import sys
import time
from multiprocessing import shared_memory

SIZES = {"64 B": 64, "4 KiB": 4096, "1 MiB": 1 << 20}
RTT = {64: 400, 4096: 300, 1 << 20: 20}
ONEWAY = {64: 4000, 4096: 2000, 1 << 20: 40}
REPEAT = 5
ctx = mp.get_context("fork")


def exactly(read_into, buf):
    """Fill the preallocated ``buf`` (a memoryview) from ``read_into``."""
    done = 0
    while done < len(buf):
        n = read_into(buf[done:])
        if n == 0:
            raise EOFError
        done += n
    return buf


def swallow(read_into, n):
    """Read n bytes into a reused 1 MiB (or smaller) buffer."""
    buf = memoryview(bytearray(min(n, 1 << 20)))
    while n > 0:
        got = read_into(buf[:min(n, len(buf))])
        if got == 0:
            raise EOFError
        n -= got


# Each channel: a child function and the parent's (send, receive) for one message.
def pipe_child(r, w, size, rtt, oneway):
    buf = memoryview(bytearray(size))
    for _ in range(rtt):
        os.write(w, exactly(lambda b: os.readv(r, [b]), buf))
    swallow(lambda b: os.readv(r, [b]), size * oneway)
    os.write(w, b"!")


def sock_child(s, size, rtt, oneway):
    buf = memoryview(bytearray(size))
    for _ in range(rtt):
        s.sendall(exactly(s.recv_into, buf))
    swallow(s.recv_into, size * oneway)
    s.sendall(b"!")


def conn_child(rx, tx, rtt, oneway):
    for _ in range(rtt):
        tx.send_bytes(rx.recv_bytes())
    for _ in range(oneway):
        rx.recv_bytes()
    tx.send_bytes(b"!")


def queue_child(rx, tx, rtt, oneway):
    for _ in range(rtt):
        tx.put(rx.get())
    for _ in range(oneway):
        rx.get()
    tx.put(b"!")


def shm_child(name, size, go, back, rtt, oneway):
    block = shared_memory.SharedMemory(name=name)
    buf = block.buf
    for _ in range(rtt):
        go.acquire()
        buf[:size] = bytes(buf[:size])
        back.release()
    for _ in range(oneway):
        go.acquire()
        bytes(buf[:size])
        back.release()
    del buf
    block.close()


def pin(child):
    """Us on the first core we may use, the child on the second (as concdemo does);
    returns our affinity to restore, or None where there is nothing to pin."""
    if not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2:
        return None
    saved = os.sched_getaffinity(0)
    first, second = sorted(saved)[:2]
    os.sched_setaffinity(0, {first})
    for thread in os.listdir(f"/proc/{child}/task"):  # a Manager's server has threads
        os.sched_setaffinity(int(thread), {second})
    return saved


def unpin(saved):
    if saved is not None:
        os.sched_setaffinity(0, saved)


def one_sample(kind, size, rtt, oneway):
    msg = b"x" * size
    cleanup = []
    if kind == "Manager list":
        with ctx.Manager() as manager:
            lst = manager.list()
            mine = pin(manager._process.pid)
            t = time.perf_counter()
            for _ in range(rtt):
                lst.append(msg)
                lst.pop()
            rtt_s = time.perf_counter() - t
            t = time.perf_counter()
            for _ in range(oneway):
                lst.append(msg)
            len(lst)
            done = time.perf_counter()
            unpin(mine)
            return rtt_s, done - t
    if kind == "os.pipe":
        a_r, a_w = os.pipe()
        b_r, b_w = os.pipe()
        p = ctx.Process(target=pipe_child, args=(a_r, b_w, size, rtt, oneway))
        send = lambda: os.write(a_w, msg)  # noqa: E731
        back = memoryview(bytearray(size))
        recv = lambda: exactly(lambda b: os.readv(b_r, [b]), back)  # noqa: E731
        ack = lambda: os.read(b_r, 1)  # noqa: E731
        cleanup = [lambda fd=fd: os.close(fd) for fd in (a_r, a_w, b_r, b_w)]
    elif kind == "socketpair":
        s1, s2 = socket.socketpair()
        p = ctx.Process(target=sock_child, args=(s2, size, rtt, oneway))
        send = lambda: s1.sendall(msg)  # noqa: E731
        back = memoryview(bytearray(size))
        recv = lambda: exactly(s1.recv_into, back)  # noqa: E731
        ack = lambda: s1.recv(1)  # noqa: E731
        cleanup = [s1.close, s2.close]
    elif kind.startswith("Pipe"):
        if kind == "Pipe duplex":
            c1, c2 = ctx.Pipe()
            tx, rx, their_rx, their_tx = c1, c1, c2, c2
        else:
            their_rx, tx = ctx.Pipe(duplex=False)
            rx, their_tx = ctx.Pipe(duplex=False)
        p = ctx.Process(target=conn_child, args=(their_rx, their_tx, rtt, oneway))
        send = lambda: tx.send_bytes(msg)  # noqa: E731
        recv = ack = rx.recv_bytes
        cleanup = [c.close for c in {tx, rx, their_rx, their_tx}]
    elif kind in ("Queue", "SimpleQueue"):
        make = ctx.Queue if kind == "Queue" else ctx.SimpleQueue
        q1, q2 = make(), make()
        p = ctx.Process(target=queue_child, args=(q1, q2, rtt, oneway))
        send = lambda: q1.put(msg)  # noqa: E731
        recv = ack = q2.get
        cleanup = [q1.close, q2.close]
    elif kind == "shared_memory":
        block = shared_memory.SharedMemory(create=True, size=size)
        go, back = ctx.Semaphore(0), ctx.Semaphore(0)
        p = ctx.Process(target=shm_child, args=(block.name, size, go, back, rtt, oneway))
        buf = block.buf

        def send():
            buf[:size] = msg
            go.release()
            back.acquire()

        def recv():
            return bytes(buf[:size])

        def ack():
            return None

        def free():
            buf.release()
            block.close()
            block.unlink()

        cleanup = [free]
    p.start()
    mine = pin(p.pid)
    t = time.perf_counter()
    for _ in range(rtt):
        send()
        recv()
    rtt_s = time.perf_counter() - t
    t = time.perf_counter()
    for _ in range(oneway):
        send()
    ack()
    oneway_s = time.perf_counter() - t
    unpin(mine)
    p.join()
    for c in cleanup:
        c()
    return rtt_s, oneway_s


KINDS = ["os.pipe", "socketpair", "Pipe duplex", "Pipe simplex", "Queue", "SimpleQueue",
         "shared_memory", "Manager list"]


def table():
    rows = []
    for label, size in SIZES.items():
        for kind in KINDS:
            slow = 4 if kind == "Manager list" else 1
            rtt, oneway = max(3, RTT[size] // slow), max(3, ONEWAY[size] // slow)
            samples = [one_sample(kind, size, rtt, oneway) for _ in range(REPEAT)]
            rows.append({
                "channel": kind, "size": label,
                "rtt_us": statistics.median(s[0] for s in samples) / rtt * 1e6,
                "mib_per_s": size * oneway / statistics.median(s[1] for s in samples) / (1 << 20),
            })
    return rows


def compare(rounds):
    """Interleave `concdemo bench --json --only ipc` and this script, `rounds` times."""
    ours, bare = [], []
    for _ in range(rounds):
        out = subprocess.run([sys.executable, "-m", "concdemo", "bench", "--json", "--only", "ipc"],
                             check=True, capture_output=True, text=True).stdout
        ours.append(json.loads(out)["ipc"]["rows"])
        out = subprocess.run([sys.executable, __file__], check=True, capture_output=True,
                             text=True).stdout
        bare.append(json.loads(out))

    def median(runs, i, key):
        return statistics.median(run[i][key] for run in runs)

    half = max(1, rounds // 2)
    print(f"load average {os.getloadavg()[0]:.2f}; {rounds} rounds; ratio = concdemo / bare "
          f"(bare vs bare: first {half} rounds / the rest, the noise)")
    print(f"{'size':6} {'channel':14} {'rtt':>7} {'noise':>6} {'MiB/s':>7} {'noise':>6}")
    within = total = 0
    for i, row in enumerate(bare[0]):
        ratios = []
        for key in ("rtt_us", "mib_per_s"):
            r = median(ours, i, key) / median(bare, i, key)
            noise = (median(bare[:half], i, key) / median(bare[half:], i, key)
                     if rounds > 1 else float("nan"))
            ratios += [r, noise]
            within += abs(r - 1) <= 0.10
            total += 1
        print(f"{row['size']:6} {row['channel']:14} {ratios[0]:7.2f} {ratios[1]:6.2f} "
              f"{ratios[2]:7.2f} {ratios[3]:6.2f}")
    print(f"{within} of {total} figures within 10 % of the bare script's")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--compare"]:
        compare(int(sys.argv[2]) if len(sys.argv) > 2 else 3)
    else:
        print(json.dumps(table()))
