"""Step mode: the scenario waits at each event until the user presses a key.

Enter (or space) lets one event through, ``c`` continues freely, ``q`` stops the
run cleanly. The hang timeout does not run while the scenario waits for the user.
"""

from __future__ import annotations

import contextlib
import os
import select
import sys
import termios
import tty
from collections.abc import Iterator
from pathlib import Path

from concdemo.wire.gate import ENV_GATE, GateKeeper


def hint() -> str:
    """The key help under the live table, in the active language."""
    from concdemo.i18n import tr

    return tr("step_hint")


class StopRequested(KeyboardInterrupt):
    """The user pressed q: stop the run's processes like Ctrl-C does."""


@contextlib.contextmanager
def keys_unbuffered(fd: int) -> Iterator[None]:
    """Single keypresses, no echo; Ctrl-C still interrupts."""
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


class Stepper:
    def __init__(self, key_fd: int | None = None) -> None:
        self._key_fd = sys.stdin.fileno() if key_fd is None else key_fd
        self._keeper: GateKeeper | None = None

    def env(self, run_dir: Path) -> dict[str, str]:
        self._keeper = GateKeeper(str(run_dir / "gate"))
        return {ENV_GATE: self._keeper.path}

    def _keys(self) -> str:
        ready, _, _ = select.select([self._key_fd], [], [], 0)
        if not ready:
            return ""
        return os.read(self._key_fd, 64).decode(errors="replace")

    def tick(self, events_seen: int) -> bool:
        """Handle keypresses; True while the scenario waits for the user."""
        keeper = self._keeper
        if keeper is None:
            return False
        for key in self._keys():
            if key in "\r\n ":
                keeper.step()
            elif key in "cC":
                keeper.run_freely()
            elif key in "qQ":
                raise StopRequested()
        return not keeper.free and events_seen > keeper.permits

    def close(self) -> None:
        if self._keeper is not None:
            self._keeper.close()
            self._keeper = None
