"""A run's events as the report's data block: columns plus a string table, gzip +
base64 (the layout is described in the README, under the JSON documents)."""

from __future__ import annotations

import base64
import gzip
import json
import operator
import struct
from array import array
from typing import Any

from concdemo.export.html.runs import Key, RunView

FORMAT = "concdemo/html-data-1"

# What wins a pixel column, as in the terminal timeline: bookkeeping < bars <
# events < checks < failures (an error is never hidden by a thousand puts).
QUIET, BAR, EVENT, CHECK, ALARM = 0, 1, 2, 3, 4
_QUIET_KINDS = ("process-start", "process-end")
_SPAN_CODES = {"": 0, "start": 1, "end": 2}


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
    if view.columns is not None:
        ts, kl, dl = view.columns
    else:
        rows = list(view.rows)
        ts = list(map(operator.itemgetter(0), rows))
        kl = list(map(operator.itemgetter(1), rows))
        dl = list(map(operator.itemgetter(2), rows))
        del rows
    count = len(ts)
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
