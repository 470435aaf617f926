"""A run as the HTML report needs it (RunView), from a run just made or from a saved
``run --json`` document."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concdemo.catalogue.run_spec import RunSpec
    from concdemo.core.runner import RunResult

# An event's key: pid, process, task, kind, span ("", start, end), as the store keys it.
Key = tuple[int, str, str, str, str]
# One row per event: t (s), the index of its key in RunView.keys, its detail's JSON text.
Row = tuple[float, int, str]


@dataclass
class RunView:
    """One run as the page needs it: the head of its ``run --json`` entry, its
    explanation per language (None: not available in that language), its events."""

    head: dict[str, Any]
    explanation: dict[str, list[str] | None]
    rows: Iterable[Row]
    keys: list[Key]  # may grow while the rows are read
    # Or, from an event store, the rows as columns: times, key indices, detail texts.
    columns: tuple[list[float], list[int], list[str]] | None = None


# --- from a run just made, or from a saved ``run --json`` document -----------------


def views_from_results(results: list[RunResult]) -> list[RunView]:
    from concdemo.explain import explain

    views = []
    for r in results:
        explanation: dict[str, list[str] | None] = {"en": explain(r, "en"), "zh": explain(r, "zh")}
        columns = getattr(r.events, "columns", None)
        # An EventStore: no Event object, no row per event (a hang's graph: rows, below).
        if columns is not None and not r.waits:
            keys, times, key_ids, texts = columns()
            views.append(RunView(_head(r), explanation, (), keys, (times, key_ids, texts)))
            continue
        keys = []
        rows = _interned(
            with_waits(
                ((e.t, (e.pid, e.process, e.task, e.kind, e.span), e.detail_json)
                 for e in r.events),
                r.waits,
                r.wall_s,
            ),
            keys,
        )
        views.append(RunView(_head(r), explanation, rows, keys))
    return views


def with_waits(
    rows: Iterable[tuple[float, Key, str]], waits: list[dict[str, Any]], wall_s: float
) -> Iterator[tuple[float, Key, str]]:
    """The rows with a hang's wait-for graph merged in, in time order: each wait a
    ``waits`` span on its waiter's lane up to the stop, each holder a ``holds``
    event at the stop, linked to the wait (the page draws it as a link arrow)."""
    import heapq

    from concdemo.core.waits import who
    from concdemo.explain.waits import named

    # A wait whose beginning no process observed (a recv, an Event: read from its
    # stack at the stop) began after its thread's last event: drawn from there, as
    # the terminal's timeline does. Only then are the rows read ahead (a hang's).
    last: dict[tuple[int, str], float] = {}
    if any(edge.get("since_s") is None for edge in waits):
        rows = list(rows)
        for t, key, _ in rows:
            last[(key[0], key[2])] = max(t, last.get((key[0], key[2]), t))
    added: list[tuple[float, Key, str]] = []
    for n, edge in enumerate(waits):
        waiter, on = edge["waiter"], edge["on"]
        since = edge.get("since_s")
        if since is None:
            begun = min(wall_s, last.get((int(waiter["pid"]), str(waiter["thread"])), wall_s))
        else:
            begun = max(0.0, wall_s - float(since))
        what = named(on, "en")  # the page's event texts are the run's, in English
        link = f"wait-{n + 1}"
        holders = edge.get("held_by") or []
        lane = (int(waiter["pid"]), str(waiter["process"]), str(waiter["thread"]))
        # The holders named in the wait's own text: selecting it says whom it waits for.
        held_by = [who(h["process"], h["thread"]) for h in holders]
        start = {"on": what, "held_by": held_by, "at": edge.get("at"), "link": link}
        added.append((begun, (*lane, "waits-start", "start"), _json(start)))
        added.append((wall_s, (*lane, "waits-end", "end"), _json({"on": what})))
        for holder in holders:
            held = {"what": what, "at": holder.get("at"), "inferred": holder.get("inferred")}
            key = (int(holder["pid"]), str(holder["process"]), str(holder["thread"]), "holds", "")
            added.append((wall_s, key, _json({**held, "link": link})))
    added.sort(key=lambda row: row[0])
    return heapq.merge(rows, added, key=lambda row: row[0])


def _json(detail: dict[str, Any]) -> str:
    return json.dumps(detail, ensure_ascii=False, separators=(",", ":"))


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
                _interned(
                    with_waits(
                        _rows_of_doc(run["events"], n),
                        list(run.get("waits") or []),
                        float(run.get("wall_s") or 0.0),
                    ),
                    keys,
                ),
                keys,
            )
        )
    return views


def _chinese(run: dict[str, Any], english: list[str]) -> list[str] | None:
    """The explanation in Chinese, from the run (a scenario's or a script's) rebuilt
    from its document, and only if the English made the same way is the document's
    own word for word (so each Chinese sentence says what the English one does);
    else None."""
    from concdemo.base.errors import UsageError
    from concdemo.core.completeness import Gap
    from concdemo.core.events import Event
    from concdemo.core.runner import RunResult
    from concdemo.explain import explain

    if not english:
        return None
    try:
        spec = _spec(run)
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
            waits=run.get("waits") or [], deadlock=run.get("deadlock"),
        )
        if explain(result, "en") != english:
            return None
        return explain(result, "zh")
    except (UsageError, KeyError, TypeError, ValueError, AttributeError):
        return None  # a scenario this install does not have, or an older document


def _spec(run: dict[str, Any]) -> RunSpec:
    """The spec the document's run was made from. A script's run (``"scenario":
    null``) is rebuilt from its path (or ``-m MODULE``) and arguments without
    looking at the disk: the script need not be here any more, and a script's
    explanation uses no more of its spec than that it is a script."""
    from concdemo.catalogue import catalog
    from concdemo.catalogue.run_spec import RunSpec
    from concdemo.catalogue.target import Script

    params, timeout_s = dict(run["params"]), run["timeout_s"]
    if run.get("scenario"):
        variant = catalog.get(run["scenario"]).variant(run["variant"])
        return RunSpec(variant, run["start_method"], params, timeout_s)
    label, argv = str(run["script"]), tuple(str(a) for a in run.get("argv", []))
    module = label[3:] if label.startswith("-m ") else None
    script = Script(label=label, path=None if module else label, module=module, argv=argv,
                    cwd=os.getcwd())
    return RunSpec(script.variant(), run["start_method"], params, timeout_s, script)


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
