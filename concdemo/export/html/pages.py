"""The report's HTML: the summary, checks and explanation of each run (both
languages), its data block and timeline; compare's and verify's tables; the shell
with its Content-Security-Policy and the inlined viewer."""

from __future__ import annotations

import base64
import hashlib
import html
import json
from importlib import resources
from typing import TYPE_CHECKING, Any

from concdemo.export.html.data import encode
from concdemo.export.html.runs import RunView, views_from_doc, views_from_results
from concdemo.i18n import MESSAGES, t

if TYPE_CHECKING:
    from concdemo.core.runner import RunResult


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
