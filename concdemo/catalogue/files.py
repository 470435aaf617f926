"""Which files the catalogue is read from, in the order it reads them, and their stamps.

Nothing here parses a scenario: `concdemo list` tells from these stamps alone
whether the table it kept is still the catalogue's, and reads the catalogue
itself (``catalog``) only when it has to draw it again.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

from concdemo.catalogue.catalog_cache import stamp

ENV_EXTRA_SCENARIOS = "CONCDEMO_SCENARIO_PATH"


@cache
def scenarios_root() -> Path:
    """The shipped scenarios (inside the installed package) or the source tree's.

    Found once per process: resolving the path costs a few system calls per
    component, and `concdemo list` asks for it twice (load, signature)."""
    package = Path(__file__).resolve().parents[1]  # concdemo/
    for candidate in (package / "scenarios", package.parent / "scenarios"):
        if (candidate).is_dir():
            return candidate
    raise RuntimeError(f"concdemo's scenarios are missing (looked in {package})")


def roots() -> list[Path]:
    """The shipped scenarios, then any folders named in CONCDEMO_SCENARIO_PATH."""
    extra = [
        Path(p).resolve() for p in os.environ.get(ENV_EXTRA_SCENARIOS, "").split(os.pathsep) if p
    ]
    return [scenarios_root(), *extra]


def _order_key(folder_name: str) -> tuple[int, str]:
    prefix, _, rest = folder_name.partition("_")
    return (int(prefix), rest) if prefix.isdigit() else (10**6, folder_name)


def scenario_folders(root: Path) -> list[Path]:
    """The scenario folders under ``root``, in catalogue order (numeric prefixes)."""
    abouts = sorted(root.glob("*/about.py"), key=lambda p: _order_key(p.parent.name))
    return [about.parent for about in abouts]


def scenario_files(folder: Path) -> list[Path]:
    """``about.py``, then every script a variant may be declared in (not ``_*.py``)."""
    scripts = sorted(folder.glob("*.py"))
    return [
        folder / "about.py",
        *(s for s in scripts if s.name != "about.py" and not s.name.startswith("_")),
    ]


def signature(folders: tuple[Path, ...] | None = None) -> tuple[Any, ...]:
    """The roots, then every file the catalogue is read from with its size and times:
    equal signatures mean the same catalogue (what a drawn listing may be kept by)."""
    folders = tuple(roots()) if folders is None else folders
    files = (
        path
        for root in folders
        for folder in scenario_folders(root)
        for path in scenario_files(folder)
    )
    return (tuple(str(f) for f in folders), *((str(p), stamp(p)) for p in files))
