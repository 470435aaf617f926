"""Checks a scenario can ask for on a parameter's value before the run starts.

In ``about.py`` PARAMS, ``"check": "url"`` names one of ``CHECKS``, and
``"pattern": r"..."`` requires the whole value to match a regular expression
(with ``"pattern_help"`` saying in words what is expected). A failed check is a
usage error: one line that names the value and the fix, exit 2, nothing run; its
text is an ``i18n.Message`` (English and Chinese in ``concdemo.i18n.MESSAGES``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from concdemo.base.errors import UsageError
from concdemo.i18n import Message

if TYPE_CHECKING:
    from concdemo.catalogue.catalog import Param

FETCHABLE_SCHEMES = ("http", "https")


def _url(name: str, value: str) -> None:
    """Only what the crawler can fetch: an http(s) URL with a host."""
    parts = urlsplit(value)
    if parts.scheme.lower() in FETCHABLE_SCHEMES and parts.hostname:
        return
    if not parts.scheme:
        raise UsageError(Message("param_url_no_scheme", name=name, value=value))
    if parts.scheme.lower() not in FETCHABLE_SCHEMES:
        raise UsageError(Message("param_url_scheme", name=name, value=value, scheme=parts.scheme))
    raise UsageError(Message("param_url_no_host", name=name, value=value))


CHECKS: dict[str, Callable[[str, str], None]] = {"url": _url}


def known(check: str) -> bool:
    return check in CHECKS


def validate(param: Param, value: object, wanted: str = "") -> None:
    """Raise UsageError when ``value`` fails the parameter's declared check or pattern.

    ``wanted`` is the pattern in words as the screen shows it (``param.pattern_help``
    unless given: ``scenario_texts.pattern_help`` translates it)."""
    name, check, pattern = param.name, param.check, param.pattern
    if check is not None:
        checker = CHECKS.get(check)
        if checker is None:  # a scenario author's slip, named so it can be fixed
            raise UsageError(
                Message("param_check_unknown", name=name, check=check, checks=", ".join(CHECKS))
            )
        checker(name, str(value))
    if pattern is not None and not re.fullmatch(pattern, str(value)):
        shown = wanted or param.pattern_help or Message("param_pattern_any", pattern=pattern)
        raise UsageError(
            Message("param_pattern", name=name, value=value, wanted=shown, default=param.default)
        )
