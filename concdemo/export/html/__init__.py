"""One self-contained, offline HTML report of the runs (``--html FILE``).

The page is plain HTML for the summary, the checks and the explanation (both
languages, switched by one attribute), then a canvas timeline drawn by the
hand-written ``viewer.js`` kept next to this file. Each run's events travel as
columnar arrays plus a string table, gzip-compressed and base64-encoded inside a
``<script type="application/octet-stream">`` block the browser never executes;
base64 cannot contain ``</script>``, and every other text from the run is
HTML-escaped, so nothing a script printed can run. A Content-Security-Policy
allows only the page's own script and style (by hash) and no connection at all.

The same runs give the same bytes: no time of writing, gzip's mtime is 0, and
every table is in the order the events came.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import json
import operator
import struct
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from concdemo.i18n import MESSAGES, t

if TYPE_CHECKING:
    from concdemo.core.runner import RunResult

FORMAT = "concdemo/html-data-1"
# An event's key: pid, process, task, kind, span ("", start, end), as the store keys it.
Key = tuple[int, str, str, str, str]
# One row per event: t (s), the index of its key in RunView.keys, its detail's JSON text.
Row = tuple[float, int, str]

# What wins a pixel column, as in the terminal timeline: bookkeeping < bars <
# events < checks < failures (an error is never hidden by a thousand puts).
QUIET, BAR, EVENT, CHECK, ALARM = 0, 1, 2, 3, 4
_QUIET_KINDS = ("process-start", "process-end")
_SPAN_CODES = {"": 0, "start": 1, "end": 2}


@dataclass
class RunView:
    """One run as the page needs it: the head of its ``run --json`` entry, its
    explanation per language (None: not available in that language), its events."""

    head: dict[str, Any]
    explanation: dict[str, list[str] | None]
    rows: Iterable[Row]
    keys: list[Key]  # may grow while the rows are read


# --- from a run just made, or from a saved ``run --json`` document -----------------


def views_from_results(results: list[RunResult]) -> list[RunView]:
    from concdemo.explain import explain

    views = []
    for r in results:
        keys, rows = _rows_of_result(r)
        views.append(
            RunView(_head(r), {"en": explain(r, "en"), "zh": explain(r, "zh")}, rows, keys)
        )
    return views


def _head(result: RunResult) -> dict[str, Any]:
    spec = result.spec
    script = spec.script
    return {
        "scenario": None if script is not None else spec.variant.scenario,
        "script": None if script is None else script.doc_path,
        "argv": [] if script is None else list(script.argv),
        "variant": spec.variant.name,
        "start_method": spec.start_method,
        "params": spec.params,
        "outcome": result.outcome,
        "expected": result.expected,
        "as_expected": result.as_expected,
        "wall_s": round(result.wall_s, 6),
        "phases": [
            {"name": p.name, "seconds": p.seconds, "theory_s": p.theory_s} for p in result.phases
        ],
        "checks": [{"what": c.what, "ok": c.ok, "detail": c.detail} for c in result.checks],
        "processes": [
            {"pid": p.pid, "name": p.name, "exitcode": p.exitcode} for p in result.processes
        ],
        "error": result.error,
        "stacks": result.stacks,
        "dropped_events": result.dropped_events,
    }


def _rows_of_result(result: RunResult) -> tuple[list[Key], Iterator[Row]]:
    events = result.events
    fast = getattr(events, "keyed_rows", None)
    if fast is not None:  # an EventStore: no Event object per event
        keyed: tuple[list[Key], Iterator[Row]] = fast()
        return keyed
    keys: list[Key] = []
    return keys, _interned(
        ((e.t, (e.pid, e.process, e.task, e.kind, e.span), e.detail_json) for e in events), keys
    )


def _interned(rows: Iterable[tuple[float, Key, str]], keys: list[Key]) -> Iterator[Row]:
    ids: dict[Key, int] = {}
    for at, key, detail in rows:
        k = ids.get(key)
        if k is None:
            k = ids[key] = len(keys)
            keys.append(key)
        yield at, k, detail


def views_from_doc(doc: Any, source: str) -> list[RunView]:
    """The runs of a ``run --json`` document; ValueError naming what is wrong."""
    if not isinstance(doc, dict) or doc.get("schema") != "concdemo/run-1":
        found = doc.get("schema") if isinstance(doc, dict) else type(doc).__name__
        raise ValueError(
            f"its schema is {found!r}, not concdemo/run-1, compare-1 or verify-1"
        )
    runs = doc.get("runs")
    if not isinstance(runs, list):
        raise ValueError("it has no 'runs' list")
    views = []
    for n, run in enumerate(runs):
        if not isinstance(run, dict) or not isinstance(run.get("events"), list):
            raise ValueError(f"run {n + 1} has no 'events' list")
        head = {k: v for k, v in run.items() if k != "events"}
        keys: list[Key] = []
        english = list(run.get("explanation") or [])
        views.append(
            RunView(
                head,
                # A saved document holds the English explanation only (JSON is for
                # programs); the Chinese one is made from the run, when it can be.
                {"en": english, "zh": _chinese(run, english)},
                _interned(_rows_of_doc(run["events"], n), keys),
                keys,
            )
        )
    return views


def _chinese(run: dict[str, Any], english: list[str]) -> list[str] | None:
    """The explanation in Chinese, from a scenario's run rebuilt from its document,
    and only if the English made the same way is the document's own word for word
    (so each Chinese sentence says what the English one does); else None."""
    from concdemo.base.errors import UsageError
    from concdemo.catalogue import catalog
    from concdemo.catalogue.run_spec import RunSpec
    from concdemo.core.completeness import Gap
    from concdemo.core.events import Event
    from concdemo.core.runner import RunResult
    from concdemo.explain import explain

    if not run.get("scenario") or not english:
        return None  # a script's run: its spec is not in the document
    try:
        variant = catalog.get(run["scenario"]).variant(run["variant"])
        spec = RunSpec(variant, run["start_method"], dict(run["params"]), run["timeout_s"])
        events = []
        for n, e in enumerate(run["events"]):
            detail = dict(e.get("detail") or {})
            if "link" in e:
                detail["link"] = e["link"]
            events.append(Event(e["t"], e["pid"], e["process"], e["task"], e["kind"], detail,
                                e.get("span", ""), n))
        main = next((p for p in run["processes"] if p["name"] == "MainProcess"), None)
        result = RunResult(
            spec=spec, outcome=run["outcome"], wall_s=run["wall_s"], events=events,
            returncode=None if main is None else main["exitcode"],
            main_pid=0 if main is None else main["pid"], error=run["error"],
            stacks=run["stacks"], dropped_events=run["dropped_events"],
            malformed_events=run.get("malformed_events", 0),
            stderr_tail=run.get("stderr", ""), signals_sent=run.get("signals_sent", []),
            gaps=[Gap(**g) for g in run.get("incomplete", [])],
            unresponsive=run.get("unresponsive", []),
        )
        if explain(result, "en") != english:
            return None
        return explain(result, "zh")
    except (UsageError, KeyError, TypeError, ValueError, AttributeError):
        return None  # a scenario this install does not have, or an older document


def _rows_of_doc(events: list[Any], run: int) -> Iterator[tuple[float, Key, str]]:
    for i, e in enumerate(events):
        try:
            detail = dict(e.get("detail") or {})
            if "link" in e:
                detail["link"] = e["link"]  # back where the run keeps it
            key = (int(e["pid"]), str(e["process"]), str(e["task"]), str(e["kind"]),
                   str(e.get("span", "")))
            yield (
                float(e["t"]),
                key,
                json.dumps(detail, ensure_ascii=False, separators=(",", ":")),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"event {i + 1} of run {run + 1} is not an event ({exc})") from exc


# --- the data block ---------------------------------------------------------------


class _Strings:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.index)
        return found


def _priority(kind: str, span: str, detail: str) -> int:
    if kind == "error":
        return ALARM
    if kind == "check":
        try:
            ok = json.loads(detail).get("ok")
        except (ValueError, AttributeError):
            ok = False
        return CHECK if ok else ALARM
    if span:
        return BAR
    if kind in _QUIET_KINDS:
        return QUIET
    return EVENT


def encode(view: RunView) -> str:
    """The run's events as base64(gzip(header JSON + little-endian columns)).

    Per event only three numbers are kept: its time, its key (an index into a
    table of (lane, kind, priority and span code), one entry per distinct
    process, task, kind and span, as the event store keys them) and its detail
    (an index into the string table). A million-event burst has a handful of keys.
    """
    strings = _Strings()
    lanes: dict[tuple[int, str], int] = {}
    lane_rows: list[list[Any]] = []
    names: dict[int, str] = {}
    key_rows: list[list[int]] = []
    their_keys = view.keys

    def add_key(key: Key, detail: str) -> int:
        pid, process, task, kind, span = key
        lane = lanes.get((pid, task))
        if lane is None:
            lane = lanes[(pid, task)] = len(lane_rows)
            lane_rows.append([pid, task])
        names[pid] = process
        code = _SPAN_CODES.get(span, 0) + 4 * _priority(kind, span, detail)
        key_rows.append([lane, strings(kind), code])
        return len(key_rows) - 1

    # Column by column, each a loop in C where it can be: a million events cost
    # a few list passes, not a dozen Python steps each.
    rows = list(view.rows)
    count = len(rows)
    ts: list[float] = list(map(operator.itemgetter(0), rows))
    kl: list[int] = list(map(operator.itemgetter(1), rows))
    dl: list[str] = list(map(operator.itemgetter(2), rows))
    del rows
    # Lanes and keys in order of first appearance in time; a check is judged by
    # its detail (a failed one is an alarm), so it has one key per verdict.
    mine = [-1] * len(their_keys)
    for theirs in dict.fromkeys(kl):
        if their_keys[theirs][3] != "check":
            mine[theirs] = add_key(their_keys[theirs], "")
    key_list = list(map(mine.__getitem__, kl))
    checks: dict[tuple[int, str], int] = {}
    for i in [i for i, k in enumerate(key_list) if k < 0]:
        judged = (kl[i], dl[i])
        if judged not in checks:
            checks[judged] = add_key(their_keys[kl[i]], dl[i])
        key_list[i] = checks[judged]
    key_col = array("I", key_list)
    del key_list
    index = strings.index
    detail_col = array("I", [index.setdefault(d, len(index)) for d in dl])
    # Whole microseconds (what --json keeps), each as the step from the one before:
    # a burst's steps are a few values repeated, which gzip shrinks thirtyfold.
    us = [round(x * 1e6) for x in ts]
    steps = list(map(operator.sub, us, [0, *us[:-1]]))
    del us
    fits = not steps or (min(steps) >= -_INT32 and max(steps) <= _INT32)
    # Over 35 minutes between two events: the float seconds instead.
    t_column: array[Any] = array("i", steps) if fits else array("d", ts)
    del steps
    partner = array("i", [-1]) * count
    span_keys = {k for k, key in enumerate(their_keys) if key[4]}
    open_spans: dict[tuple[int, str, str], list[int]] = {}
    for i in [i for i, k in enumerate(kl) if k in span_keys]:
        pid, _, task, kind, span = their_keys[kl[i]]
        if span == "start":
            open_spans.setdefault((pid, task, kind[: -len("-start")]), []).append(i)
        elif span == "end":
            stack = open_spans.get((pid, task, kind[: -len("-end")]))
            if stack:
                start = stack.pop()
                partner[start], partner[i] = i, start
    links: dict[str, int] = {}
    link_pairs = array("I")
    for i in [i for i, d in enumerate(dl) if '"link":' in d]:
        try:
            link = json.loads(dl[i]).get("link")
        except (ValueError, AttributeError):
            link = None
        if link is not None:
            first = links.setdefault(str(link), i)
            if first != i:  # one arrow from the first of a link to each later one
                link_pairs.extend((first, i))
    header = {
        "format": FORMAT,
        "count": count,
        "t": "delta-us" if fits else "f64-s",
        "links": len(link_pairs) // 2,
        "strings": list(strings.index),
        "keys": key_rows,
        "processes": [[pid, names[pid]] for pid in dict.fromkeys(p for p, _ in lane_rows)],
        "lanes": lane_rows,
    }
    head = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode()
    parts = [struct.pack("<I", len(head)), head]
    offset = 4 + len(head)
    for column in (t_column, key_col, detail_col, partner, link_pairs):
        pad = -offset % 8  # each column starts on 8 bytes: typed arrays view it in place
        parts.append(b"\0" * pad)
        data = column.tobytes() if _LITTLE else _swapped(column)
        parts.append(data)
        offset += pad + len(data)
    # Level 1: a sixth of level 6's time for 5 % more bytes (300,000 events: 35 ms, 1.26 MB
    # against 157 ms, 1.20 MB).
    blob = gzip.compress(b"".join(parts), compresslevel=1, mtime=0)
    return base64.b64encode(blob).decode("ascii")


_LITTLE = array("I", [1]).tobytes()[0] == 1
_INT32 = 2**31 - 1


def _swapped(column: array[Any]) -> bytes:
    copy = array(column.typecode, column)
    copy.byteswap()
    return copy.tobytes()


# --- the page -----------------------------------------------------------------------


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _both(key: str, **values: Any) -> str:
    """A label in both languages; the page shows the one its switch selects."""
    return "".join(
        f'<span lang="{code}">{html.escape(t(key, lang, **values))}</span>'
        for lang, code in (("en", "en"), ("zh", "zh-Hans"))
    )


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _title(head: dict[str, Any]) -> str:
    if head.get("script"):
        argv = " ".join(str(a) for a in head.get("argv") or [])
        return f"{head['script']} {argv}".strip()
    return f"{head.get('scenario')} · {head.get('variant')}"


def _summary(head: dict[str, Any]) -> str:
    outcome = str(head.get("outcome"))
    good = bool(head.get("as_expected"))
    rows = [
        f'<p class="outcome {"good" if good else "bad"}">'
        f"{_both('html_outcome', outcome=outcome, expected=head.get('expected'))}"
        f" · {_e(head.get('start_method'))} · {_e(head.get('wall_s'))} s</p>"
    ]
    phases = head.get("phases") or []
    if phases:
        rows.append(f"<h3>{_both('html_phases')}</h3><table class='phases'>")
        for p in phases:
            seconds = "—" if p.get("seconds") is None else f"{p['seconds']:.3f} s"
            theory = "" if p.get("theory_s") is None else f"{p['theory_s']} s"
            rows.append(
                f"<tr><td>{_e(p.get('name'))}</td><td>{_e(seconds)}</td>"
                f"<td>{_both('html_theory', value=theory) if theory else ''}</td></tr>"
            )
        rows.append("</table>")
    checks = head.get("checks") or []
    rows.append(f"<h3>{_both('html_checks')}</h3>")
    if checks:
        rows.append("<ul class='checks'>")
        for c in checks:
            ok = bool(c.get("ok"))
            detail = "  ".join(f"{k}={v}" for k, v in (c.get("detail") or {}).items())
            rows.append(
                f"<li class='{'ok' if ok else 'fail'}'>{'✓' if ok else '✗'} "
                f"{_e(c.get('what'))} <small>{_e(detail)}</small></li>"
            )
        rows.append("</ul>")
    else:
        rows.append(f"<p>{_both('html_no_checks')}</p>")
    error = head.get("error")
    if error:
        rows.append(f"<h3>{_both('html_error')}</h3><pre>{_e(json.dumps(error, indent=1))}</pre>")
    stacks = head.get("stacks") or []
    if stacks:
        text = _e(_stacks(stacks))
        rows.append(f"<h3>{_both('html_stacks')}</h3><pre class='stacks'>{text}</pre>")
    processes = head.get("processes") or []
    if processes:
        rows.append(f"<h3>{_both('html_processes')}</h3><table class='processes'>")
        for p in processes:
            rows.append(
                f"<tr><td>{_e(p.get('name'))}</td><td>{_e(p.get('pid'))}</td>"
                f"<td>{_both('html_exitcode', code=p.get('exitcode'))}</td></tr>"
            )
        rows.append("</table>")
    if head.get("dropped_events"):
        rows.append(f"<p class='bad'>{_both('html_dropped', n=head['dropped_events'])}</p>")
    return "\n".join(rows)


def _stacks(stacks: list[Any]) -> str:
    """Where each process of a hung run was blocked, outermost frame first as a
    traceback reads; the call it was blocked in is marked with ◀."""
    lines = []
    for stack in stacks:
        if not isinstance(stack, dict):
            lines.append(str(stack))
            continue
        lines.append(f"{stack.get('process')}[{stack.get('pid')}] {stack.get('thread', '')}")
        blocked = stack.get("blocked_in") or {}
        frames = [f for f in stack.get("frames") or [] if isinstance(f, dict)]
        for frame in reversed(frames):  # stored innermost first
            mark = "  ◀" if frame == blocked else ""
            lines.append(
                f"  {frame.get('file')}:{frame.get('line')} {frame.get('function')}{mark}"
            )
    return "\n".join(lines)


def _explanation(explanation: dict[str, list[str] | None]) -> str:
    parts = [f"<h3>{_both('html_explanation')}</h3>"]
    for lang, code in (("en", "en"), ("zh", "zh-Hans")):
        lines = explanation.get(lang)
        if lines is None:
            text = MESSAGES["html_no_explanation"][lang]
            parts.append(f'<p lang="{code}" class="note">{_e(text)}</p>')
            continue
        items = "".join(f"<li>{_e(line)}</li>" for line in lines)
        parts.append(f'<ul lang="{code}" class="explanation">{items}</ul>')
    return "\n".join(parts)


def page(views: list[RunView], title: str) -> str:
    sections = []
    for n, view in enumerate(views):
        head = view.head
        sections.append(
            f'<section class="run" data-run="{n}">\n'
            f"<h2>{_e(_title(head))}</h2>\n{_summary(head)}\n{_explanation(view.explanation)}\n"
            f"<h3>{_both('html_timeline')}</h3>\n"
            f'<div class="timeline" data-run="{n}"><p class="loading">'
            f"{_both('html_loading')}</p></div>\n"
            f'<script type="application/octet-stream" class="data" data-run="{n}">'
            f"{encode(view)}</script>\n</section>"
        )
    return _shell(title, "\n".join(sections), _both("html_help"))


def _shell(title: str, body: str, help_text: str = "") -> str:
    script, style = _asset("viewer.js"), _asset("viewer.css")
    csp = (
        f"default-src 'none'; script-src {_sha(script)}; style-src {_sha(style)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{style}</style>\n</head>\n"
        '<body data-lang="en">\n<header><h1>'
        f"{_e(title)}</h1>\n"
        '<div class="langs"><button type="button" data-set-lang="en">English</button>'
        '<button type="button" data-set-lang="zh">中文</button></div>\n'
        f'<p class="help">{help_text}</p></header>\n'
        + body
        + f"\n<script>{script}</script>\n</body>\n</html>\n"
    )


def _table(columns: list[str], rows: list[list[Any]], cls: str) -> str:
    head = "".join(f"<th>{_both(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e('—' if v is None else v)}</td>" for v in row) + "</tr>"
        for row in rows
    )
    return f"<table class='{cls}'><tr>{head}</tr>{body}</table>"


def compare_page(doc: dict[str, Any], title: str) -> str:
    """A ``compare-1`` document: its table (the same figures as the terminal's)."""
    results = doc.get("results")
    if not isinstance(results, list):
        raise ValueError("it has no 'results' list")
    rows = [
        [
            r.get("variant"), r.get("start_method"), r.get("phase"),
            " ".join(f"{x:.3f}" for x in r.get("samples") or []),
            r.get("min"), r.get("median"), r.get("max"), r.get("stdev"),
            r.get("theory_s"), r.get("speedup"),
        ]
        for r in results
        if isinstance(r, dict)
    ]
    columns = ["html_col_variant", "html_col_start_method", "html_col_phase", "html_col_samples",
               "html_col_min", "html_col_median", "html_col_max", "html_col_stdev",
               "html_col_theory", "html_col_speedup"]
    body = [
        f"<section class='compare'><h2>{_e(doc.get('scenario') or '')}</h2>",
        f"<p>{_both('html_compare_title', repeat=doc.get('repeat'), warmup=doc.get('warmup'))}</p>",
        _table(columns, rows, "compare"),
    ]
    warnings = doc.get("warnings") or []
    if warnings:
        items = "".join(f"<li>{_e(w)}</li>" for w in warnings)
        body.append(f"<h3>{_both('html_warnings')}</h3><ul>{items}</ul>")
    body.append("</section>")
    return _shell(title, "\n".join(body))


def _by_method(values: Any) -> str:
    if not isinstance(values, dict):
        return "" if values is None else str(values)
    return "  ".join(f"{method}: {value}" for method, value in values.items())


def verify_page(doc: dict[str, Any], title: str) -> str:
    """A ``verify-1`` document: the counts, then each claim with its verdict."""
    claims = doc.get("claims")
    if not isinstance(claims, list):
        raise ValueError("it has no 'claims' list")
    rows = [
        [
            c.get("id"), c.get("claim"), f"{c.get('scenario')} · {c.get('variant')}",
            _by_method(c.get("results")), _by_method(c.get("expected")),
            c.get("status") or ("held" if c.get("holds") else "failed"), c.get("note"),
        ]
        for c in claims
        if isinstance(c, dict)
    ]
    columns = ["html_col_id", "html_col_claim", "html_col_variant", "html_col_results",
               "html_col_expected", "html_col_status", "html_col_note"]
    counts = _both(
        "html_verify_counts", passed=doc.get("passed"), failed=doc.get("failed"),
        inconclusive=doc.get("inconclusive", 0),
    )
    body = [f"<section class='verify'><p class='outcome'>{counts}</p>",
            _table(columns, rows, "verify")]
    skipped = doc.get("skipped") or []
    if skipped:
        items = "".join(
            f"<li>{_e(k.get('id'))}: {_e(k.get('note'))}</li>"
            for k in skipped
            if isinstance(k, dict)
        )
        body.append(f"<h3>{_both('html_skipped')}</h3><ul>{items}</ul>")
    body.append("</section>")
    return _shell(title, "\n".join(body))


def from_document(doc: Any, name: str) -> str:
    """The page for any saved document (run, compare or verify); ValueError if none."""
    schema = doc.get("schema") if isinstance(doc, dict) else None
    if schema == "concdemo/compare-1":
        return compare_page(doc, f"concdemo compare {doc.get('scenario') or ''}".strip())
    if schema == "concdemo/verify-1":
        return verify_page(doc, "concdemo verify")
    return report(views_from_doc(doc, name), f"concdemo report {name}")


def report(views: list[RunView], title: str) -> str:
    return page(views, title)


def from_results(results: list[RunResult]) -> str:
    scenarios = dict.fromkeys(
        r.spec.script.doc_path if r.spec.script is not None else r.spec.variant.scenario
        for r in results
    )
    return page(views_from_results(results), f"concdemo run {' '.join(scenarios)}".strip())
