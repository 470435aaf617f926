"""The two languages stay complete and in step, and Chinese tables keep their shape."""

from __future__ import annotations

import re
import shutil
import string
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from concdemo import i18n
from concdemo.base.errors import UsageError
from concdemo.catalogue import catalog, verdicts
from concdemo.catalogue import texts as scenario_texts
from concdemo.catalogue.claims import CLAIMS
from concdemo.i18n import LANGS, MESSAGES, current_lang, t, translations

from conftest import FIXTURE_SCENARIOS

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
    assert t("wall_time", "zh", seconds=1.23456) == "实际耗时 1.235 秒"
    with pytest.raises(KeyError):
        t("no_such_message", "en")


def test_outcome_words() -> None:
    assert [i18n.outcome(o, "en") for o in catalog.OUTCOMES] == list(catalog.OUTCOMES)
    assert all(CJK.search(i18n.outcome(o, "zh")) for o in catalog.OUTCOMES)
    assert i18n.outcome("unknown", "zh") == "unknown"


# --- plural forms -------------------------------------------------------------


def test_plural_messages_have_each_languages_forms_with_the_same_placeholders() -> None:
    nplurals = {"en": 2, "zh": 1}
    bad = []
    for key, (counted, forms) in i18n.PLURALS.items():
        english = _fields(forms["en"][0])
        if set(forms) != set(LANGS) or key in MESSAGES:
            bad.append(f"{key}: languages {sorted(forms)}, or also in MESSAGES")
            continue
        for lang in LANGS:
            if len(forms[lang]) != nplurals[lang]:
                bad.append(f"{key}: {len(forms[lang])} forms in {lang}")
            bad += [f"{key}: {form!r}" for form in forms[lang] if _fields(form) != english]
        if counted not in {name for name, _, _ in english}:
            bad.append(f"{key}: counts {counted}, which it does not show")
        if not all(CJK.search(form) or key == "verify_runs_summary" for form in forms["zh"]):
            bad.append(f"{key}: Chinese not translated")
    assert not bad, "\n".join(bad)


def test_plurals_follow_the_count_in_english_and_not_in_chinese() -> None:
    assert t("totals", "en", runs=1, good=1, bad=0) == "1 run: 1 as expected, 0 not"
    assert t("totals", "en", runs=3, good=2, bad=1) == "3 runs: 2 as expected, 1 not"
    assert t("totals", "zh", runs=1, good=1, bad=0) == "共 1 次运行：1 次符合预期，0 次不符合"
    assert t("live_events", "en", count=0) == "0 events"
    assert t("verify_count_holds", "en", count=1) == "1 holds"
    assert t("verify_count_holds", "en", count=2) == "2 hold"
    assert t("verify_count_holds", "zh", count=2) == "2 个成立"


# --- translations kept with a hash of their English source ------------------------


def test_every_translation_is_current() -> None:
    """One failure that lists every missing, stale or orphaned Chinese text.

    A stale entry: its English changed after it was translated. Update the Chinese,
    then store the new hash: python scripts/i18n_hashes.py SCENARIO|core KEY --write"""
    from concdemo.commands import tour
    from concdemo.commands.english_texts import english_texts
    from concdemo.i18n import core as i18n_core

    problems = [
        f"core: {line}"
        for line in translations.problems(
            translations.read(i18n_core.texts_path("zh")), english_texts()
        )
    ]
    for scenario in _shipped().values():
        english = scenario_texts.english_texts(scenario, tour.NARRATION.get(scenario.name))
        texts = translations.read(scenario_texts.texts_path(scenario.folder, "zh"))
        problems += [f"{scenario.name}: {line}" for line in translations.problems(texts, english)]
    assert not problems, "\n".join(problems)


def test_every_translation_is_chinese() -> None:
    from concdemo.i18n import core as i18n_core

    files = [i18n_core.texts_path("zh")]
    files += [scenario_texts.texts_path(s.folder, "zh") for s in _shipped().values()]
    untranslated = [
        f"{path.parent.name}/{path.name}: {key}"
        for path in files
        for key, (_, text) in translations.read(path).items()
        if not CJK.search(text) and not key.endswith(("/--param",))
    ]
    assert not untranslated


def test_a_stale_or_missing_translation_shows_the_english(tmp_path: Path) -> None:
    source = _shipped()["pipe"].folder
    folder = tmp_path / "2_pipe"
    shutil.copytree(source, folder)
    english = catalog.read_scenario(folder)
    duplex = english.variant("duplex")
    texts = translations.read(folder / "zh.py")
    assert scenario_texts.variant_text(duplex, "zh")[0] == texts["variant/duplex/title"][1]
    # The English title changes: the stored hash no longer matches.
    script = folder / "pipe_duplex.py"
    script.write_text(script.read_text().replace(duplex.title, "A new first line."))
    changed = catalog.read_scenario(folder).variant("duplex")
    assert scenario_texts.variant_text(changed, "zh")[0] == "A new first line."
    # The explanation did not change and stays translated.
    assert scenario_texts.variant_text(changed, "zh")[1] == texts["variant/duplex/explanation"][1]
    from concdemo.commands.tour import NARRATION

    found = translations.problems(
        translations.read(folder / "zh.py"),
        scenario_texts.english_texts(catalog.read_scenario(folder), NARRATION["pipe"]),
    )
    assert found == [
        f"stale variant/duplex/title: stored {texts['variant/duplex/title'][0]}, English now"
        f" {translations.source_hash('A new first line.')}: 'A new first line.'"
    ]


def test_claims_notes_and_tolerances_in_chinese() -> None:
    from concdemo.catalogue.claims import claim_text

    assert claim_text("P1", "en") == CLAIMS["P1"]
    assert claim_text("P1", "zh").startswith("Pipe() 是全双工的")
    assert claim_text("NOPE", "zh") == ""
    assert "queue.Full" in verdicts.note_text("Q4", "zh") and CJK.search(
        verdicts.note_text("Q4", "zh")
    )
    assert verdicts.tolerance_text("PL1", "zh").startswith("实测 ≥ 0.95 × 理论值")
    assert verdicts.tolerance_text("PL1", "en") == verdicts.verdict("PL1").tolerance


def test_variants_name_known_claims() -> None:
    used = {c for s in _shipped().values() for v in s.variants for c in v.claims}
    assert used <= set(CLAIMS)


def test_the_catalogue_in_chinese_and_english() -> None:
    for scenario in _shipped().values():
        title, summary = scenario_texts.scenario_text(scenario, "zh")
        assert CJK.search(title) and CJK.search(summary), scenario.name
        assert scenario_texts.scenario_text(scenario, "en") == (scenario.title, scenario.summary)
        for param in scenario.params:
            assert CJK.search(scenario_texts.param_help(scenario, param.name, "zh")), param.name
            assert scenario_texts.param_help(scenario, param.name, "en") == param.help
        for variant in scenario.variants:
            zh_title, zh_explanation = scenario_texts.variant_text(variant, "zh")
            assert CJK.search(zh_title), variant.name
            assert CJK.search(zh_explanation) or not variant.explanation, variant.name
            assert scenario_texts.variant_text(variant, "en") == (
                variant.title,
                variant.explanation,
            )
            for method in catalog.START_METHODS:
                assert scenario_texts.variant_note(variant, method, "en") == variant.note(method)
                chinese = scenario_texts.variant_note(variant, method, "zh")
                assert bool(chinese) == bool(variant.note(method)), (variant.name, method)
                assert not chinese or CJK.search(chinese)


def test_every_tour_narration_has_chinese() -> None:
    tour = pytest.importorskip("concdemo.commands.tour")
    english: dict[str, str] = getattr(tour, "NARRATION", {})
    pipe = _shipped()["pipe"]
    assert scenario_texts.narration_text(pipe, "Next, Pipe", "en") == "Next, Pipe"
    assert scenario_texts.narration_text(pipe, "Next, Pipe", "zh") == "Next, Pipe"  # not its text
    chinese = scenario_texts.narration_text(pipe, english["pipe"], "zh")
    assert CJK.search(chinese)


def test_untranslated_scenarios_fall_back_to_english() -> None:
    real = _shipped()["pipe"]
    variant = real.variants[0]
    stranger = catalog.Variant(
        name="x",
        scenario="not-shipped",
        path=FIXTURE_SCENARIOS / "nowhere" / "x.py",
        title="A title",
        explanation="An explanation",
        claims=(),
        expect={},
        default=False,
        hang_timeout_s=None,
        notes={"*": "A note"},
    )
    assert variant.title != stranger.title
    assert scenario_texts.variant_text(stranger, "zh") == ("A title", "An explanation")
    assert scenario_texts.variant_note(stranger, "spawn", "zh") == "A note"


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
        title, _ = scenario_texts.scenario_text(scenario, lang)
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
    _, explanation = scenario_texts.variant_text(variant, "zh")
    panel = Panel(explanation, title=t("what_you_just_saw", "zh"), title_align="left")
    lines = _render(panel)
    assert len(lines) > 4
    _assert_aligned(lines)


def test_a_runs_checks_in_chinese() -> None:
    apply = _shipped()["pool"].variant("apply")
    what = "the tasks ran one after another: at least tasks × delay"
    assert what in scenario_texts.literal_checks(apply.path.parent)
    assert (
        scenario_texts.check_text(apply, what, "zh") == "任务一个接一个地运行：至少 tasks × delay"
    )
    assert scenario_texts.check_text(apply, what, "en") == what
    # A text made at run time (an f-string) is translated through its template, with the
    # run's own values, in the order Chinese wants them.
    put = _shipped()["queue"].variant("put-timeout")
    assert "it gave up after about {} s" in scenario_texts.literal_checks(put.path.parent)
    assert (
        scenario_texts.check_text(put, "it gave up after about 0.3 s", "zh")
        == "它在约 0.3 秒后放弃"
    )
    idle = _shipped()["event-loop"].variant("idle-fds")
    assert (
        scenario_texts.check_text(idle, "poll slows down with idle descriptors (10 → 1000)", "zh")
        == "空闲描述符增多（10 → 1000）时，poll 变慢"
    )
    # A text of another scenario's template, or none at all, is shown as made.
    assert scenario_texts.check_text(apply, "it gave up after about 0.3 s", "zh") == (
        "it gave up after about 0.3 s"
    )
