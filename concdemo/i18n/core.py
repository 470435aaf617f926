"""concdemo's own long texts in other languages, kept with a hash of their English.

The translations are in ``concdemo/i18n/zh.py`` (format: ``concdemo.i18n.translations``),
each with a hash of its English source, so that a changed English text shows in
English until its translation is brought up to date (tests/test_i18n.py lists
them). The short interface messages are in ``concdemo.i18n.MESSAGES``, English and
Chinese side by side. Who owns which keys (and so knows their English):

- ``claim/ID``: a claim (``concdemo.catalogue.claims``), ``X1`` … for the variants
  beyond the article too
- ``note/ID``, ``tolerance/ID``: a verdict's note and tolerance (``concdemo.catalogue.verdicts``)
- ``help/concdemo``, ``help/COMMAND``, ``help/COMMAND/--option``, ``help/COMMAND/ARGUMENT``:
  the command-line help (``concdemo.commands.cli_help``)

This module only looks texts up: it knows no claim and no command.
"""

from __future__ import annotations

from pathlib import Path

from concdemo.i18n import translations


def texts_path(lang: str) -> Path:
    return Path(__file__).with_name(f"{lang}.py")


def _texts(lang: str) -> dict[str, translations.Entry]:
    return translations.read(texts_path(lang))


def text(key: str, english: str, lang: str) -> str:
    """``english`` (stored under ``key``) in ``lang``, if a current translation exists."""
    if lang == "en" or not english:
        return english
    return translations.pick(_texts(lang), key, english)
