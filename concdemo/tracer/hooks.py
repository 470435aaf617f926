"""Hooks applied to modules as the script imports them, never earlier.

A finder at the front of ``sys.meta_path`` answers only for the few modules
we patch: it lets the other finders find them, and has the loader call our
patch right after the module has run. Nothing is imported on the script's
behalf, and a script that never imports multiprocessing pays nothing.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # as typing's, without importing typing (tracer/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from types import ModuleType
    from typing import Any

    Patch = Callable[[ModuleType], None]

# module -> (our module, its patch function); ours is imported only when needed.
PATCHES = {
    "multiprocessing.context": ("concdemo.tracer.mp", "patch_context"),
    "multiprocessing.process": ("concdemo.tracer.mp", "patch_process"),
    "multiprocessing.popen_fork": ("concdemo.tracer.mp", "patch_popen"),
    "multiprocessing.popen_forkserver": ("concdemo.tracer.mp", "patch_popen"),
    "multiprocessing.queues": ("concdemo.tracer.mp", "patch_queues"),
    "multiprocessing.connection": ("concdemo.tracer.mp", "patch_connection"),
    "multiprocessing.pool": ("concdemo.tracer.mp", "patch_pool"),
    "multiprocessing.managers": ("concdemo.tracer.mp", "patch_managers"),
    "multiprocessing.synchronize": ("concdemo.tracer.mp", "patch_synchronize"),
    "concurrent.futures.process": ("concdemo.tracer.mp", "patch_futures"),
    "concurrent.futures._base": ("concdemo.tracer.mp", "patch_futures_base"),
    "traceback": ("concdemo.tracer.mp", "patch_traceback"),
    "threading": ("concdemo.tracer.threads", "patch_threading"),
    "greenlet": ("concdemo.tracer.greenlets", "patch_greenlet"),
    "gevent": ("concdemo.tracer.greenlets", "patch_gevent"),
    "gevent.threadpool": ("concdemo.tracer.greenlets", "patch_gevent_threadpool"),
    "gevent.monkey": ("concdemo.tracer.greenlets", "patch_gevent_monkey"),
    "gevent.os": ("concdemo.tracer.greenlets", "patch_gevent_os"),
    "gevent._socketcommon": ("concdemo.tracer.greenlets", "patch_gevent_socket"),
    "gevent.exceptions": ("concdemo.tracer.waits_greenlets", "patch_gevent_exceptions"),
    "asyncio": ("concdemo.tracer.aio", "patch_asyncio"),
}


def _patch(name: str, module: ModuleType, patches: dict[str, tuple[str, str]] = PATCHES) -> None:
    ours, function = patches[name]  # a subset's entries are PATCHES' own
    __import__(ours)
    getattr(sys.modules[ours], function)(module)


class PostImportFinder:
    """Finds nothing itself; arranges for ``patch(module)`` after the module ran."""

    def __init__(self, patches: dict[str, tuple[str, str]]) -> None:
        self.patches = patches

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> Any:
        if name not in self.patches:
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
                _patch(name, module, self.patches)
            except Exception as exc:  # a failed hook must not fail the import
                sys.stderr.write(f"concdemo tracer: could not hook {name} ({exc!r})\n")

        # On the loader instance, so module.__loader__ stays the real loader.
        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install(only: Sequence[str] | None = None) -> None:
    """Every hook, or ``only`` those of the modules named."""
    patches = PATCHES if only is None else {n: PATCHES[n] for n in only if n in PATCHES}
    for name in patches:
        module = sys.modules.get(name)
        if module is not None:  # already imported (not at start-up, but be safe)
            _patch(name, module)
    sys.meta_path.insert(0, PostImportFinder(patches))
