"""From received bytes to events and on to a view, off the runner's clock.

The receiver's thread empties the FIFO as fast as writers fill it. This module's
thread turns what it received into events and hands them to the view in
batches, at the view's own pace: however slowly a view draws, the runner's loop
(which watches the hang clock) never waits for it, and nothing is lost — what a
view has not shown yet stays in the backlog and is shown when it catches up.

While the scenario runs, the thread keeps to a small share of one CPU (it
sleeps several times as long as it worked): a burst that saturates the machine
is measured as it would run without the CLI, and the view catches up after.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence

from concdemo.core.decoder import Decoder
from concdemo.core.events import Event
from concdemo.core.receiver import Reader
from concdemo.core.store import EventStore

# Work in slices of this many bytes: one block parse each, and no view waits
# for a whole backlog to be decoded before it sees the first of it.
_BLOCK_BYTES = 256 * 1024
_IDLE_S = 0.01
# While the scenario runs: sleep this many times as long as the last slice took,
# so ingestion and drawing use at most 1/(1 + _YIELD) of a CPU (about 15 %).
_YIELD = 6.0

Sink = Callable[[Sequence[Event]], None]


class Ingest:
    def __init__(self, reader: Reader, decoder: Decoder, sink: Sink | None = None) -> None:
        self.reader = reader
        self.decoder = decoder
        self.events = EventStore()
        self.lines_received = 0
        self._sink = sink
        self._backlog: deque[bytes] = deque()
        self._current = b""  # the block being worked through, from _offset on
        self._offset = 0
        self._scenario_running = True
        self._input_ended = False
        self._stop = False
        self._wake = threading.Event()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._loop, name="concdemo-ingest", daemon=True)
        self._thread.start()

    def scenario_ended(self) -> None:
        """No more need to hold back: catch up at full speed."""
        self._scenario_running = False
        self._wake.set()

    def finish(self) -> EventStore:
        """After the writers have gone: take the rest of the pipe, decode and show
        everything, and return every event received, in time order."""
        self._scenario_running = False
        self._input_ended = True
        self._wake.set()
        while self._thread.is_alive():
            # In short waits, so Ctrl-C reaches the main thread while a slow view catches up.
            self._thread.join(timeout=0.1)
        if self._failure is not None:
            raise self._failure
        self.events.seal()
        return self.events

    def stop(self) -> None:
        """Stop without catching up (an error or Ctrl-C in the runner)."""
        self._stop = True
        self._wake.set()
        self._thread.join(timeout=1.0)

    def _loop(self) -> None:
        try:
            while not self._stop:
                ending = self._input_ended
                self._receive(self.reader.drain_block() if ending else self.reader.take_block())
                started = time.perf_counter()
                worked = self._work_slice()
                if ending and not worked:
                    self._flush_decoder()
                    return
                if not worked:
                    self._wake.wait(_IDLE_S)
                elif self._scenario_running:
                    self._wake.wait(max(_IDLE_S, (time.perf_counter() - started) * _YIELD))
                self._wake.clear()
        except BaseException as exc:  # handed to the runner's thread by finish()
            self._failure = exc

    def _receive(self, block: bytes) -> None:
        if block:
            self.lines_received += block.count(b"\n")
            self._backlog.append(block)

    def _flush_decoder(self) -> None:
        """What the decoder still holds (a printed line cut off by its process's end)."""
        first = len(self.events)
        added = self.decoder.flush(self.events)
        if added and self._sink is not None:
            self._sink(self.events.window(first, first + added))

    def _work_slice(self) -> bool:
        """Decode about one block's worth of the backlog and show it; False if idle."""
        if self._offset >= len(self._current):
            if not self._backlog:
                return False
            self._current, self._offset = self._backlog.popleft(), 0
        data, start = self._current, self._offset
        end = data.rfind(b"\n", start, start + _BLOCK_BYTES) + 1
        if end <= start:  # one line longer than a block: take it whole
            end = data.find(b"\n", start) + 1 or len(data)
        self._offset = end
        first = len(self.events)
        added = self.decoder.feed(self.events, data[start:end])
        if added and self._sink is not None:
            self._sink(self.events.window(first, first + added))
        return True
