"""Usage errors: one line that names the bad value and the fix, exit code 2."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class UsageError(Exception):
    """Bad input from the user; the CLI prints it without a traceback."""


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """' Did you mean 'pipe'?' when something is close, else ''."""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""
