""" "What you just saw": an explanation computed from the run, never a fixed text.

``explain(result, lang)`` returns the sentences shown under a run's summary, in
``--json`` (as ``explanation``, English), in the SVG and in the tour. It picks
them by what happened:

- the run went as the variant expects: the variant's story, filled in from the
  run's facts (a variant without one: its phases, its checks and the
  catalogue's start-method note);
- it did not (a hang, an error, a failed check, an unexpected outcome): what
  happened instead and what to look at (the ✗ checks, the blocked stacks, the
  error), never the story of the success.

A variant's story lives next to its scenario, in ``scenarios/N_name/_explain.py``::

    from concdemo.explain.template import Line

    STORIES = {
        "apply_async": [            # variant name -> its sentences, in order
            Line(
                "The loop queued all {tasks} tasks at once.",     # English
                "循环一下子把 {tasks} 个任务全部排进了队列。",          # Chinese, same {facts}
                when=lambda f: f.task_started == f.tasks,       # optional condition
            ),
        ],
    }

    INSTEAD = {"apply_async": [...]}  # optional: how far a run that went wrong got

    def extra_facts(result, facts):  # optional: facts only this scenario can read
        return {"printed": ", ".join(...)}

A sentence is dropped when a fact it names (in the text or in ``when``) was not
observed; the facts every run has are listed in ``concdemo.explain.facts``. Say
"near X" only under ``when=lambda f: nearer(f.total_s, f.x_s, f.y_s)`` (from
``concdemo.explain.template``), with a sentence giving the bare figures otherwise.
Templates hold no number literals: every number shown comes from the run
(tests/test_explain.py scans them). A variant without a story gets the generic,
run-true sentences only (its phases against their theory, its checks).
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from concdemo.explain import generic, template, waits
from concdemo.explain.facts import derive, finished_phases
from concdemo.explain.loop import loop_block_facts, loop_blocks, loop_not_traced_facts
from concdemo.explain.template import Facts, Line, render_all

if TYPE_CHECKING:
    from concdemo.core.runner import RunResult

TEMPLATES_FILE = "_explain.py"


@cache
def templates(folder: Path) -> ModuleType | None:
    """The scenario's ``_explain.py``, loaded from its own folder (none: generic only).

    Only a scenario folder (one with an ``about.py``) is looked in: a user's own
    script run with ``concdemo run PATH.py`` never has a neighbour executed.
    """
    path = folder / TEMPLATES_FILE
    if not path.is_file() or not (folder / "about.py").is_file():
        return None
    spec = importlib.util.spec_from_file_location(f"concdemo_explain_{folder.name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def story(result: RunResult, table: str = "STORIES") -> list[Line] | None:
    """The variant's own sentences, or None when it has none yet.

    ``STORIES`` tell a run that went as expected; the optional ``INSTEAD`` add, to
    a run that did not, how far it got (never what it would have shown).
    """
    module = templates(result.spec.variant.path.parent)
    stories: dict[str, list[Line]] = getattr(module, table, {}) if module else {}
    return stories.get(result.spec.variant.name)


def facts_of(result: RunResult, lang: str = "en") -> Facts:
    from concdemo.i18n import outcome

    facts = derive(result)
    variant = result.spec.variant
    error_type = (result.error or {}).get("type")
    more: dict[str, Any] = {
        "outcome_shown": outcome(result.outcome, lang),
        "expected_shown": outcome(result.expected, lang),
        "error_foreseen": not variant.errors or error_type in variant.errors,
        "unexpected_count": len(result.unexpected_errors),
        # What the run is: a scenario's variant, or a user's own script (run PATH.py).
        "script": result.spec.script is not None,
        "subject": (
            ("本脚本" if lang == "zh" else "this script")
            if result.spec.script is not None
            else ("本变体" if lang == "zh" else "this variant")
        ),
    }
    more["blocked_all"] = _blocked(result, lang)
    more.update(_unreported(result))
    more.update(loop_block_facts(result))
    more.update(loop_not_traced_facts(result))
    module = templates(variant.path.parent)
    extra = getattr(module, "extra_facts", None)
    if extra is not None:
        try:
            more.update(extra(result, facts))
        except Exception:
            # A scenario's slip must not break the summary of a run that already
            # happened: its own facts are missing, so its sentences are dropped.
            if template.STRICT:
                raise
    return facts.with_values(**more)


def _block_delays(result: RunResult, facts: Facts, lang: str) -> list[str]:
    """For each loop block (the longest, when many): the tasks it kept waiting."""
    zh = lang == "zh"
    sentences = []
    for block in loop_blocks(result):
        told = []
        for d in block.delayed:
            if d.sleep:
                text = generic.DELAYED_SLEEP[zh].format(coro=d.coro, sleep=d.sleep, ms=d.ms)
            else:
                text = generic.DELAYED_FIRST[zh].format(coro=d.coro, ms=d.ms)
            told.append(text)
        if block.more:
            told.append(generic.DELAYED_MORE[zh].format(n=block.more))
        line = generic.LOOP_BLOCK_DELAYED if told else generic.LOOP_BLOCK_NONE_DUE
        values = facts.with_values(
            block_by=block.by,
            block_ms=block.held_ms,
            block_at_s=block.at_s,
            block_delayed=("、" if zh else ", ").join(told),
        )
        sentences += render_all([line], values, lang)
    return sentences


_MOST_NAMED = 3  # processes named per place; more are shown as "…"


def _blocked(result: RunResult, lang: str) -> str | None:
    """Where the processes waited: the scenario's own lines first, each with who waited there."""
    folder = str(result.spec.variant.path.parent)
    own = [s for s in result.stacks if s["file"].startswith(folder)] or result.stacks
    places: dict[tuple[str, str, int], list[str]] = {}
    for stack in own:
        key = (stack["blocked_in"]["function"], stack["file"].rsplit("/", 1)[-1], stack["line"])
        names = places.setdefault(key, [])
        if stack["process"] not in names:
            names.append(stack["process"])
    shown = []
    for (function, file, line), names in places.items():
        who = ", ".join(names[:_MOST_NAMED]) + (", …" if len(names) > _MOST_NAMED else "")
        if lang == "zh":
            shown.append(f"{who} 阻塞在 {file}:{line} 的 {function}() 中")
        else:
            shown.append(f"{who} waited in {function}() at {file}:{line}")
    return ("；" if lang == "zh" else "; ").join(shown) or None


def _unreported(result: RunResult) -> dict[str, Any]:
    """Facts of a script's output lines that no event reports (none: no fact)."""
    found = list(result.unreported.values())
    facts: dict[str, Any] = {}
    never = sum(u.unwritten for u in found)
    if never:
        shown = [f"'{line}'" for u in found for line in u.unwritten_first]
        more = ", …" if never > len(shown) else ""
        facts.update(unwritten_lines=never, unwritten_shown=", ".join(shown) + more)
    total = sum(u.lines for u in found)
    if not total:
        return facts
    if any(u.by_count for u in found):
        return facts | {"unreported_at_least": total}
    first = [f"'{line}'" for u in found for line in u.first]
    more = ", …" if total > len(first) else ""
    return facts | {"unreported_lines": total, "unreported_shown": ", ".join(first) + more}


def _phase_lines(result: RunResult, lang: str) -> list[str]:
    shown = []
    for phase in finished_phases(result):
        values = Facts({"name": phase.name, "seconds": phase.seconds, "theory_s": phase.theory_s})
        if phase.seconds is None:
            line = generic.PHASE_UNFINISHED
        elif phase.theory_s is None:
            line = generic.PHASE_NO_THEORY
        else:
            line = generic.PHASE
        shown += render_all([line], values, lang)
    return shown


def _failed_checks(result: RunResult, lang: str) -> list[str]:
    shown = []
    for check in result.checks:
        if check.ok:
            continue
        values = ", ".join(f"{k}={v}" for k, v in check.detail.items())
        measured = generic.MEASURED.render(Facts({"values": values or None}), lang) or ""
        what = Facts({"what": check.what, "measured": measured})
        shown += render_all([generic.FAILED_CHECK], what, lang)
    return shown


def _child_ends(result: RunResult, lang: str) -> list[str]:
    """A sentence for each of a script's children that did not end with exit code 0;
    one for those a library stopped, by library and signal."""
    went_on = ""
    if result.outcome == "ok":
        script_ended = Facts({"script_exitcode": result.returncode})
        went_on = generic.WENT_ON.render(script_ended, lang) or ""
    shown = []
    stopped: dict[tuple[str, str], list[str]] = {}
    for child in result.child_ends:
        if child.stopped_by is not None:
            key = (child.stopped_by, _signal_name(-child.exitcode))
            stopped.setdefault(key, []).append(child.name)
            continue
        values: dict[str, Any] = {
            "child": child.name,
            "child_exitcode": child.exitcode,
            "went_on": went_on,
        }
        if child.error_type is not None:
            message = f" ({child.error_message})" if child.error_message else ""
            values["child_error"] = child.error_type + message
        if child.exitcode < 0:
            values["child_signal"] = -child.exitcode
            values["child_signal_name"] = _signal_name(-child.exitcode)
        # The first sentence that fits: with the exception, without it, or a signal.
        shown += render_all(generic.CHILD_END, Facts(values), lang)[:1]
    for (library, signal_name), names in stopped.items():
        children = ", ".join(names[:_MOST_NAMED]) + (", …" if len(names) > _MOST_NAMED else "")
        values = {"children": children, "stopped_by": library, "signal_name": signal_name}
        shown += render_all(generic.STOPPED, Facts(values), lang)[:1]
    return shown


def _signal_name(number: int) -> str:
    import signal

    try:
        return signal.Signals(number).name
    except ValueError:  # a real-time signal has no name of its own
        return f"SIGRTMIN+{number - signal.SIGRTMIN}"


def explain(result: RunResult, lang: str = "en") -> list[str]:
    """The sentences that explain this run, in ``lang`` (see the module's docstring)."""
    from concdemo.catalogue.texts import variant_note

    facts = facts_of(result, lang)
    if not result.as_expected:
        sentences = render_all(generic.INSTEAD, facts, lang)
        sentences += _failed_checks(result, lang)
        if result.outcome == "hang":
            sentences += render_all(generic.BLOCKED, facts, lang)
        sentences += waits.sentences(result, lang)  # a hang's, or a gevent LoopExit's
        sentences += render_all(story(result, "INSTEAD") or [], facts, lang)
        sentences += [s for s in _phase_lines(result, lang) if s]
    else:
        sentences = render_all(generic.EXPECTED_END, facts, lang)
        if result.outcome == "hang":
            sentences += render_all(generic.BLOCKED, facts, lang)
            sentences += waits.sentences(result, lang)
        lines = story(result)
        told = render_all(lines, facts, lang) if lines is not None else []
        if told:
            sentences += told
        else:  # no story, or none of its facts observed: only what the run itself says
            sentences += _phase_lines(result, lang)
            sentences += render_all(generic.CHECKS_HELD, facts, lang)
            if not sentences:
                sentences += render_all([generic.NO_STORY], facts, lang)
        if lines is None:
            # A story tells the start method's part itself; the catalogue's note is static.
            note = variant_note(result.spec.variant, result.spec.start_method, lang)
            if note:
                sentences.append(note)
    sentences += waits.error_pitfalls(result, lang)
    sentences += _child_ends(result, lang)
    sentences += render_all(generic.LOOP_BLOCKED, facts, lang)[:1]
    sentences += _block_delays(result, facts, lang)
    sentences += render_all([generic.LOOP_NOT_TRACED], facts, lang)
    sentences += render_all([generic.DROPPED], facts, lang)
    sentences += render_all(generic.UNREPORTED, facts, lang)
    return sentences
