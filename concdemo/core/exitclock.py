"""When the scenario's main process ended, read from the process itself.

A thread waits for the exit with ``waitid(WNOWAIT)``, which leaves the process
for its Popen object to reap as before, and notes the time the moment the
kernel reports it. So ``wall_s`` is the scenario's own, whatever the CLI was
busy with when the process ended.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable


class ExitClock:
    def __init__(self, pid: int, poll: Callable[[], int | None]) -> None:
        self.exit_ns: int | None = None
        self._pid = pid
        self._poll = poll
        self._ended = threading.Event()
        self._thread: threading.Thread | None = None
        if hasattr(os, "waitid"):
            self._thread = threading.Thread(target=self._watch, name="concdemo-exit", daemon=True)
            self._thread.start()

    def _watch(self) -> None:
        try:
            os.waitid(os.P_PID, self._pid, os.WEXITED | os.WNOWAIT)
        except ChildProcessError:
            pass  # already reaped by Popen: the runner noticed the end itself
        except OSError:
            return  # cannot watch: wait() falls back to polling
        self._mark()

    def _mark(self) -> None:
        if self.exit_ns is None:
            self.exit_ns = time.monotonic_ns()
        self._ended.set()

    def wait(self, seconds: float) -> bool:
        """True once the main process has ended; waits at most ``seconds``."""
        if self._thread is None or not self._thread.is_alive():
            if self._ended.is_set():
                return True
            if self._poll() is not None:
                self._mark()
                return True
            time.sleep(seconds)
            return False
        return self._ended.wait(seconds)

    def close(self) -> None:
        if self._thread is not None:
            self._thread.join(timeout=1.0)
