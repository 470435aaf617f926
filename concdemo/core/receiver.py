"""The CLI's end of the event channel (see ``channel.py`` for the design)."""

from __future__ import annotations

import contextlib
import os
import select
import threading
import time

from concdemo.core.decoder import MAX_LINE_BYTES

_F_SETPIPE_SZ = 1031  # fcntl command, Linux only
_PIPE_SIZE = 1 << 20
_POLL_S = 0.002


class Reader:
    """The receiving end, owned by the CLI.

    A small thread only moves bytes out of the pipe (it releases the GIL while
    it waits), so writers are never held up by the CLI's parsing or drawing.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        os.mkfifo(path, 0o600)
        self._fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        # Our own write end keeps the FIFO from reporting end-of-file whenever
        # the last scenario process closes it; it also lets close() wake the thread.
        self._keepalive = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        with contextlib.suppress(OSError):
            import fcntl

            fcntl.fcntl(self._fd, _F_SETPIPE_SZ, _PIPE_SIZE)
        self._chunks: list[bytes] = []
        self._lock = threading.Lock()
        self._stop = False
        self._partial = b""
        self._skipping = False  # inside an oversized line, until its newline
        self.oversized = 0  # lines dropped for being longer than MAX_LINE_BYTES
        # close() and drain_block() wake the thread from its wait through this pipe.
        self._wake_r, self._wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self._thread = threading.Thread(target=self._pump, name="concdemo-reader", daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        # While bytes come: read, then sleep _POLL_S, so that a burst is taken in
        # batches and no write wakes us (a reader waiting in the kernel is woken
        # by every single write, which costs the writer microseconds per event).
        # Once a read finds nothing: wait in poll() for the next write (only that
        # first one wakes us) or for close(). Sleeping 2 ms at a time throughout
        # woke the CLI 500 times a second during a quiet run: on a CPU the script
        # shared, about 1.5% of it (1.1 ms of the CLI's CPU in an 80 ms run).
        waiting = select.poll()
        waiting.register(self._fd, select.POLLIN)
        waiting.register(self._wake_r, select.POLLIN)
        while True:
            got_any = False
            while True:
                try:
                    chunk = os.read(self._fd, _PIPE_SIZE)
                except BlockingIOError:
                    break
                except OSError:
                    return
                if not chunk:
                    break
                got_any = True
                with self._lock:
                    self._chunks.append(chunk)
            if self._stop and not got_any:
                return
            if got_any:
                time.sleep(_POLL_S)
            else:
                waiting.poll()  # (EINTR is retried by Python itself, PEP 475)

    def _wake(self) -> None:
        if self._wake_w >= 0:  # (-1 once closed: its number may be another file's now)
            with contextlib.suppress(OSError):
                os.write(self._wake_w, b"!")

    def take(self) -> list[bytes]:
        """Complete lines received since the last call."""
        block = self.take_block()
        return block.split(b"\n")[:-1] if block else []

    def take_block(self) -> bytes:
        """Complete lines received since the last call, as one block ending in a newline.

        A line longer than ``MAX_LINE_BYTES`` is no message of ours: it is dropped
        whole (up to its newline) and counted in ``oversized``, so a writer that
        never sends a newline cannot make the CLI hold ever more memory.
        """
        with self._lock:
            chunks, self._chunks = self._chunks, []
        if not chunks:
            return b""
        data = self._partial + b"".join(chunks) if self._partial else b"".join(chunks)
        if self._skipping:
            newline = data.find(b"\n")
            if newline < 0:
                return b""
            data = data[newline + 1 :]
            self._skipping = False
        end = data.rfind(b"\n") + 1
        self._partial = data[end:]
        if len(self._partial) > MAX_LINE_BYTES:
            self._partial = b""
            self.oversized += 1
            self._skipping = True
        return data[:end]

    def drain(self, settle: float = 0.05) -> list[bytes]:
        """Everything still in the pipe, after the writers have gone."""
        block = self.drain_block(settle)
        return block.split(b"\n")[:-1] if block else []

    def drain_block(self, settle: float = 0.05) -> bytes:
        """Like ``take_block``, after the writers have gone; a last line without
        its newline (a writer killed mid-write cannot do that, but garbage can) is
        included, for the decoder to judge."""
        self._stop = True
        self._wake()
        self._thread.join(timeout=max(settle, 0.05) + 1.0)
        while True:
            try:
                chunk = os.read(self._fd, _PIPE_SIZE)
            except (BlockingIOError, OSError):
                break
            if not chunk:
                break
            self._chunks.append(chunk)
        block = self.take_block()
        if self._partial and not self._skipping:
            block += self._partial + b"\n"
        self._partial = b""
        return block

    def close(self) -> None:
        self._stop = True
        self._wake()
        self._thread.join(timeout=1.0)
        wake_w, self._wake_w = self._wake_w, -1
        for fd in (self._fd, self._keepalive, self._wake_r, wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(self.path)
