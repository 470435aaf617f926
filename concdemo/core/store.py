"""A run's events in columns, so a million of them fit in a few dozen megabytes.

An ``Event`` object with its float, ints, strings and detail dict costs about
700 bytes; here one event costs about 30 bytes plus its detail's JSON text:
times and sequence numbers in arrays, the (pid, process, task, kind, span)
combination as an index into a small table (a run has few distinct ones), and
the details as compact JSON text, decoded only when an event is looked at.

The store is a ``Sequence[Event]``: every view, export and verdict reads it like
the list it replaces, and gets ``Event`` objects made on the fly. After ``seal()``
it is in time order.
"""

from __future__ import annotations

import bisect
import json
import operator
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from itertools import accumulate, compress, count, islice, repeat
from typing import overload

from concdemo.core.events import Event

Key = tuple[int, str, str, str, str]  # pid, process, task, kind, span


class EventStore(Sequence[Event]):
    def __init__(self) -> None:
        self._t = array("d")  # seconds since the run started
        self._seq = array("q")
        self._key = array("I")  # index into _keys
        self._keys: list[Key] = []
        self._key_ids: dict[Key, int] = {}
        self.pids: list[int] = []  # the pid of each key
        # The decoder's cache: a key's fields as they were on the wire -> its index.
        self.raw_keys: dict[bytes, int] = {}
        # Details: chunks of concatenated JSON texts; _ends[i] is where event i's
        # text ends in its chunk, _chunk_first[c] the first event of chunk c.
        self._chunks: list[str] = []
        self._chunk_first = array("q")
        self._ends = array("I")
        self._chunk_of = array("I")  # the chunk of each event
        self._order: array[int] | None = None  # arrival index of each event in time order
        self._spans: list[int] | None = None
        self._names: dict[int, str] | None = None
        self._per_key: Counter[int] | None = None  # events of each key
        # The details of the latest block, as the decoder parsed them to check them:
        # the view handed that block next reads them instead of parsing them again.
        self._recent: tuple[int, list[dict[str, object]]] | None = None

    # -- filling (the ingest thread) -------------------------------------------------

    def key_id(self, key: Key) -> int:
        found = self._key_ids.get(key)
        if found is None:
            found = self._key_ids[key] = len(self._keys)
            self._keys.append(key)
            self.pids.append(key[0])
        return found

    def extend(
        self, t: Sequence[float], seq: Sequence[int], keys: Sequence[int], details: list[str]
    ) -> None:
        """Append events given column by column; ``details`` are JSON texts."""
        self.extend_text(t, seq, keys, "".join(details), list(map(len, details)))

    def extend_text(
        self,
        t: Sequence[float],
        seq: Sequence[int],
        keys: Sequence[int],
        details: str,
        lengths: list[int],
        parsed: list[dict[str, object]] | None = None,
    ) -> None:
        """Like ``extend``, with the details' texts given joined, and their lengths
        (and, when the caller has them, the details already parsed)."""
        if not lengths:
            return
        self._recent = None if parsed is None else (len(self._t), parsed)
        if len(details) > 0xFFFFFFFF:
            raise OverflowError("detail chunk too large")  # blocks are far smaller
        self._chunk_of.extend(repeat(len(self._chunks), len(lengths)))
        self._chunk_first.append(len(self._ends))
        self._chunks.append(details)
        self._ends.extend(accumulate(lengths))
        self._t.extend(t)
        self._seq.extend(seq)
        self._key.extend(keys)

    def append(self, event: Event) -> None:
        key = (event.pid, event.process, event.task, event.kind, event.span)
        self.extend([event.t], [event.seq], [self.key_id(key)], [event.detail_json])

    def seal(self) -> None:
        """Put the events in time order; ties keep arrival order, which for each
        process is the order it sent them in."""
        t = self._t
        self._spans = None
        self._names = None
        self._per_key = None
        self._recent = None
        if all(map(operator.le, t, islice(t, 1, None))):
            self._order = None
            return
        order = _window_sort(t)
        in_time = map(t.__getitem__, order)
        if not all(map(operator.le, in_time, map(t.__getitem__, islice(order, 1, None)))):
            # Something arrived more than a window late: sort it all (more memory).
            order = array("I", sorted(range(len(t)), key=t.__getitem__))
        self._order = order

    # -- reading ----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._t)

    @overload
    def __getitem__(self, index: int) -> Event: ...
    @overload
    def __getitem__(self, index: slice) -> list[Event]: ...
    def __getitem__(self, index: int | slice) -> Event | list[Event]:
        if isinstance(index, slice):
            return list(map(self._event, self._in_time()[index]))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._event(self._in_time()[index])

    def __iter__(self) -> Iterator[Event]:
        return map(self._event, self._in_time())

    def json_rows(self) -> Iterator[tuple[float, Key, str]]:
        """(t, key, detail JSON text) of each event in time order, without making
        Event objects: what the --json stream needs, several times faster."""
        t, key_of, keys = self._t, self._key, self._keys
        chunk_of, chunks, ends, firsts = self._chunk_of, self._chunks, self._ends, self._chunk_first
        for i in self._in_time():
            c = chunk_of[i]
            start = 0 if i == firsts[c] else ends[i - 1]
            yield t[i], keys[key_of[i]], chunks[c][start : ends[i]]

    def columns(self) -> tuple[list[Key], list[float], list[int], list[str]]:
        """The distinct keys, then each event's time, key index and detail JSON text,
        as three lists in time order: ``json_rows`` for a reader that wants columns
        (the HTML report). Each column is cut in C (slices mapped over a chunk,
        a permutation by ``map``), not by a Python step per event."""
        texts: list[str] = []
        n = len(self._ends)
        for c, chunk in enumerate(self._chunks):
            first = self._chunk_first[c]
            last = self._chunk_first[c + 1] if c + 1 < len(self._chunks) else n
            ends = self._ends[first:last]
            starts = [0, *ends[:-1]]
            texts.extend(map(chunk.__getitem__, map(slice, starts, ends)))
        times, keys = self._t.tolist(), self._key.tolist()
        if self._order is not None:
            order = self._order
            times = list(map(times.__getitem__, order))
            keys = list(map(keys.__getitem__, order))
            texts = list(map(texts.__getitem__, order))
        return self._keys, times, keys, texts

    def arrived(self, start: int, end: int) -> list[Event]:
        """Events ``start:end`` in arrival order (what the views are shown)."""
        return [self._event(i) for i in range(start, end)]

    def window(self, start: int, end: int) -> Arrived:
        """Events ``start:end`` in arrival order, made only when looked at (the live
        view looks at the last few of a batch only)."""
        return Arrived(self, start, end)

    def _event(self, i: int, detail_json: str | None = None) -> Event:
        pid, process, task, kind, span = self._keys[self._key[i]]
        text = self._detail_text(i) if detail_json is None else detail_json
        return Event(self._t[i], pid, process, task, kind, None, span, self._seq[i],
                     detail_json=text)

    def _detail_text(self, i: int) -> str:
        c = self._chunk_of[i]
        first = self._chunk_first[c]
        start = 0 if i == first else self._ends[i - 1]
        return self._chunks[c][start : self._ends[i]]

    # -- figures that need not look at every event ------------------------------------

    def span_events(self) -> list[Event]:
        """Only the events that open or close a span, in time order."""
        if self._spans is None:
            span_keys = {k for k, key in enumerate(self._keys) if key[4]}
            self._spans = list(compress(count(), self._having(span_keys)))
        return [self[position] for position in self._spans]

    def count_in_details(self, text: str) -> int:
        """Occurrences of ``text`` in the details' JSON, without decoding any (a
        top-level key such as ``"_repaired":`` occurs once in each event that has it)."""
        return sum(chunk.count(text) for chunk in self._chunks)

    def with_in_details(self, text: str) -> list[Event]:
        """The events whose detail JSON holds ``text`` (linked ones: '"link":'), in time
        order, found by searching the chunks instead of decoding every detail."""
        found: list[int] = []
        for c, chunk in enumerate(self._chunks):
            first = self._chunk_first[c]
            last = self._chunk_first[c + 1] if c + 1 < len(self._chunks) else len(self._t)
            pos = chunk.find(text)
            while pos != -1:
                i = bisect.bisect_right(self._ends, pos, first, last)
                found.append(i)
                pos = chunk.find(text, self._ends[i])
        t = self._t
        found.sort(key=lambda i: (t[i], i))
        return [self._event(i) for i in found]

    def pid_counts(self) -> dict[int, int]:
        """Events per pid, in the order the processes first appear."""
        counts = dict.fromkeys(self.process_names(), 0)
        for k, events in self._key_counts().items():
            counts[self._keys[k][0]] += events
        return counts

    def _key_counts(self) -> Counter[int]:
        """How many events each key has (Counter counts in C); pid_counts and
        kind_ends both need it for the summary."""
        if self._per_key is None:
            self._per_key = Counter(self._key)
        return self._per_key

    def of_kinds(self, *kinds: str) -> list[Event]:
        """The events of the given kinds, in time order (checks, errors: a few)."""
        wanted = {k for k, key in enumerate(self._keys) if key[3] in kinds}
        if not wanted:
            return []
        return [self._event(i) for i in compress(self._in_time(), self._having(wanted))]

    def kind_ends(self) -> dict[str, tuple[int, Event, Event]]:
        """For each kind of event that is not half of a span, in the order the kinds
        first occur: how many there were, and its first and last event in time
        order, decoding only those two."""
        by_kind: dict[str, set[int]] = {}
        for k, key in enumerate(self._keys):
            if not key[4]:
                by_kind.setdefault(key[3], set()).add(k)
        per_key = self._key_counts()
        ends: list[tuple[int, str, int, int]] = []  # first position, kind, count, last position
        for kind, wanted in by_kind.items():
            total = sum(per_key[k] for k in wanted)
            if total:
                first = next(compress(count(), self._having(wanted)))
                from_end = next(compress(count(), self._having(wanted, reverse=True)))
                ends.append((first, kind, total, len(self._t) - 1 - from_end))
        return {kind: (total, self[first], self[last]) for first, kind, total, last in sorted(ends)}

    def _in_time(self) -> Sequence[int]:
        """Arrival indices in time order."""
        return range(len(self._t)) if self._order is None else self._order

    def _having(self, wanted: set[int], reverse: bool = False) -> Iterator[bool]:
        """For each event in time order (or backwards), whether its key is wanted:
        a mask for ``itertools.compress``, made without a Python loop per event."""
        in_time = self._in_time()
        order = reversed(in_time) if reverse else in_time
        return map(wanted.__contains__, map(self._key.__getitem__, order))

    def time_range(self) -> tuple[float, float]:
        return (min(self._t), max(self._t)) if self._t else (0.0, 0.0)

    def sample(self, col: Callable[[float], int], every: tuple[str, ...]) -> list[Event]:
        """In time order: the first event of each (process, task, kind, span) in each
        column ``col(t)``, and every event of the kinds in ``every``. A timeline
        draws from this exactly what it would draw from all events: events of one
        kind in one column look the same, and the first of them is the one kept.

        ``col`` must never decrease as time goes on (an axis): each column is then
        one stretch of the time order, found by bisection, and searched in C
        rather than event by event (a million events take milliseconds)."""
        keep_all = {k for k, key in enumerate(self._keys) if key[3] in every}
        t, keys, order, in_time = self._t, self._key, self._order, self._in_time()
        n = len(keys)

        def column(position: int) -> int:
            return col(t[in_time[position]])

        positions: list[int] = []  # in the time order
        start = 0
        while start < n:
            end = bisect.bisect_right(range(n), column(start), lo=start, key=column)
            ids = keys[start:end]
            if order is not None:
                ids = array("I", map(keys.__getitem__, order[start:end]))
            for k in set(ids):
                found = ids.index(k)
                positions.append(start + found)
                while k in keep_all:
                    try:
                        found = ids.index(k, found + 1)
                    except ValueError:
                        break
                    positions.append(start + found)
            start = end
        positions.sort()
        return [self._event(in_time[p]) for p in positions]

    def process_names(self) -> dict[int, str]:
        """Each pid's latest process name, in the order the processes first appear."""
        if self._names is None:
            self._names = self._process_names()
        return dict(self._names)

    def _process_names(self) -> dict[int, str]:
        first = [-1] * len(self._keys)
        latest = [-1] * len(self._keys)
        for position, i in enumerate(self._in_time()):
            k = self._key[i]
            if first[k] < 0:
                first[k] = position
            latest[k] = position
        appears: dict[int, int] = {}
        last: dict[int, tuple[int, str]] = {}
        for k, (pid, process, *_) in enumerate(self._keys):
            if first[k] < 0:
                continue
            appears[pid] = min(appears.get(pid, first[k]), first[k])
            if latest[k] >= last.get(pid, (-1, ""))[0]:
                last[pid] = (latest[k], process)
        return {pid: last[pid][1] for pid in sorted(appears, key=appears.__getitem__)}


# Events arrive nearly in time order (a message is written right after it is
# timed), so sorting a window at a time, carrying its later half over to the
# next, orders them with a window's worth of memory instead of the whole run's.
_SORT_WINDOW = 1 << 16


def _window_sort(t: array[float]) -> array[int]:
    order: array[int] = array("I")
    carry: list[int] = []
    key = t.__getitem__
    n = len(t)
    for start in range(0, n, _SORT_WINDOW):
        window = carry + list(range(start, min(n, start + _SORT_WINDOW)))
        window.sort(key=key)  # stable: equal times keep arrival order
        if start + _SORT_WINDOW >= n:
            order.extend(window)
        else:  # the latest half may still have earlier events to come
            order.extend(window[: -_SORT_WINDOW // 2])
            carry = window[-_SORT_WINDOW // 2 :]
    return order


class Arrived(Sequence[Event]):
    """A batch of newly arrived events, as a view is handed it."""

    def __init__(self, store: EventStore, start: int, end: int) -> None:
        self._store, self._start, self._end = store, start, end

    def __len__(self) -> int:
        return self._end - self._start

    @overload
    def __getitem__(self, index: int) -> Event: ...
    @overload
    def __getitem__(self, index: slice) -> list[Event]: ...
    def __getitem__(self, index: int | slice) -> Event | list[Event]:
        positions = range(self._start, self._end)[index]
        if isinstance(positions, int):
            return self._store._event(positions)
        return [self._store._event(i) for i in positions]

    def __iter__(self) -> Iterator[Event]:
        store = self._store
        positions = range(self._start, self._end)
        texts = [store._detail_text(i) for i in positions]
        for i, text, detail in zip(positions, texts, self._details(), strict=True):
            event = store._event(i, text)
            event._detail = detail
            yield event

    def rows(self) -> Iterator[tuple[float, Key, dict[str, object]]]:
        """(time, key, detail) of each event, without making Event objects: the
        plain view writes a million lines from these."""
        store = self._store
        t, key_of, keys = store._t, store._key, store._keys
        for i, detail in zip(range(self._start, self._end), self._details(), strict=True):
            yield t[i], keys[key_of[i]], detail

    def _details(self) -> list[dict[str, object]]:
        """Every detail of the batch: the decoder's own parse when it covers the
        batch, else one parse of the batch's texts (views look at every detail)."""
        store, start, end = self._store, self._start, self._end
        recent = store._recent
        if recent is not None and recent[0] <= start and end <= recent[0] + len(recent[1]):
            return recent[1][start - recent[0] : end - recent[0]]
        texts = [store._detail_text(i) for i in range(start, end)]
        details: list[dict[str, object]] = json.loads(",".join(texts).join("[]"))
        return details
