"""Every sentence the wait-for graph is told in, for every kind of wait, read once:
no word said twice ("lock lock_a"), no hole ("None", "?", "{label}"), and the
Chinese spaced where a Latin label follows a Chinese word.

One fixture hang per kind (lock, event, condition, semaphore, barrier, recv,
pipe, thread, process), each with labels that name their kind (``lock_a``), do
not (``a``) and are attributes (``self.lock``); all their sentences, English and
Chinese, the table's cells as well, are collected and the bad ones listed
together, so one run of this test shows every sentence that reads wrong.
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

from concdemo.explain.waits import sentences, waits_for

KINDS = ("lock", "event", "condition", "semaphore", "barrier", "recv", "pipe", "thread", "process")
# The English word each kind is told with (a label may already say it).
WORD = {"recv": "pipe", "pipe": "queue"}


def _party(pid: int, process: str, thread: str = "MainThread") -> dict[str, Any]:
    return {"pid": pid, "process": process, "thread": thread, "ident": pid * 10 + len(thread)}


def _holder(pid: int, process: str, thread: str = "MainThread") -> dict[str, Any]:
    return {**_party(pid, process, thread), "since_s": 1.2, "at": "/s/x.py:7", "inferred": False}


def _edge(waiter: dict[str, Any], kind: str, label: str, held_by: list[dict[str, Any]],
          at: str = "/s/x.py:9") -> dict[str, Any]:
    return {
        "waiter": waiter,
        "on": {"kind": kind, "label": label, "created_at": "/s/x.py:3"},
        "held_by": held_by,
        "since_s": 1.4,
        "at": at,
        "timed": False,
    }


def _run(waits: list[dict[str, Any]], kind: str | None, cycle: list[str]) -> Any:
    deadlock = None if kind is None else {"kind": kind, "cycle": cycle}
    return SimpleNamespace(waits=waits, deadlock=deadlock, events=[])


def _hangs(kind: str, label: str) -> list[Any]:
    """The hang each kind is the pitfall of, and the same edges told as a bare loop
    and as the waits of a hang with no loop."""
    p1, p2, main = _party(11, "Process-1"), _party(12, "Process-2"), _party(10, "MainProcess")
    if kind == "lock":
        other = label.replace("a", "b") if label != "a" else "b"
        waits = [
            _edge(p1, "lock", other, [_holder(12, "Process-2")]),
            _edge(p2, "lock", label, [_holder(11, "Process-1")]),
        ]
        pitfall = _run(waits, "lock-order", ["Process-1", "Process-2"])
    elif kind in ("pipe", "thread", "process"):
        # The Queue's join-deadlock: each of the three kinds is one edge of it.
        names = {"pipe": "q", "thread": "QueueFeederThread", "process": "Process-1"}
        names[kind] = label
        feeder = _party(11, "Process-1", "QueueFeederThread")
        waits = [
            _edge(main, "process", names["process"], [_holder(11, "Process-1")]),
            _edge(p1, "thread", names["thread"], [_holder(11, "Process-1", "QueueFeederThread")]),
            _edge(feeder, "pipe", names["pipe"], [_holder(10, "MainProcess")]),
        ]
        cycle = ["MainProcess", "Process-1", "Process-1/QueueFeederThread"]
        pitfall = _run(waits, "queue-join", cycle)
    elif kind == "recv":
        waits = [
            _edge(main, "process", "Process-1", [_holder(11, "Process-1")]),
            _edge(p1, "recv", label, [_holder(11, "Process-1"), _holder(10, "MainProcess")]),
        ]
        pitfall = _run(waits, "pipe-not-closed", ["MainProcess", "Process-1"])
    elif kind == "event":
        waits = [_edge(main, "event", label, [])]
        pitfall = _run(waits, "event-never-set", ["MainProcess"])
    else:  # condition, semaphore, barrier: nobody left to notify, release, arrive
        waits = [_edge(main, kind, label, []), _edge(p1, kind, label, [])]
        pitfall = _run(waits, "never-released", ["MainProcess", "Process-1"])
    named = [who["waiter"]["process"] for who in waits]
    return [pitfall, _run(waits, "wait-cycle", named), _run(waits, None, [])]


def _told() -> list[tuple[str, str, str, str]]:
    """(kind, label, lang, sentence) for every sentence and table cell of the fixtures."""
    told = []
    for kind in KINDS:
        word = WORD.get(kind, kind)
        for label in (f"{word}_a", "a", f"self.{word}"):
            for lang in ("en", "zh"):
                for run in _hangs(kind, label):
                    said = sentences(run, lang)
                    said += [waits_for(edge, lang) for edge in run.waits]
                    told += [(kind, label, lang, s) for s in said]
    return told


# A word said again by the label after it: "lock lock_a", "Event self.event".
_TWICE = re.compile(r"(?i)(?<![\w.])([a-z]{3,}) [\w.]*?(?<![a-z])\1(?![a-z])")
_CJK = "\u4e00-\u9fff"
_HOLES = ("None", "{", "}", " ?", "?)", "  ", " ,", " .", "()()")


def _bad(lang: str, sentence: str) -> str:
    if _TWICE.search(sentence):
        return f"says {_TWICE.search(sentence).group(0)!r}"  # type: ignore[union-attr]
    what, arrow, holders = sentence.partition(" ← ")
    if arrow and what.split()[-1] in [h.split("/")[-1] for h in holders.split(", ")]:
        return "names its holder twice"  # a join: the thread it waits for is the holder
    hole = next((h for h in _HOLES if h in sentence), None)
    if hole is not None:
        return f"has a hole {hole!r}"
    if lang == "zh" and re.search(f"[{_CJK}][A-Za-z]", sentence):
        return "a Latin word glued to a Chinese one"
    if lang == "en" and re.search(f"[{_CJK}]", sentence):
        return "Chinese in English"
    return ""


def test_every_kinds_sentences_read_naturally_in_english_and_chinese() -> None:
    told = _told()
    assert {kind for kind, *_ in told} == set(KINDS)
    bad = [
        f"{kind} {label!r} [{lang}]: {why}: {sentence}"
        for kind, label, lang, sentence in told
        if (why := _bad(lang, sentence))
    ]
    assert not bad, "\n".join(["sentences that read wrong:", *bad])
    # The pitfall sentences are among them, each kind's once at least.
    text = "\n".join(s for *_, s in told)
    for pitfall in ("lock-order inversion", "This is joining before draining a Queue",
                    "This is an Event never set", "This is a Pipe whose write end was not closed",
                    "Stuck for good: every thread of the run waits without a timeout"):
        assert pitfall in text, pitfall
