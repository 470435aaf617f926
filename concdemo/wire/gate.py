"""Step mode's gate: a second FIFO, from the CLI to the scenario's processes.

After sending an event, a process in step mode reads one byte from the gate,
so it really waits until the CLI lets it go: one byte per keypress. To run
freely again the CLI creates a flag file (checked before each wait) and pours
in enough bytes to release everyone already waiting.
"""

from __future__ import annotations

import contextlib
import os

ENV_GATE = "CONCDEMO_GATE"
_RELEASE_ALL = b"c" * 4096


class Gate:
    """The scenario's side: wait for permission after each event."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._free_flag = path + ".free"
        self._fd = -1
        self._pid = -1

    def wait(self) -> None:
        if os.path.exists(self._free_flag):
            return
        pid = os.getpid()
        if self._pid != pid:
            fd = os.open(self._path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
            os.set_blocking(fd, True)
            self._fd, self._pid = fd, pid
        with contextlib.suppress(OSError):
            os.read(self._fd, 1)  # empty only if the CLI is gone: then go on


class GateKeeper:
    """The CLI's side: one permit per step, or free running."""

    def __init__(self, path: str) -> None:
        self.path = path
        os.mkfifo(path, 0o600)
        # Opening our read end first lets the write end open without blocking;
        # keeping it open means the scenario's reads never see end-of-file.
        self._keep = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        self._fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        self.free = False
        self.permits = 0

    def step(self) -> None:
        with contextlib.suppress(BlockingIOError):
            os.write(self._fd, b"s")
            self.permits += 1

    def run_freely(self) -> None:
        if self.free:
            return
        self.free = True
        with open(self.path + ".free", "w"):
            pass
        with contextlib.suppress(BlockingIOError):
            os.write(self._fd, _RELEASE_ALL)

    def close(self) -> None:
        for fd in (self._fd, self._keep):
            with contextlib.suppress(OSError):
                os.close(fd)
        for name in (self.path, self.path + ".free"):
            with contextlib.suppress(OSError):
                os.unlink(name)
