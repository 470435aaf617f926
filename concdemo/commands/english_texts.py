"""Every English text of concdemo's own that ``concdemo/i18n/zh.py`` translates.

The claims, the verdicts' notes and tolerances, and ``--help``: what the stored
hashes are of (tests/test_i18n.py and scripts/i18n_hashes.py compare them). Not
imported by any command: it needs the whole command tree."""

from __future__ import annotations

import typer.main

from concdemo.catalogue.claims import CLAIMS
from concdemo.catalogue.verdicts import VERDICTS
from concdemo.commands.cli import app
from concdemo.commands.cli_help import help_texts


def english_texts() -> dict[str, str]:
    """Every English text that ``concdemo/i18n/zh.py`` translates, by key (what the
    hashes are of): the claims, the verdicts' notes and tolerances, and ``--help``."""
    found = {f"claim/{c}": text for c, text in CLAIMS.items()}
    for claim_id, found_verdict in VERDICTS.items():
        if found_verdict.note:
            found[f"note/{claim_id}"] = found_verdict.note
        if found_verdict.tolerance:
            found[f"tolerance/{claim_id}"] = found_verdict.tolerance
    return found | help_texts(typer.main.get_command(app))
