"""The two consoles: results on stdout, messages on stderr."""

from __future__ import annotations

import os
import sys

from rich.console import Console


def is_interactive(plain: bool = False) -> bool:
    """Live drawing needs a real terminal that is not dumb, and no --plain."""
    term = os.environ.get("TERM", "")
    return not plain and sys.stdout.isatty() and term not in ("dumb", "unknown")


def stdout_console() -> Console:
    # Rich already honours NO_COLOR and writes no escapes when stdout is not a terminal.
    term = os.environ.get("TERM", "")
    return Console(highlight=False, color_system=None if term == "dumb" else "auto")


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False)
