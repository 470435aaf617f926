"""Usage errors: one line that names the bad value and the fix, exit code 2."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class UsageError(Exception):
    """Bad input from the user; the CLI prints it without a traceback.

    Its one argument is the text: an ``concdemo.i18n.Message`` where the error is
    shown to a user in their language, or a plain English string."""


def closest(value: str, choices: Iterable[str]) -> str | None:
    """The choice ``value`` was most likely meant to be, if one is close enough."""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None
