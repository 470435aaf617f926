"""The event channel: atomic messages from many processes, counted losses, bad input skipped."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from concdemo.core.decoder import Decoder
from concdemo.core.receiver import Reader
from concdemo.wire import channel
from concdemo.wire.channel import PIPE_BUF, Writer, encode


def _collect(reader: Reader, decoder: Decoder, until: int, timeout: float = 20.0) -> list[object]:
    events: list[object] = []
    deadline = time.monotonic() + timeout
    while len(events) < until and time.monotonic() < deadline:
        for line in reader.take():
            event = decoder.decode(line)
            if event is not None:
                events.append(event)
        time.sleep(0.01)
    return events


def test_round_trip_keeps_every_field() -> None:
    decoder = Decoder(t0_ns=1_000)
    line = encode(7, 2_501_000, 42, "Process-1", "MainThread", "recv", "", {"msg": "包子"})
    event = decoder.decode(line.rstrip(b"\n"))
    assert event is not None
    assert (event.seq, event.pid, event.process, event.task, event.kind) == (
        7,
        42,
        "Process-1",
        "MainThread",
        "recv",
    )
    assert event.detail == {"msg": "包子"}
    assert abs(event.t - 0.0025) < 1e-9


def test_cached_line_middles_give_the_same_messages_as_fresh_ones() -> None:
    """The line's middle (pid and names) is cached per lane: with the cache warm,
    every message must come out as it does from an empty cache, for lanes that
    differ in one field only and for names that need repair (never cached)."""
    lanes = [
        (42, "Process-1", "MainThread", "recv", ""),
        (42, "Process-1", "MainThread", "recv", "start"),
        (43, "Process-1", "MainThread", "recv", ""),
        (42, "Process-2", "MainThread", "recv", ""),
        (42, "Process-1", "Thread-1", "recv", ""),
        (42, "Process-\ud800", "MainThread", "recv", ""),  # a lone surrogate: repaired
        (42, "Process-1", 7, "recv", ""),  # not a str: repaired
        (42, "Process-1", ["unhashable"], "recv", ""),
    ]
    details = [{"msg": "包子"}, {"n": 1, "ok": True}, {"x": float("nan")}]
    cases = [(lane, detail) for lane in lanes for detail in details]

    def message(lane: tuple[object, ...], detail: dict[str, object]) -> bytes:
        return encode(3, 5, *lane, detail)  # type: ignore[arg-type]

    fresh = []
    for lane, detail in cases:
        channel._MIDDLES.clear()
        fresh.append(message(lane, detail))
    warm = [message(lane, detail) for _ in range(2) for lane, detail in cases]
    assert warm == fresh * 2
    assert all(json.loads(line) for line in fresh)


def test_oversized_detail_is_shortened_to_stay_atomic() -> None:
    line = encode(0, 0, 1, "p", "t", "big", "", {"blob": "x" * 100_000})
    assert len(line) < PIPE_BUF
    detail = json.loads(line)[7]
    assert detail["blob"].startswith("xxx") and detail["blob"].endswith("[+99000 chars]")
    assert detail["_repaired"] == ["long"]


def test_unserialisable_detail_falls_back_to_repr() -> None:
    line = encode(0, 0, 1, "p", "t", "obj", "", {"value": object()})
    assert "object object at" in json.loads(line)[7]["value"]


def test_malformed_lines_are_counted_and_skipped() -> None:
    decoder = Decoder(t0_ns=0)
    assert decoder.decode(b"not json") is None
    assert decoder.decode(b"[1, 2, 3]") is None
    assert decoder.decode(b'[0, 0, 1, "p", "t", "k", "", "not a dict"]') is None
    good = decoder.decode(encode(0, 0, 1, "p", "t", "k", "", {}).strip())
    assert good is not None
    assert decoder.malformed == 3


def test_gaps_in_a_process_sequence_count_as_dropped() -> None:
    decoder = Decoder(t0_ns=0)
    for seq in (0, 1, 4, 5):  # 2 and 3 never arrived
        decoder.decode(encode(seq, 0, 10, "p", "t", "k", "", {}).strip())
    for seq in (0, 1):
        decoder.decode(encode(seq, 0, 11, "q", "t", "k", "", {}).strip())
    assert decoder.dropped == 2


# Writers are separate interpreters: forking this (threaded) test process
# would warn on Python 3.12+, and concdemo's scenarios never do that either.
_WRITER = """
import os, sys, time
from concdemo.wire.channel import Writer, encode
path, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
writer = Writer(path)
for i in range(count):
    detail = {"i": i, "pad": "p" * (i % 300)}
    writer.write(encode(i, time.monotonic_ns(), os.getpid(), "w" + tag, "MainThread",
                        "burst", "", detail))
"""


def test_many_processes_never_interleave_or_lose_messages(tmp_path: Path) -> None:
    reader = Reader(str(tmp_path / "events"))
    decoder = Decoder(t0_ns=0)
    writers, per_writer = 4, 5_000
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, reader.path, str(n), str(per_writer)])
        for n in range(writers)
    ]
    try:
        events = _collect(reader, decoder, writers * per_writer)
        for p in procs:
            p.wait(timeout=20)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait()
        reader.close()
    assert len(events) == writers * per_writer
    assert decoder.malformed == 0
    assert decoder.dropped == 0
    by_pid: dict[int, list[int]] = {}
    for event in events:
        by_pid.setdefault(event.pid, []).append(event.detail["i"])  # type: ignore[attr-defined]
    assert sorted(len(v) for v in by_pid.values()) == [per_writer] * writers
    assert all(v == sorted(v) for v in by_pid.values())  # each writer's order is kept


def test_writer_survives_the_reader_going_away(tmp_path: Path) -> None:
    reader = Reader(str(tmp_path / "events"))
    writer = Writer(reader.path)
    assert writer.write(b"[]\n")
    reader.close()
    # No reader is left: the write fails with EPIPE, which must not reach the scenario.
    assert writer.write(b"[]\n") is False
    assert writer.broken
    assert writer.write(b"[]\n") is False


def test_writer_without_a_reader_gives_up_quietly(tmp_path: Path) -> None:
    writer = Writer(str(tmp_path / "nobody-listens"))
    assert writer.write(b"[]\n") is False
    assert writer.broken


def _voluntary_switches(thread_id: int) -> int:
    status = Path(f"/proc/self/task/{thread_id}/status").read_text()
    return int(status.split("voluntary_ctxt_switches:")[1].split()[0])


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")
def test_a_quiet_reader_sleeps_until_a_write_comes(tmp_path: Path) -> None:
    """While nothing is written the reader's thread waits in the kernel instead of
    waking every 2 ms (on a CPU the scenario shares, those wake-ups were the CLI's
    largest cost in a quiet run); a write after the quiet spell still arrives."""
    reader = Reader(str(tmp_path / "events"))
    try:
        time.sleep(0.05)  # settled into its wait
        thread_id = reader._thread.native_id
        assert thread_id is not None
        before = _voluntary_switches(thread_id)
        time.sleep(0.3)
        woken = _voluntary_switches(thread_id) - before
        # Polling every 2 ms wakes it about 150 times in 0.3 s; waiting, 0. Margin:
        # a few spurious wake-ups (a signal to this test process) are allowed.
        assert woken < 10, f"the reader woke {woken} times in 0.3 s with nothing to read"
        writer = Writer(reader.path)
        assert writer.write(encode(0, 0, 1, "p", "t", "after-quiet", "", {}))
        events = _collect(reader, Decoder(t0_ns=0), 1, timeout=5.0)
        assert [e.kind for e in events] == ["after-quiet"]  # type: ignore[attr-defined]
    finally:
        reader.close()


def test_close_wakes_a_reader_that_waits_for_data(tmp_path: Path) -> None:
    reader = Reader(str(tmp_path / "events"))
    time.sleep(0.05)  # waiting in poll(), nothing written
    reader.close()
    # close() joins it for at most 1 s: still alive means the wake-up never reached it.
    assert not reader._thread.is_alive()
