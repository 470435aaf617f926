"""What the catalogue read from each scenario file, kept between runs.

Parsing ~60 scenario headers with ``ast`` costs about as much as the rest of
`concdemo list`; reading them back from one ``marshal`` file costs a millisecond.
An entry holds for as long as its file keeps the same size, mtime and ctime;
an entry for a file changed in the last few seconds is not written, because a
second change within the file system's timestamp granularity would go unseen
(git's "racily clean" rule). Any problem with the cache (unwritable home, a
truncated or foreign file) means a fresh parse, never an error.
"""

from __future__ import annotations

import marshal
import os
import sys
import time
from pathlib import Path
from typing import Any

ENV_CACHE_DIR = "CONCDEMO_CACHE_DIR"
_FORMAT = 1
_RACY_S = 3.0

# (size, mtime_ns, ctime_ns) -> (docstring, module-level literals)
Stamp = tuple[int, int, int]
Entry = tuple[Stamp, str, dict[str, Any]]


def cache_dir() -> Path:
    """CONCDEMO_CACHE_DIR, else $XDG_CACHE_HOME/concdemo, else ~/.cache/concdemo."""
    explicit = os.environ.get(ENV_CACHE_DIR)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "concdemo"


def _file() -> Path:
    # marshal's format belongs to one Python version; the parse to one concdemo version.
    from concdemo import __version__

    tag = f"{sys.implementation.cache_tag}-{__version__}-{_FORMAT}"
    return cache_dir() / f"catalog-{tag}.marshal"


def stamp(path: Path) -> Stamp:
    st = os.stat(path)
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def read(path: Path) -> Any:
    """A marshalled cache file, or None when it is absent or unreadable."""
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None


def write(path: Path, value: Any) -> None:
    """Replace a cache file whole (readers see the old file or the new, never half);
    a cache that cannot be written is simply not kept."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_name(f"{path.name}.{os.getpid()}")
        scratch.write_bytes(marshal.dumps(value))
        os.replace(scratch, path)
    except (OSError, ValueError):
        pass


def fresh(current: Stamp) -> bool:
    """Changed so recently that a second change could keep the same stamp."""
    return time.time_ns() - current[1] < _RACY_S * 1e9


class LiteralCache:
    def __init__(self) -> None:
        loaded = read(_file())
        self._entries: dict[str, Entry] = loaded if isinstance(loaded, dict) else {}
        self._changed = False

    def get(self, path: Path, current: Stamp) -> tuple[str, dict[str, Any]] | None:
        entry = self._entries.get(str(path))
        if entry is None or entry[0] != current:
            return None
        return entry[1], entry[2]

    def put(self, path: Path, current: Stamp, doc: str, values: dict[str, Any]) -> None:
        if fresh(current):
            self._entries.pop(str(path), None)
            return
        self._entries[str(path)] = (current, doc, values)
        self._changed = True

    def save(self) -> None:
        if not self._changed:
            return
        write(_file(), {k: v for k, v in self._entries.items() if os.path.exists(k)})
        self._changed = False
