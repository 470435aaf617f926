"""Print (and, asked to, store) the hashes that keep translations in step with the English.

Each translated text is stored with a short hash of the English it translates
(concdemo/i18n/translations.py). After changing an English text, update its
translation, then store the new hash:

    python scripts/i18n_hashes.py                       # every missing or stale entry
    python scripts/i18n_hashes.py pool                  # one scenario's entries, current hashes
    python scripts/i18n_hashes.py pool variant/apply/title --write
    python scripts/i18n_hashes.py core claim/X1 --write # claims, verdict notes, --help

``--write`` stores the current hash for the keys named (or, with no key, for the
entries whose hash is still empty, as written by hand for a new text); it never
refreshes a stale hash you did not name, because that would hide an outdated
translation. ``--lang`` picks the language (default zh). Scenarios from
CONCDEMO_SCENARIO_PATH are included.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from concdemo.catalogue import catalog
from concdemo.catalogue import texts as scenario_texts
from concdemo.i18n import core as i18n_core
from concdemo.i18n import translations


def units(lang: str) -> dict[str, tuple[Path, dict[str, str]]]:
    """name -> (translation file, English texts by key): "core" and every scenario."""
    from concdemo.commands.english_texts import english_texts
    from concdemo.commands.tour import NARRATION

    found = {"core": (i18n_core.texts_path(lang), english_texts())}
    for scenario in catalog.load().values():
        english = scenario_texts.english_texts(scenario, NARRATION.get(scenario.name))
        found[scenario.name] = (scenario_texts.texts_path(scenario.folder, lang), english)
    return found


def _docstring(path: Path, name: str) -> str:
    if path.is_file():
        return path.read_text(encoding="utf-8").split('"""')[1]
    return f"Translations for {name}: per text, a hash of its English source, then the text.\n"


def write(path: Path, name: str, english: dict[str, str], keys: list[str]) -> list[str]:
    """Store the current hash for ``keys`` (or the empty ones); the keys it changed."""
    texts = translations.read(path)
    chosen = keys or [key for key, (digest, _) in texts.items() if not digest]
    unknown = [key for key in chosen if key not in texts or key not in english]
    if unknown:
        raise SystemExit(f"{name}: no translation or no English text for {', '.join(unknown)}")
    changed = []
    for key in chosen:
        digest = translations.source_hash(english[key])
        if texts[key][0] != digest:
            texts[key] = (digest, texts[key][1])
            changed.append(key)
    # Entries in the order of the English texts, so files stay in catalogue order.
    ordered = {key: texts[key] for key in english if key in texts}
    ordered |= {key: entry for key, entry in texts.items() if key not in ordered}
    path.write_text(translations.render(_docstring(path, name), ordered), encoding="utf-8")
    translations._read.cache_clear()
    return changed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("unit", nargs="?", help="a scenario name, or core")
    parser.add_argument("keys", nargs="*", help="entries, e.g. variant/apply/title")
    parser.add_argument("--write", action="store_true", help="store the current hashes")
    parser.add_argument("--lang", default="zh")
    args = parser.parse_args(argv)
    found = units(args.lang)
    if args.unit is not None and args.unit not in found:
        raise SystemExit(f"No scenario '{args.unit}'; choose from: {', '.join(found)}")
    if args.write:
        if args.unit is None:
            raise SystemExit("--write needs a scenario name (or core), and the keys to store.")
        path, english = found[args.unit]
        changed = write(path, args.unit, english, args.keys)
        print(f"{path}: stored the current hash for {', '.join(changed) or 'nothing'}")
        return 0
    # Without a scenario: only what needs work. With one: its entries, or the keys named.
    problems = 0
    for name, (path, english) in found.items():
        if args.unit is not None and name != args.unit:
            continue
        texts = translations.read(path)
        for key, source in english.items():
            if not source or (args.keys and key not in args.keys):
                continue
            digest = translations.source_hash(source)
            stored = texts.get(key, ("", ""))[0]
            state = "ok" if stored == digest else ("missing" if key not in texts else "STALE")
            problems += state != "ok"
            if state != "ok" or args.unit is not None:
                print(f"{name:16} {key:40} {digest}  {state:7}  {source[:50]!r}")
    return 1 if problems else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
