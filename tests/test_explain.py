"""Explanations computed from the run: true of the run they describe, in both languages."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from recorded import RUNS, recorded, result_from_json

from concdemo import explain
from concdemo.catalogue import catalog
from concdemo.catalogue.run_spec import RunSpec
from concdemo.core.runner import RunResult, run
from concdemo.explain import generic, template
from concdemo.explain.template import Line, render_all

# A number, not a digit inside a name such as g2.switch() or ok1.
NUMBER = re.compile(r"(?<![A-Za-z_\d.])\d+(?:\.\d+)?")
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_a_fetch_that_fails_at_run_time_is_counted_as_failed() -> None:
    # Past the CLI's check (a script run on its own gets no such check): one URL that is
    # not one and one that refuses the connection; neither reaches the network.
    variant = catalog.get("gevent-crawler").variant("gevent")
    params = {"pages": 2, "latency": 0.0, "jitter": 0.0, "fail-rate": 0.0,
              "url": ["notaurl", "http://127.0.0.1:9/"]}
    result = run(RunSpec(variant, "fork", params, 30.0))
    done = [(e.detail["fetched"], e.detail["failed"]) for e in result.events if e.kind == "done"]
    assert done == [(2, 2)], result.stderr_tail
    errors = [e.detail.get("error", "") for e in result.events if e.kind == "fetch-end"]
    assert any(text.startswith("ValueError") for text in errors), errors


@pytest.fixture(autouse=True)
def strict_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Here a template's slip (a wrong format spec, an extra_facts error) fails the test."""
    monkeypatch.setattr(template, "STRICT", True)


def _issue_runs() -> list[RunResult]:
    """Real runs of the issue's examples (other parameters, a hang, a failing fetch, fixed=true)."""
    return [
        result_from_json(doc)
        for path in sorted((RUNS / "issue").glob("*.json"))
        for doc in json.loads(path.read_text())["runs"]
    ]


# --- the templates ----------------------------------------------------------------------


def _all_lines() -> list[tuple[str, Line]]:
    """Every sentence a run can show: the generic ones and every scenario's stories."""
    found = [
        (f"generic.{name}", line)
        for name, value in vars(generic).items()
        for line in (value if isinstance(value, list) else [value])
        if isinstance(line, Line)
    ]
    for scenario in catalog.load().values():
        module = explain.templates(scenario.folder)
        for table in ("STORIES", "INSTEAD"):
            for variant, lines in (getattr(module, table, {}) if module else {}).items():
                found += [(f"{scenario.name}/{variant}", line) for line in lines]
    return found


def test_templates_hold_no_number_and_both_languages_name_the_same_facts() -> None:
    bad = []
    for where, line in _all_lines():
        for lang in ("en", "zh"):
            fixed_text = re.sub(r"\{[^{}]*\}", "", line.text(lang))
            if NUMBER.search(fixed_text):
                bad.append((where, lang, "a number not from the run", fixed_text))
        if line.fields("en") != line.fields("zh"):
            bad.append((where, "zh", "names other facts than the English", line.zh))
        if not CJK.search(line.zh):
            bad.append((where, "zh", "is not Chinese", line.zh))
    assert not bad, "\n".join(map(str, bad))


def test_every_shipped_variant_has_a_story_and_every_story_a_variant() -> None:
    missing, orphans = [], []
    for scenario in catalog.load().values():
        module = explain.templates(scenario.folder)
        stories = getattr(module, "STORIES", {}) if module else {}
        names = {v.name for v in scenario.variants}
        missing += [f"{scenario.name}/{n}" for n in sorted(names - set(stories))]
        orphans += [f"{scenario.name}/{n}" for n in sorted(set(stories) - names)]
    assert not orphans, f"stories for variants that do not exist: {orphans}"
    assert not missing, f"variants told only by the generic sentences: {missing}"


# --- recorded and doctored runs -----------------------------------------------------------



def _run_numbers(result: RunResult) -> set[str]:
    """Every way a number this run produced may be written (facts, phases, checks, notes)."""
    values: list[object] = list(explain.facts_of(result).values())
    values += [p.seconds for p in result.phases] + [p.theory_s for p in result.phases]
    values += [v for c in result.checks for v in c.detail.values()]
    values += [c.what for c in result.checks]
    values += [note for note in result.spec.variant.notes.values()]
    values += [result.error, result.stacks]
    shown: set[str] = set()
    for value in values:
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, (int, float)):
            shown |= {str(value), f"{value:g}"} | {f"{value:.{d}f}" for d in range(4)}
        else:
            shown |= set(NUMBER.findall(str(value)))
    return shown


def _strange_numbers(result: RunResult) -> list[str]:
    known = _run_numbers(result)
    text = " ".join(explain.explain(result, "en") + explain.explain(result, "zh"))
    return [n for n in NUMBER.findall(text) if n not in known]


def _story_sentences(result: RunResult) -> list[str]:
    lines = explain.story(result) or []
    return [
        sentence
        for lang in ("en", "zh")
        for sentence in render_all(lines, explain.facts_of(result, lang), lang)
    ]


def _with_other_params(result: RunResult) -> RunResult:
    """The same events under other parameter values: sentences must show the new ones."""
    changed = {
        k: (v * 3 + 1 if isinstance(v, int) else round(v * 3 + 0.07, 3))
        if isinstance(v, (int, float)) and not isinstance(v, bool)
        else v
        for k, v in result.spec.params.items()
    }
    return dataclasses.replace(result, spec=dataclasses.replace(result.spec, params=changed))


def _checks_passed(result: RunResult) -> RunResult:
    """A run whose checks failed (cpu-sweep on a busy machine) as if they had held."""
    events = [
        e.replace(detail={**e.detail, "ok": True}) if e.kind == "check" else e
        for e in result.events
    ]
    return dataclasses.replace(result, events=events)


def test_recorded_runs_tell_their_story_with_the_runs_own_numbers() -> None:
    bad = []
    runs = recorded() + _issue_runs()
    runs += [_checks_passed(r) for r in runs if any(not c.ok for c in r.checks)]
    for result in runs:
        where = f"{result.spec.variant.scenario}/{result.spec.variant.name}"
        for lang in ("en", "zh"):
            if not explain.explain(result, lang):
                bad.append((where, lang, "no explanation at all"))
        if result.as_expected and explain.story(result) and not _story_sentences(result):
            bad.append((where, "story", "not one story sentence found its facts"))
        nothing_observed = dataclasses.replace(result, events=[])
        if result.as_expected and _story_sentences(nothing_observed):
            bad.append((where, "nothing observed", _story_sentences(nothing_observed)))
        for told in (result, _with_other_params(result), nothing_observed):
            strange = _strange_numbers(told)
            if strange:
                bad.append((where, told.spec.params, f"numbers the run did not produce: {strange}"))
    assert not bad, "\n".join(map(str, bad))


def _doctored(result: RunResult) -> list[tuple[str, RunResult]]:
    """The run gone wrong in each way a run can: hang, error, unexpected end, failed check."""
    stack = {
        "pid": 1, "process": "MainProcess", "thread": "0x1 (current)", "file": "/x/demo.py",
        "line": 7, "function": "main", "blocked_in": {"file": "/x/q.py", "line": 3,
                                                      "function": "get"}, "frames": [],
    }
    expected = result.expected
    found = []
    if expected != "hang":
        found.append(("hang", dataclasses.replace(result, outcome="hang", stacks=[stack])))
    if expected != "error":
        error = {"type": "RuntimeError", "message": "doctored", "process": "MainProcess"}
        found.append(("error", dataclasses.replace(result, outcome="error", error=error)))
    if expected != "ok":
        found.append(("ended ok", dataclasses.replace(result, outcome="ok", error=None, stacks=[])))
    checks = [i for i, e in enumerate(result.events) if e.kind == "check"]
    if checks:
        events = list(result.events)
        last = events[checks[-1]]
        events[checks[-1]] = last.replace(detail={**last.detail, "ok": False})
        found.append(("failed check", dataclasses.replace(result, events=events)))
    return found


def test_a_run_gone_wrong_says_what_happened_never_the_success_story() -> None:
    bad = []
    for result in recorded():
        if not result.as_expected:
            continue
        story = set(_story_sentences(result))
        where = f"{result.spec.variant.scenario}/{result.spec.variant.name}"
        for how, wrong in _doctored(result):
            assert not wrong.as_expected, (where, how)
            for lang in ("en", "zh"):
                shown = explain.explain(wrong, lang)
                told = story & set(shown)
                if told:
                    bad.append((where, how, lang, "tells the success story", told))
                if not shown:
                    bad.append((where, how, lang, "says nothing"))
            shown_en = " ".join(explain.explain(wrong, "en"))
            if how == "hang" and "MainProcess waited in get() at demo.py:7" not in shown_en:
                bad.append((where, how, "does not point at the blocked stack", shown_en))
            if how == "failed check" and "Failed check:" not in shown_en:
                bad.append((where, how, "does not name the failed check", shown_en))
            if how == "error" and "RuntimeError ended MainProcess (doctored)" not in shown_en:
                bad.append((where, how, "does not name the error", shown_en))
    assert not bad, "\n".join(map(str, bad))


# --- the issue's three examples, recorded for real ----------------------------------------


def _issue_run(name: str) -> RunResult:
    doc = json.loads((RUNS / "issue" / f"{name}.json").read_text())
    return result_from_json(doc["runs"][0])


def test_pool_with_other_parameters_tells_those_numbers() -> None:
    result = _issue_run("pool-20-4")  # run pool --variant apply_async tasks=20 workers=4
    text = " ".join(explain.explain(result, "en"))
    for told in ("all 20 tasks", "the 4 workers", "up to 4 at a time", "5 rounds of 0.05 s"):
        assert told in text, (told, text)
    for stale in ("47", "five", "ten rounds"):
        assert stale not in text, (stale, text)
    zh = "".join(explain.explain(result, "zh"))
    assert "全部 20 个任务" in zh and "5 轮" in zh, zh


def test_pool_stopped_as_a_hang_says_so_and_points_at_the_stacks() -> None:
    result = _issue_run("pool-hang")  # run pool --variant apply_async --timeout 0.5
    text = " ".join(explain.explain(result, "en"))
    assert "stopped as a hang after 0.5 s" in text
    assert "MainProcess waited in join() at pool_apply_async.py:35" in text
    assert "ForkPoolWorker-1, ForkPoolWorker-2, ForkPoolWorker-3, … waited in foo()" in text
    assert "apply_async never finished" in text
    assert "of the 47 tasks had finished when the run ended" in text
    assert "join() waited until all" not in text and "rounds of" not in text


def test_a_failed_fetch_is_told_as_failed() -> None:
    result = _issue_run("crawler-refused")  # gevent-crawler --variant gevent url=<refused>
    text = " ".join(explain.explain(result, "en"))
    assert "0 of the 1 fetches succeeded and 1 failed" in text
    assert "Connection refused" in text
    assert "in flight at once" not in text  # nothing was in flight together


def test_fixed_runs_tell_the_fix_not_the_failure() -> None:
    queue = " ".join(explain.explain(_issue_run("queue-fixed"), "en"))
    assert queue.startswith("With fixed=true the parent got the 1048576 bytes first")
    assert "deadlock" not in queue
    manager = " ".join(explain.explain(_issue_run("manager-fixed"), "en"))
    assert manager.startswith("With fixed=true the parent joined the children")
    assert "died" not in manager


def test_the_explanation_reaches_json_svg_and_the_summary() -> None:
    from rich.console import Console

    from concdemo.commands import report
    from concdemo.export.svg import picture
    from concdemo.render import summary

    from conftest import validate

    result = _issue_run("pool-20-4")
    sentences = explain.explain(result, "en")
    doc = report.run_doc([result])
    validate(doc, "run-1")
    assert doc["runs"][0]["explanation"] == sentences
    assert "rounds&#160;of&#160;0.05&#160;s&#160;instead&#160;of&#160;20" in picture([result])
    console = Console(width=200, color_system=None, record=True)
    console.print(summary.render(result))
    assert sentences[0] in " ".join(console.export_text().split())


def test_a_total_near_the_other_figure_is_given_as_figures_not_as_about() -> None:
    """A busy machine slows a run down: "near the longest latency" must then not be said."""
    cases = {  # variant -> (slow-down, a sentence start that must go, one that must come)
        ("pool", "apply_async"): (4.0, "That is 2 rounds", "The phase took"),
        ("gevent-crawler", "gevent"): (3.0, "The total, ", "The total was"),
        ("gevent", "sleep"): (1.5, "The two sleeps overlapped", "joinall took"),
    }
    bad = []
    seen = set()
    for result in recorded():
        key = (result.spec.variant.scenario, result.spec.variant.name)
        if key not in cases:
            continue
        seen.add(key)
        factor, gone, come = cases[key]
        slowed = [e.replace(t=e.t * factor) for e in result.events]
        told = explain.explain(dataclasses.replace(result, events=slowed), "en")
        if not any(s.startswith(gone) for s in explain.explain(result, "en")):
            bad.append((key, "the recorded run lacks the sentence to test", gone))
        if any(s.startswith(gone) for s in told) or not any(s.startswith(come) for s in told):
            bad.append((key, told))
    assert not bad, "\n".join(map(str, bad))
    assert seen == set(cases)


def test_a_sentence_with_a_fact_of_the_wrong_type_is_dropped_not_raised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    line = Line("took {seconds:.2f} s", "用了 {seconds:.2f} 秒")
    facts = explain.Facts({"seconds": "soon"})
    monkeypatch.setattr(template, "STRICT", False)
    assert line.render(facts, "en") is None  # after a real run: the summary still shows
    monkeypatch.setattr(template, "STRICT", True)
    with pytest.raises(ValueError):
        line.render(facts, "en")  # in the tests: the slip is found
    assert line.render(explain.Facts({"seconds": 1.234}), "zh") == "用了 1.23 秒"


def test_templates_are_read_from_scenario_folders_only(tmp_path: Path) -> None:
    (tmp_path / "_explain.py").write_text("raise SystemExit('executed')\n")
    assert explain.templates(tmp_path) is None  # no about.py: not a scenario folder
