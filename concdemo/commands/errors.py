"""Usage errors: one line that names the bad value and the fix, exit code 2."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class UsageError(Exception):
    """Bad input from the user; the CLI prints it without a traceback."""


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """' Did you mean 'pipe'?' when something is close, else ''.

    A ``concdemo.i18n.Message``: English where it is stored, shown in the language
    of the screen when it is part of another Message (a usage error's text)."""
    from concdemo.i18n import Message

    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return Message("did_you_mean", name=close[0]) if close else ""


def message(error: UsageError) -> str:
    """The error's text in the language of the screen."""
    from concdemo.i18n import shown

    return shown(error.args[0]) if error.args else str(error)
