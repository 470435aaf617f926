"""Decoding the channel's messages into events: fast for lines as our writer makes
them, careful with anything else (counted as malformed or repaired, never fatal)."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import compress
from typing import Any

from concdemo.core.events import Event
from concdemo.core.store import EventStore

# A line longer than this is no message of ours (the writer keeps them under
# PIPE_BUF); the receiver drops it whole and counts it as malformed.
MAX_LINE_BYTES = 1 << 20
# Nesting a detail may have (the detail object itself is level 1). Our writer
# sends at most 7 levels (channel._MAX_DEPTH); a foreign writer may send
# thousands, and whether json.loads takes those depends on the Python version
# (about 1000 levels on 3.10-3.11, 1500 on 3.12, 10 000 on 3.13) and on how deep
# the caller's stack already is: a detail the ingest thread parsed could raise
# RecursionError later, in a view or an export. Bounded far below every such
# limit, each kept detail can be decoded and shown anywhere; deeper is malformed.
MAX_DETAIL_DEPTH = 64
_MAX_NAME_CHARS = 200
_MAX_SEQ = 1 << 62  # larger sequence numbers would report absurd losses
_SPANS = ("", "start", "end")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
# A message exactly as channel.encode writes it; anything else is decoded with care.
_STRING = rb'"[^"\\\x00-\x1f]*(?:\\.[^"\\\x00-\x1f]*)*"'  # a JSON string, unrolled
_FIELDS = rb"\[(\d{1,18}),(\d{1,19}),(\d{1,10}," + rb",".join([_STRING] * 4) + rb"),(\{.*\})\]"
_LINE = re.compile(_FIELDS)
_LINES = re.compile(rb"^" + _FIELDS + rb"$", re.MULTILINE)
# The sequence number and pid of a line that may be no message as a whole.
_HEAD = re.compile(rb"\[\s*(\d{1,18})\s*,\s*\d{1,19}\s*,\s*(\d{1,10})\s*,")
# Every byte but quotes and brackets, which are all the nesting check looks at.
_NOT_NESTING = bytes(sorted(set(range(256)) - set(b'"[]{}')))
_QUOTED_BRACKETS = re.compile(rb'"[^"]*"')
# A piece of a printed line that the next event of its lane continues (the
# tracer's output.py), and the end of the fields of a stdout/stderr message.
# Quotes inside a JSON string are escaped: only a key can look like _PIECE.
_PIECE = b'"more":true'
_OUTPUT_KEYS = (b',"stdout",""', b',"stderr",""')


class _Repairs:
    """Counts the values of one line that JSON output could not carry as they came."""

    def __init__(self) -> None:
        self.count = 0

    def constant(self, name: str) -> str:
        # NaN, Infinity, -Infinity: json.loads takes them, strict JSON readers do not.
        self.count += 1
        return name

    def float(self, text: str) -> float | str:
        value = float(text)
        if math.isfinite(value):
            return value
        self.count += 1  # 1e999 overflows to inf
        return text


def _without_lone_surrogates(value: Any, repairs: _Repairs) -> Any:
    """``"\\ud800"`` decodes to a string UTF-8 cannot encode; make it U+FFFD."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            repairs.count += 1
            return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return value
    if isinstance(value, list):
        return [_without_lone_surrogates(v, repairs) for v in value]
    if isinstance(value, dict):
        return {
            _without_lone_surrogates(k, repairs): _without_lone_surrogates(v, repairs)
            for k, v in value.items()
        }
    return value


@dataclass
class Decoder:
    """Turns channel lines into events and keeps count of what went wrong.

    Nothing a writer sends can make it raise: a line that is not a message (or
    whose detail nests deeper than ``MAX_DETAIL_DEPTH``) is counted in
    ``malformed``; a message with values JSON output cannot carry
    (invalid UTF-8, lone surrogates, NaN, infinities) is kept with those values
    replaced, and counted in ``repaired``.
    """

    t0_ns: int
    malformed: int = 0
    repaired: int = 0
    _received: Counter[int] = field(default_factory=Counter)
    _highest: dict[int, int] = field(default_factory=dict)
    # Malformed lines that still named their pid and number: (how many, highest) per pid.
    _refused: dict[int, tuple[int, int]] = field(default_factory=dict)
    # Names repeat on every event of a process: keep one copy of each.
    _names: dict[str, str] = field(default_factory=dict)
    _pids: dict[int, int] = field(default_factory=dict)
    # The pieces of printed lines still to be joined, by their lane's fields as
    # on the wire: (seq, t_ns, texts) of the latest piece.
    _held: dict[bytes, tuple[bytes, bytes, list[str]]] = field(default_factory=dict)

    def decode(self, line: bytes) -> Event | None:
        if not line.strip():
            return None
        if len(line) > MAX_LINE_BYTES:
            self.malformed += 1
            return None
        repairs = _Repairs()
        try:
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                text = line.decode("utf-8", "replace")
                repairs.count += 1
            fields = json.loads(
                text, parse_constant=repairs.constant, parse_float=repairs.float
            )
            if _SURROGATE_ESCAPE.search(line) is not None:
                fields = _without_lone_surrogates(fields, repairs)
            event = self._event(fields)
        except (ValueError, TypeError, OverflowError, RecursionError):
            self._malformed(line)
            return None
        if repairs.count:
            self.repaired += 1
        self._count(event)
        return event

    def _malformed(self, line: bytes) -> None:
        """Count a line that is no message. If it still says whose message number
        it was (a message whose detail is refused), that message did arrive: it
        must not be counted a second time, as lost, by the gap it would leave."""
        self.malformed += 1
        head = _HEAD.match(line)
        if head is not None:
            pid, seq = int(head[2]), int(head[1])
            count, highest = self._refused.get(pid, (0, -1))
            self._refused[pid] = (count + 1, max(highest, seq))

    def decode_block(self, data: bytes) -> list[Event]:
        """Every event in ``data`` (whole lines), in arrival order."""
        from concdemo.core.store import EventStore

        store = EventStore()
        self.feed(store, data)
        return store.arrived(0, len(store))

    def feed(self, store: EventStore, data: bytes) -> int:
        """Decode the whole lines in ``data`` into ``store``; returns how many events
        were added. Lines as our writer makes them take a fast path (one regex per
        line, one JSON parse per block to check the details, kept as text); any
        other line takes the careful path of ``decode``."""
        before = len(store)
        body = data.strip(b"\n")
        if not body:
            return 0
        if self._held or _PIECE in body:
            body = self._joined(body)
            if not body:
                return 0
        rows: list[tuple[bytes, bytes, bytes, bytes]] = _LINES.findall(body)
        if len(rows) == body.count(b"\n") + 1 and self._store_rows(store, rows):
            return len(store) - before  # the usual case: every line as encode() makes it
        pending: list[tuple[bytes, bytes, bytes, bytes]] = []
        for line in body.split(b"\n"):
            fields = _LINE.fullmatch(line)
            if fields is not None:
                pending.append(fields.groups())  # type: ignore[arg-type]
                continue
            self._store_rows_or_lines(store, pending)
            pending = []
            self._store_line(store, line)
        self._store_rows_or_lines(store, pending)
        return len(store) - before

    def _joined(self, body: bytes) -> bytes:
        """``body`` with each printed line that came in pieces as one message: a
        piece is held (and counted as received) until the last piece of its lane
        arrives, which then carries the whole line."""
        out = []
        for line in body.split(b"\n"):
            fields = _LINE.fullmatch(line)
            if fields is None or not fields.group(3).endswith(_OUTPUT_KEYS):
                out.append(line)
                continue
            seq, t_ns, key, detail = fields.groups()
            held = self._held.pop(key, None)
            if held is None and _PIECE not in detail:
                out.append(line)
                continue
            try:
                parsed = json.loads(detail)
            except ValueError:
                parsed = None
            if not isinstance(parsed, dict) or not isinstance(parsed.get("line"), str):
                out.append(line)  # no piece of ours: the careful path judges it
                continue
            texts = [] if held is None else held[2]
            texts.append(parsed["line"])
            if parsed.get("more") is True:
                self._held[key] = (seq, t_ns, texts)
                self._count_seq(int(key.split(b",", 1)[0]), int(seq))
                continue
            parsed["line"] = "".join(texts)
            joined = json.dumps(parsed, separators=(",", ":")).encode()
            line = b"[%s,%s,%s,%s]" % (seq, t_ns, key, joined)
            out.append(line)
        return b"\n".join(out)

    def flush(self, store: EventStore) -> int:
        """At the end of the run: lines whose last piece never came (their process
        was killed in the middle of one) are stored as partial lines; returns how
        many. Their pieces were counted as received already."""
        held, self._held = self._held, {}
        for key, (seq, t_ns, texts) in held.items():
            names = json.loads(b"[%s]" % key)
            fields = [int(seq), int(t_ns), *names, {"line": "".join(texts), "partial": True}]
            store.append(self._event(fields))
        return len(held)

    def _store_line(self, store: EventStore, line: bytes) -> None:
        event = self.decode(line)
        if event is not None:
            store.append(event)

    def _store_rows_or_lines(
        self, store: EventStore, rows: list[tuple[bytes, bytes, bytes, bytes]]
    ) -> None:
        if rows and not self._store_rows(store, rows):
            for seq, t_ns, key, detail in rows:
                self._store_line(store, b"[%s,%s,%s,%s]" % (seq, t_ns, key, detail))

    def _key_ids(self, store: EventStore, raw_keys: set[bytes]) -> bool:
        """Register the (pid, names) fields not seen before; False if one is unusual."""
        for raw in raw_keys - store.raw_keys.keys():
            if _SURROGATE_ESCAPE.search(raw):
                return False  # the careful path repairs lone surrogates and counts them
            try:
                pid, *names = json.loads(raw.decode("utf-8").join("[]"))
            except ValueError:
                return False
            capped = [_name(n) for n in names]
            if capped[3] not in _SPANS:
                return False
            process, task, kind, span = (self._names.setdefault(n, n) for n in capped)
            store.raw_keys[raw] = store.key_id((pid, process, task, kind, span))
        return True

    def _store_rows(self, store: EventStore, rows: list[tuple[bytes, bytes, bytes, bytes]]) -> bool:
        """Rows as the fast path found them: check every detail in one parse and
        keep the details as text. False (nothing stored) if any row needs care."""
        seqs_b, times_b, keys_b, details = zip(*rows, strict=True)
        joined = b"".join(details)
        if not joined.isascii() or _SURROGATE_ESCAPE.search(joined):
            return False
        if not self._key_ids(store, set(keys_b)):
            return False
        try:
            parsed = json.loads(
                b",".join(details).decode("ascii").join("[]"),
                parse_constant=_refuse_constant,
                parse_float=_finite_float,
            )
        except (ValueError, RecursionError):
            return False
        if not _nesting_within(joined, MAX_DETAIL_DEPTH // 2) and not all(
            _depth_within(detail, MAX_DETAIL_DEPTH) for detail in parsed
        ):
            return False  # the careful path counts the one too deep as malformed
        t0 = self.t0_ns
        seqs = list(map(int, seqs_b))
        keys = list(map(store.raw_keys.__getitem__, keys_b))
        store.extend_text(
            [(t - t0) / 1e9 for t in map(int, times_b)], seqs, keys, joined.decode("ascii"),
            list(map(len, details)),
            parsed,
        )
        self._count_rows(store, seqs, keys)
        return True

    def _count_rows(self, store: EventStore, seqs: list[int], keys: list[int]) -> None:
        received, highest = self._received, self._highest
        for key, count in Counter(keys).items():
            pid = store.pids[key]
            received[pid] += count
            top = max(compress(seqs, map(key.__eq__, keys)))
            if top > highest.get(pid, -1):
                highest[pid] = top

    def _event(self, fields: Any) -> Event:
        seq, t_ns, pid, process, task, kind, span, detail = fields
        if not isinstance(detail, dict):
            raise ValueError("detail is not an object")
        if not _depth_within(detail, MAX_DETAIL_DEPTH):
            raise ValueError("detail nested too deep")
        if type(seq) is not int or not 0 <= seq < _MAX_SEQ:
            raise ValueError("seq is not a message number")
        if span not in _SPANS:
            raise ValueError("span is neither start nor end")
        pid = int(pid)
        names = self._names
        return Event(
            t=(int(t_ns) - self.t0_ns) / 1e9,
            pid=self._pids.setdefault(pid, pid),
            process=names.setdefault(p := _name(process), p),
            task=names.setdefault(k := _name(task), k),
            kind=names.setdefault(n := _name(kind), n),
            detail=detail,
            span=names.setdefault(s := _name(span), s),
            seq=seq,
        )

    def _count(self, event: Event) -> None:
        self._count_seq(event.pid, event.seq)

    def _count_seq(self, pid: int, seq: int) -> None:
        self._received[pid] += 1
        if seq > self._highest.get(pid, -1):
            self._highest[pid] = seq

    @property
    def dropped(self) -> int:
        """Messages a process numbered but that never arrived (gaps in its sequence).

        A refused message arrived: it fills its gap, but only for a pid that sent
        real messages too, so garbage that merely starts like one invents no loss."""
        lost = 0
        for pid, high in self._highest.items():
            count, refused_high = self._refused.get(pid, (0, -1))
            # More received than numbered: a forked child that exec'd a traced
            # Python (gevent's subprocess forks in Python) numbers its messages
            # from 0 again under the same pid. Nothing of that pid is counted lost.
            lost += max(0, max(high, refused_high) + 1 - self._received[pid] - count)
        return lost


def _name(value: Any) -> str:
    return value[:_MAX_NAME_CHARS] if isinstance(value, str) else str(value)[:_MAX_NAME_CHARS]


def _depth_within(detail: dict[str, Any], limit: int) -> bool:
    """Whether lists and objects in ``detail`` nest at most ``limit`` levels,
    itself included (without recursion: the point is not to need a deep stack)."""
    pending: list[tuple[Any, int]] = [(detail, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > limit:
            return False
        for item in value.values() if isinstance(value, dict) else value:
            if isinstance(item, (dict, list)):
                pending.append((item, depth + 1))
    return True


def _nesting_within(text: bytes, passes: int) -> bool:
    """A quick check in C over the brackets of valid JSON values side by side:
    True means none nests deeper than ``2 * passes`` levels; False means it may
    (the caller then looks at the parsed values). Brackets inside strings are no
    nesting: escaped quotes and backslashes go first, so the quotes left pair up
    as string bounds. Each pass removes the innermost pairs, one or two levels."""
    brackets = text.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, _NOT_NESTING)
    brackets = brackets.replace(b'""', b"")  # strings without brackets (nearly all)
    if b'"' in brackets:
        brackets = _QUOTED_BRACKETS.sub(b"", brackets)
    for _ in range(passes):
        if not brackets:
            return True
        brackets = brackets.replace(b"[]", b"").replace(b"{}", b"")
    return not brackets


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} overflows")
    return value
