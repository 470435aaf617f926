"""concdemo's own long texts in other languages: the claims, the verdicts' notes and
tolerances, and the command-line help (``--help``).

The translations are in ``concdemo/i18n/zh.py`` (format: ``concdemo.i18n.translations``),
each with a hash of its English source, so that a changed English text shows in
English until its translation is brought up to date (tests/test_i18n.py lists
them). The short interface messages are in ``concdemo.i18n.MESSAGES``, English and
Chinese side by side. Keys:

- ``claim/ID``: a claim (``concdemo.catalogue.claims.CLAIMS``), ``X1`` … for the variants
  beyond the article too
- ``note/ID``, ``tolerance/ID``: a verdict's note and tolerance (``concdemo.catalogue.verdicts``)
- ``help/concdemo``, ``help/COMMAND``, ``help/COMMAND/--option``, ``help/COMMAND/ARGUMENT``
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from concdemo.catalogue.claims import CLAIMS
from concdemo.i18n import translations

ROOT_COMMAND = "concdemo"


def texts_path(lang: str) -> Path:
    return Path(__file__).with_name(f"{lang}.py")


def _texts(lang: str) -> dict[str, translations.Entry]:
    return translations.read(texts_path(lang))


def text(key: str, english: str, lang: str) -> str:
    """``english`` (stored under ``key``) in ``lang``, if a current translation exists."""
    if lang == "en" or not english:
        return english
    return translations.pick(_texts(lang), key, english)


def claim(claim_id: str, lang: str) -> str:
    return text(f"claim/{claim_id}", CLAIMS.get(claim_id, ""), lang)


def verdict_note(claim_id: str, lang: str) -> str:
    from concdemo.catalogue.verdicts import verdict

    return text(f"note/{claim_id}", verdict(claim_id).note, lang)


def tolerance(claim_id: str, lang: str) -> str:
    from concdemo.catalogue.verdicts import verdict

    return text(f"tolerance/{claim_id}", verdict(claim_id).tolerance, lang)


# --- the command-line help ---------------------------------------------------------
# Typer builds a click command tree (Typer 0.28 vendors click as typer._click, so the
# tree is walked by its attributes: commands, params, help, opts, hidden).


def _param_key(command: str, param: Any) -> str:
    if param.param_type_name == "option":
        return f"help/{command}/{max(param.opts, key=len)}"
    return f"help/{command}/{(param.name or '').upper()}"


def _commands(root: Any) -> list[tuple[str, Any]]:
    return [(ROOT_COMMAND, root), *sorted(getattr(root, "commands", {}).items())]


def help_texts(root: Any) -> dict[str, str]:
    """Every help text shown by ``--help``, by key (hidden options are never shown)."""
    found: dict[str, str] = {}
    for name, command in _commands(root):
        if command.help:
            found[f"help/{name}"] = command.help
        for param in command.params:
            shown = getattr(param, "help", None)
            if shown and not getattr(param, "hidden", False):
                found[_param_key(name, param)] = shown
    return found


def translate_help(root: Any, lang: str) -> None:
    """Put ``lang``'s help texts into the click command tree (before it formats --help)."""
    if lang == "en":
        return
    for name, command in _commands(root):
        if command.help:
            command.help = text(f"help/{name}", command.help, lang)
        for param in command.params:
            shown = getattr(param, "help", None)
            if shown:
                param.help = text(_param_key(name, param), shown, lang)


def english_texts() -> dict[str, str]:
    """Every English text this module translates, by key (what the hashes are of)."""
    import typer.main

    from concdemo.catalogue.verdicts import VERDICTS
    from concdemo.commands.cli import app

    found = {f"claim/{c}": text for c, text in CLAIMS.items()}
    for claim_id, found_verdict in VERDICTS.items():
        if found_verdict.note:
            found[f"note/{claim_id}"] = found_verdict.note
        if found_verdict.tolerance:
            found[f"tolerance/{claim_id}"] = found_verdict.tolerance
    return found | help_texts(typer.main.get_command(app))
