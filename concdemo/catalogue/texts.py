"""The scenarios' own texts in another language, kept next to each scenario.

The English lives in each scenario's folder (``about.py`` and the variant
scripts' docstrings) and reaches the renderers through ``concdemo.catalogue.catalog``; the
Chinese lives beside it, in ``zh.py`` in the same folder (see
``concdemo.i18n.translations`` for the format and scenarios/README.md for how to add
one). Keys:

- ``title``, ``summary``: the scenario (``about.py``)
- ``param/NAME``: a parameter's help
- ``param/NAME/pattern_help``: what its pattern asks for, in words (shown in a usage error)
- ``variant/NAME/title``, ``variant/NAME/explanation``: a variant's docstring
- ``variant/NAME/note/METHOD``: a variant's NOTES entry (METHOD may be ``*``)
- ``tour``: the tour's word before the scenario (``concdemo.commands.tour.NARRATION``)
- ``check/TEXT``: a check a script makes (``probe.check(TEXT, …)``,
  ``probe.raises(Error, TEXT)``), keyed by its English text. Only checks whose text
  is a literal can be listed ahead of a run (and so tested for a translation); a
  text built at run time (an f-string) is shown as the script made it.

A text without a current translation (none yet, or its English changed since:
the stored hash no longer matches) is shown in English. A file is read only when
a language other than English is shown, so English start-up never opens one.
"""

from __future__ import annotations

from pathlib import Path

from concdemo.catalogue.catalog import Param, Scenario, Variant
from concdemo.i18n import translations


def texts_path(folder: Path, lang: str) -> Path:
    return folder / f"{lang}.py"


def _texts(folder: Path, lang: str) -> dict[str, translations.Entry]:
    return translations.read(texts_path(folder, lang))


def _variant_key(variant: Variant, part: str) -> str:
    return f"variant/{variant.name}/{part}"


def english_texts(scenario: Scenario, narration: str | None = None) -> dict[str, str]:
    """Every translatable English text of ``scenario``, by key (what the hashes are of)."""
    found = {"title": scenario.title, "summary": scenario.summary}
    for param in scenario.params:
        found[f"param/{param.name}"] = param.help
        if param.pattern_help:
            found[f"param/{param.name}/pattern_help"] = param.pattern_help
    for variant in scenario.variants:
        found[_variant_key(variant, "title")] = variant.title
        found[_variant_key(variant, "explanation")] = variant.explanation
        for method, note in variant.notes.items():
            found[_variant_key(variant, f"note/{method}")] = note
    if narration:
        found["tour"] = narration
    for text in literal_checks(scenario.folder):
        found[f"check/{text}"] = text
    return found


def literal_checks(folder: Path) -> list[str]:
    """The texts of the checks the folder's scripts make, in order, as far as the code says.

    A literal is itself; an f-string is a template with ``{}`` for each value; a name is
    followed to its assignments in the same file; a helper's ``x.check(…)`` (like the
    crawler's ``_crawl.check``) gives its string arguments."""
    import ast

    def template(node: ast.expr | None) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            return "".join(
                str(part.value) if isinstance(part, ast.Constant) else "{}"
                for part in node.values
            )
        return None

    found: list[str] = []
    for script in sorted(folder.glob("*.py")):
        tree = ast.parse(script.read_text(encoding="utf-8"))
        assigned: dict[str, list[ast.expr]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, []).append(node.value)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = node.func.value
            if isinstance(owner, ast.Name) and owner.id == "probe":
                if node.func.attr not in ("check", "raises"):
                    continue
                position = 0 if node.func.attr == "check" else 1
                args = node.args[position : position + 1]
            elif node.func.attr == "check":
                args = list(node.args)
            else:
                continue
            for arg in args:
                values = assigned.get(arg.id, []) if isinstance(arg, ast.Name) else [arg]
                for value in values:
                    text = template(value)
                    if text is not None and text not in found:
                        found.append(text)
    return found


def _matches(pattern: str, text: str) -> list[str] | None:
    """The values a ``{}`` template's holes took in ``text``, or None if it does not fit."""
    import re

    parts = [re.escape(part) for part in pattern.split("{}")]
    found = re.fullmatch("(.+?)".join(parts), text)
    return list(found.groups()) if found else None


def check_text(variant: Variant, what: str, lang: str) -> str:
    """A check's text (as the run reported it) in ``lang``, where a translation exists.

    A template's translation numbers its holes (``{0}``, ``{1}``) so that Chinese may
    order them differently; the values are the run's own."""
    if lang == "en":
        return what
    texts = _texts(variant.path.parent, lang)
    if f"check/{what}" in texts:
        return translations.pick(texts, f"check/{what}", what)
    for key in texts:
        if key.startswith("check/") and "{}" in key:
            values = _matches(key.removeprefix("check/"), what)
            if values is not None:
                translated = translations.pick(texts, key, key.removeprefix("check/"))
                if translated != key.removeprefix("check/"):
                    return translated.format(*values)
    return what


def scenario_text(scenario: Scenario, lang: str) -> tuple[str, str]:
    """(title, summary) in ``lang``; English where there is no current translation."""
    if lang == "en":
        return scenario.title, scenario.summary
    texts = _texts(scenario.folder, lang)
    return (
        translations.pick(texts, "title", scenario.title),
        translations.pick(texts, "summary", scenario.summary),
    )


def param_help(scenario: Scenario, name: str, lang: str) -> str:
    """A parameter's help in ``lang`` ('' for an unknown parameter)."""
    param = scenario.param(name)
    if param is None:
        return ""
    if lang == "en":
        return param.help
    return translations.pick(_texts(scenario.folder, lang), f"param/{name}", param.help)


class ScenarioText(str):
    """A text of a scenario's own (English), shown in a language from its folder's
    translations: a value of an ``i18n.Message`` (a usage error) can be one."""

    folder: Path
    key: str

    def __new__(cls, english: str, folder: Path, key: str) -> ScenarioText:
        made = super().__new__(cls, english)
        made.folder, made.key = folder, key
        return made

    def in_lang(self, lang: str) -> str:
        if lang == "en":
            return str(self)
        return translations.pick(_texts(self.folder, lang), self.key, str(self))

    def __reduce__(self) -> tuple[object, ...]:  # copy and pickle: rebuilt from its parts
        return (ScenarioText, (str(self), self.folder, self.key))


def pattern_help(scenario: Scenario, param: Param) -> str:
    """What ``param``'s pattern asks for, in words: shown in the screen's language."""
    return ScenarioText(param.pattern_help, scenario.folder, f"param/{param.name}/pattern_help")


def variant_text(variant: Variant, lang: str) -> tuple[str, str]:
    """(title, explanation) in ``lang``; English where there is no current translation."""
    if lang == "en":
        return variant.title, variant.explanation
    texts = _texts(variant.path.parent, lang)
    return (
        translations.pick(texts, _variant_key(variant, "title"), variant.title),
        translations.pick(texts, _variant_key(variant, "explanation"), variant.explanation),
    )


def variant_notes(variant: Variant, lang: str) -> dict[str, str]:
    """Every note of the variant (start method or "*" -> text), as `show --variant` lists them."""
    if lang == "en" or not variant.notes:
        return dict(variant.notes)
    texts = _texts(variant.path.parent, lang)
    return {
        method: translations.pick(texts, _variant_key(variant, f"note/{method}"), note)
        for method, note in variant.notes.items()
    }


def variant_note(variant: Variant, start_method: str, lang: str) -> str:
    """The note shown after a run under ``start_method`` (like ``Variant.note``), in ``lang``."""
    notes = variant_notes(variant, lang)
    return notes.get(start_method) or notes.get("*", "")


def narration_text(scenario: Scenario, english: str, lang: str) -> str:
    """The tour's word before ``scenario``: ``english`` unless a current translation exists."""
    if lang == "en":
        return english
    return translations.pick(_texts(scenario.folder, lang), "tour", english)
