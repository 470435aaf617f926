"""The two languages stay complete and in step, and Chinese tables keep their shape."""

from __future__ import annotations

import re
import string

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from concdemo import catalog, i18n, i18n_scenarios
from concdemo.claims import CLAIMS
from concdemo.errors import UsageError
from concdemo.i18n import CLAIMS_ZH, LANGS, MESSAGES, current_lang, t

# Han characters, CJK punctuation and full-width forms: what a translated text shows.
CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
# Messages written the same way in Chinese technical writing.
NOT_CJK = {"col_pid"}


def _fields(template: str) -> list[tuple[str, str, str | None]]:
    """The placeholders of a format string: (name, format spec, conversion), sorted."""
    return sorted(
        (name, spec or "", conversion)
        for _, name, spec, conversion in string.Formatter().parse(template)
        if name is not None
    )


def _shipped() -> dict[str, catalog.Scenario]:
    # conftest clears CONCDEMO_SCENARIO_PATH: only the scenarios concdemo ships.
    return catalog.load()


# --- MESSAGES ---------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_has_every_language(key: str) -> None:
    entry = MESSAGES[key]
    assert set(entry) == set(LANGS), f"{key}: languages {sorted(entry)}, expected {LANGS}"
    for lang in LANGS:
        assert entry[lang].strip(), f"{key} is empty in {lang}"


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_placeholders_agree_between_languages(key: str) -> None:
    en, zh = MESSAGES[key]["en"], MESSAGES[key]["zh"]
    assert _fields(en) == _fields(zh), f"{key}: {en!r} vs {zh!r}"


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_formats(key: str) -> None:
    values = {name: 1 for name, _, _ in _fields(MESSAGES[key]["en"])}
    for lang in LANGS:
        assert "{" not in t(key, lang, **values)


def test_chinese_messages_are_translated() -> None:
    untranslated = [
        key for key, entry in MESSAGES.items() if key not in NOT_CJK and not CJK.search(entry["zh"])
    ]
    assert not untranslated


def test_keys_are_short_snake_case() -> None:
    assert all(re.fullmatch(r"[a-z][a-z0-9_]{1,40}", key) for key in MESSAGES)


def test_t_formats_and_rejects_unknown_keys() -> None:
    assert t("totals", "en", runs=3, good=2, bad=1) == "3 run(s): 2 as expected, 1 not"
    assert t("totals", "zh", runs=3, good=2, bad=1) == "共 3 次运行：2 次符合预期，1 次不符合"
    assert t("wall_time", "zh", seconds=1.23456) == "实际耗时 1.235 秒"
    with pytest.raises(KeyError):
        t("no_such_message", "en")


def test_outcome_words() -> None:
    assert [i18n.outcome(o, "en") for o in catalog.OUTCOMES] == list(catalog.OUTCOMES)
    assert all(CJK.search(i18n.outcome(o, "zh")) for o in catalog.OUTCOMES)
    assert i18n.outcome("unknown", "zh") == "unknown"


# --- claims -----------------------------------------------------------------


def test_every_claim_has_chinese() -> None:
    assert sorted(set(CLAIMS) - set(CLAIMS_ZH)) == [], "claims without Chinese"
    assert sorted(set(CLAIMS_ZH) - set(CLAIMS)) == [], "Chinese for claims that are gone"
    assert all(CJK.search(text) for text in CLAIMS_ZH.values())


def test_claim_lookup() -> None:
    assert i18n.claim("P1", "en") == CLAIMS["P1"]
    assert i18n.claim("P1", "zh") == CLAIMS_ZH["P1"]
    assert i18n.claim("NOPE", "zh") == ""


def test_variants_name_known_claims() -> None:
    used = {c for s in _shipped().values() for v in s.variants for c in v.claims}
    assert used <= set(CLAIMS_ZH)


# --- the catalogue ----------------------------------------------------------


def test_every_scenario_has_chinese() -> None:
    for scenario in _shipped().values():
        title, summary = i18n_scenarios.scenario_text(scenario, "zh")
        assert scenario.name in i18n_scenarios.SCENARIOS_ZH, scenario.name
        assert CJK.search(title) and CJK.search(summary), scenario.name
        assert i18n_scenarios.scenario_text(scenario, "en") == (scenario.title, scenario.summary)


def test_every_variant_has_chinese() -> None:
    missing = []
    for scenario in _shipped().values():
        for variant in scenario.variants:
            key = f"{scenario.name}/{variant.name}"
            zh = i18n_scenarios.VARIANTS_ZH.get(key)
            if zh is None or set(zh) != {"title", "explanation"}:
                missing.append(key)
                continue
            assert CJK.search(zh["title"]), key
            assert CJK.search(zh["explanation"]) or not variant.explanation, key
            assert i18n_scenarios.variant_text(variant, "zh") == (zh["title"], zh["explanation"])
            assert i18n_scenarios.variant_text(variant, "en") == (
                variant.title,
                variant.explanation,
            )
    assert not missing, f"variants without Chinese title/explanation: {missing}"


def test_every_note_has_chinese() -> None:
    for scenario in _shipped().values():
        for variant in scenario.variants:
            key = f"{scenario.name}/{variant.name}"
            zh = i18n_scenarios.NOTES_ZH.get(key, {})
            assert set(zh) == set(variant.notes), f"{key}: notes for {sorted(variant.notes)}"
            assert all(CJK.search(note) for note in zh.values()), key
            for method in catalog.START_METHODS:
                assert i18n_scenarios.variant_note(variant, method, "en") == variant.note(method)
                chinese = i18n_scenarios.variant_note(variant, method, "zh")
                assert bool(chinese) == bool(variant.note(method)), (key, method)


def test_chinese_names_nothing_that_is_gone() -> None:
    scenarios = _shipped()
    variants = {f"{s.name}/{v.name}" for s in scenarios.values() for v in s.variants}
    assert sorted(set(i18n_scenarios.SCENARIOS_ZH) - set(scenarios)) == []
    assert sorted(set(i18n_scenarios.VARIANTS_ZH) - variants) == []
    assert sorted(set(i18n_scenarios.NOTES_ZH) - variants) == []


def test_every_tour_narration_has_chinese() -> None:
    narrations = i18n_scenarios.NARRATION_ZH
    assert set(narrations) <= set(_shipped()), "narration for a scenario that is gone"
    assert all(CJK.search(text) for text in narrations.values())
    tour = pytest.importorskip("concdemo.tour")
    english: dict[str, str] = getattr(tour, "NARRATION", {})
    assert sorted(set(english) - set(narrations)) == [], "tour narrations without Chinese"
    pipe = _shipped()["pipe"]
    assert i18n_scenarios.narration_text(pipe, "Next, Pipe", "en") == "Next, Pipe"
    assert i18n_scenarios.narration_text(pipe, "Next, Pipe", "zh") == narrations["pipe"]


def test_untranslated_scenarios_fall_back_to_english() -> None:
    real = _shipped()["pipe"]
    variant = real.variants[0]
    stranger = catalog.Variant(
        name="x",
        scenario="not-shipped",
        path=variant.path,
        title="A title",
        explanation="An explanation",
        claims=(),
        expect={},
        default=False,
        hang_timeout_s=None,
        notes={"*": "A note"},
    )
    assert i18n_scenarios.variant_text(stranger, "zh") == ("A title", "An explanation")
    assert i18n_scenarios.variant_note(stranger, "spawn", "zh") == "A note"


# --- current_lang -----------------------------------------------------------


def test_current_lang_defaults_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONCDEMO_LANG", raising=False)
    assert current_lang() == "en"
    monkeypatch.setenv("CONCDEMO_LANG", "")
    assert current_lang() == "en"


def test_current_lang_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONCDEMO_LANG", "zh")
    assert current_lang() == "zh"
    assert current_lang("en") == "en"  # --lang wins over the environment
    monkeypatch.setenv("CONCDEMO_LANG", "en")
    assert current_lang("zh") == "zh"
    assert current_lang("ZH") == "zh"


def test_current_lang_rejects_unknown_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONCDEMO_LANG", raising=False)
    with pytest.raises(UsageError) as excinfo:
        current_lang("fr")
    message = str(excinfo.value)
    assert "'fr'" in message and "en" in message and "zh" in message
    assert "\n" not in message
    monkeypatch.setenv("CONCDEMO_LANG", "zh-tw")
    with pytest.raises(UsageError, match=r"'zh-tw' in CONCDEMO_LANG"):
        current_lang()
    # A valid --lang means the bad environment value is never looked at.
    assert current_lang("en") == "en"


# --- wide characters --------------------------------------------------------


def _render(renderable: object) -> list[str]:
    console = Console(width=60, color_system=None, force_terminal=False, legacy_windows=False)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get().rstrip("\n").split("\n")


def _assert_aligned(lines: list[str]) -> None:
    widths = {cell_len(line) for line in lines}
    assert len(widths) == 1, "\n".join(f"{cell_len(line):3} {line}" for line in lines)
    assert widths.pop() <= 60


def test_chinese_table_stays_aligned() -> None:
    lang = "zh"
    table = Table(header_style="bold")
    table.add_column(t("col_scenario", lang), no_wrap=True)
    # Rich breaks lines only at spaces (Textualize/rich#2494): a long run of Chinese is one
    # "word", cut short with "…" under the default overflow; "fold" keeps all of it.
    table.add_column(t("col_title", lang), overflow="fold")
    table.add_column(t("col_expected_outcome", lang))
    titles = []
    for scenario in list(_shipped().values())[:4]:
        title, _ = i18n_scenarios.scenario_text(scenario, lang)
        titles.append(title)
        outcome = i18n.outcome(scenario.variants[0].expected("spawn"), lang)
        table.add_row(scenario.name, title, outcome)
    lines = _render(table)
    assert len(lines) > 8  # the long titles wrapped
    _assert_aligned(lines)
    # Every line ends on the table's right edge, and no character of a title was lost.
    assert all(line[-1] in "┓┃┩│┘" for line in lines)
    shown = "".join(line.split("│")[2].strip() for line in lines if line.count("│") == 4)
    assert "".join(title.replace(" ", "") for title in titles) == shown.replace(" ", "")


def test_chinese_explanation_panel_stays_aligned() -> None:
    variant = _shipped()["pipe"].variant("producer-consumer")
    _, explanation = i18n_scenarios.variant_text(variant, "zh")
    panel = Panel(explanation, title=t("what_you_just_saw", "zh"), title_align="left")
    lines = _render(panel)
    assert len(lines) > 4
    _assert_aligned(lines)
