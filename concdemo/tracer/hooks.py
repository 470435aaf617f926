"""Hooks applied to modules as the script imports them, never earlier.

A finder at the front of ``sys.meta_path`` answers only for the few modules
we patch: it lets the other finders find them, and has the loader call our
patch right after the module has run. Nothing is imported on the script's
behalf, and a script that never imports multiprocessing pays nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

Patch = Callable[[ModuleType], None]


def _patches() -> dict[str, Patch]:
    from concdemo.tracer import mp

    return {
        "multiprocessing.context": mp.patch_context,
        "multiprocessing.process": mp.patch_process,
        "multiprocessing.queues": mp.patch_queues,
        "multiprocessing.connection": mp.patch_connection,
        "multiprocessing.pool": mp.patch_pool,
        "multiprocessing.managers": mp.patch_managers,
    }


class PostImportFinder:
    """Finds nothing itself; arranges for ``patch(module)`` after the module ran."""

    def __init__(self, patches: dict[str, Patch]) -> None:
        self.patches = patches

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> Any:
        patch = self.patches.get(name)
        if patch is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or isinstance(loader, type) or not hasattr(loader, "exec_module"):
            return spec  # no loader of its own (frozen, builtin): left alone
        original = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            original(module)
            try:
                patch(module)
            except Exception as exc:  # a failed hook must not fail the import
                sys.stderr.write(f"concdemo tracer: could not hook {name} ({exc!r})\n")

        # On the loader instance, so module.__loader__ stays the real loader.
        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install() -> None:
    patches = _patches()
    for name, patch in patches.items():
        module = sys.modules.get(name)
        if module is not None:  # already imported (not at start-up, but be safe)
            patch(module)
    sys.meta_path.insert(0, PostImportFinder(patches))
