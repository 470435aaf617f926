"""Print a drawing that depends only on files and console settings, kept between runs.

`concdemo list` draws the same table until a scenario file, the code that draws
it, the language or the console changes. Laying the table out with Rich costs
more than everything else `list` does after importing Typer and Rich, so the
text it wrote is kept (like man's catman pages) under a key made of all of
those, and written again as it was while the key holds.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console, RenderableType

from concdemo.catalogue import catalog_cache

_PACKAGE = Path(__file__).resolve().parent.parent


def _code_stamps(modules: tuple[str, ...]) -> tuple[Any, ...]:
    """Size and times of the source files that draw it, and of Rich itself."""
    import rich.console

    files = [_PACKAGE.joinpath(*m.split("/")) for m in modules]
    files.append(Path(rich.console.__file__).with_name("table.py"))
    return tuple(catalog_cache.stamp(f) for f in files)


def console_key(console: Console) -> tuple[Any, ...]:
    """Every console setting that changes the text Rich writes."""
    return (
        console.width,
        console.color_system,
        console.no_color,
        console.is_terminal,
        console.encoding,
        console.legacy_windows,
        os.environ.get("TERM", ""),
    )


def print_cached(
    console: Console,
    name: str,
    key: tuple[Any, ...],
    modules: tuple[str, ...],
    draw: Callable[[], RenderableType],
    keep: bool = True,
) -> None:
    """Print ``draw()``; ``key`` names everything it depends on besides ``modules``
    (source files under concdemo/) and the console. ``keep=False``: draw, keep nothing."""
    path = catalog_cache.cache_dir() / f"{name}.marshal"
    full_key = repr((key, _code_stamps(modules), console_key(console)))
    kept = catalog_cache.read(path)
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == full_key:
        console.file.write(kept[1])
        console.file.flush()
        return
    with console.capture() as captured:
        console.print(draw())
    text = captured.get()
    console.file.write(text)
    console.file.flush()
    if keep and not console.legacy_windows:  # the Windows console API writes, not text
        catalog_cache.write(path, (full_key, text))
