"""Translation files: each translated text stored with a short hash of its English source.

A translation file (``scenarios/4_pool/zh.py``, ``concdemo/i18n/zh.py``) holds one
module-level literal, read with ``ast`` like a scenario's ``about.py`` (never
imported, so a scenario folder added through CONCDEMO_SCENARIO_PATH can carry
its own)::

    TEXTS = {
        "title": ("3f2a9c1e", "进程池 Pool：……"),
    }

The hash is of the English text the entry translates. When that English changes,
the hash no longer matches: the screen shows the English (a translation of an
older text might say something the new one does not), and tests/test_i18n.py
lists every such stale entry. ``python scripts/i18n_hashes.py`` prints the
current hashes.

Why hand-written tables and not gettext: gettext's catalogues need a compile
step (msgfmt or Babel) and are found by domain and locale directory, while each
scenario folder must carry its own, readable without importing anything; its
fuzzy-matching workflow is what the stored hash does in one line. Plural forms
are in ``concdemo.i18n.PLURALS`` (gettext's model: a form per plural category).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

# ast, hashlib and json are imported where used: English screens never need them, and
# `concdemo list` start-up is measured.

HASH_LENGTH = 8
Entry = tuple[str, str]  # (hash of the English source, translation)


def source_hash(english: str) -> str:
    """The short hash a translation stores of the English text it translates."""
    import hashlib

    return hashlib.sha256(english.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def pick(texts: dict[str, Entry], key: str, english: str) -> str:
    """The translation of ``english`` under ``key`` if it is there and current, else English."""
    entry = texts.get(key)
    if entry is None or not english or entry[0] != source_hash(english):
        return english
    return entry[1]


def read(path: Path) -> dict[str, Entry]:
    """The ``TEXTS`` of a translation file; empty when there is none."""
    return _read(path)


@cache
def _read(path: Path) -> dict[str, Entry]:
    import ast

    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    tree = ast.parse(source, filename=str(path))
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == "TEXTS"
        ):
            found = ast.literal_eval(node.value)
            return {str(k): (str(v[0]), str(v[1])) for k, v in found.items()}
    return {}


def problems(texts: dict[str, Entry], english: dict[str, str]) -> list[str]:
    """Every entry that is missing, stale or translates nothing, one line each."""
    found: list[str] = []
    for key, source in english.items():
        if not source:
            continue
        entry = texts.get(key)
        if entry is None:
            found.append(f"missing {key} (hash {source_hash(source)}): {source[:60]!r}")
        elif entry[0] != source_hash(source):
            found.append(
                f"stale {key}: stored {entry[0] or '(none)'}, English now {source_hash(source)}:"
                f" {source[:60]!r}"
            )
    found += [f"orphan {key}: no such English text" for key in texts if key not in english]
    return found


def render(doc: str, texts: dict[str, Entry]) -> str:
    """A translation file's source, one entry per line (json's string syntax is Python's)."""
    import json

    lines = [f'"""{doc}"""', "", "TEXTS = {"]
    for key, (digest, text) in texts.items():
        shown = json.dumps(text, ensure_ascii=False)
        lines.append(f"    {json.dumps(key)}: ({json.dumps(digest)}, {shown}),")
    lines.append("}")
    return "\n".join(lines) + "\n"
