"""The two consoles: results on stdout, messages on stderr."""

from __future__ import annotations

import errno
import os
import sys

from rich.console import Console


def is_interactive(plain: bool = False) -> bool:
    """Live drawing needs a real terminal that is not dumb, and no --plain."""
    term = os.environ.get("TERM", "")
    return not plain and sys.stdout.isatty() and term not in ("dumb", "unknown")


class _StdoutConsole(Console):
    def on_broken_pipe(self) -> None:
        # Rich would exit 1 on the spot, which reads as "a run was not as
        # expected"; the CLI turns this into its quiet closed-stdout exit instead.
        self.quiet = True
        raise BrokenPipeError(errno.EPIPE, "stdout was closed by its reader")


# No ":name:" emoji codes: nothing we show uses them, a scenario's text could
# contain one by accident, and the replacement (a 3,600-entry table and a regex
# pass over every cell) was a quarter of the time `concdemo list` spent drawing.
def stdout_console() -> Console:
    # Rich already honours NO_COLOR and writes no escapes when stdout is not a terminal.
    term = os.environ.get("TERM", "")
    return _StdoutConsole(
        highlight=False, emoji=False, color_system=None if term == "dumb" else "auto"
    )


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False, emoji=False)
