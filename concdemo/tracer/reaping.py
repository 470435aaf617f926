"""Children reaped by ``os.waitpid`` and its kin: a ``child-exit`` with the real
exit code, as the call returned it.

A child made by ``os.fork`` and reaped by hand, or a Python started by
``subprocess`` (its own tracer ends it with no exit code: its ``atexit`` cannot
know it) would otherwise be listed with no exit code, or 0. multiprocessing's
``Popen.poll`` reports its own children (mp.py: with their names and who stopped
them), and gevent's loop reaps its children in C (greenlets.py): neither is
reported twice here. Installed once per interpreter, before the script runs, so
that a library that keeps ``os.waitpid`` at import (subprocess, gevent.os) keeps
this one.
"""

from __future__ import annotations

import os

from concdemo.tracer.core import caller_module, mark
from concdemo.tracer.emitter import emit

TYPE_CHECKING = False  # as typing's, without importing typing (tracer/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


def _reported(pid: int, status: int) -> None:
    if pid <= 0:  # WNOHANG and nothing ended yet
        return
    try:
        code = os.waitstatus_to_exitcode(status)
    except ValueError:  # stopped or continued (WUNTRACED): no exit
        return
    emit("child-exit", {"child": None, "child_pid": pid, "exitcode": code})


def _wrapped(original: Callable[..., Any]) -> Callable[..., Any]:
    def wait(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        if not caller_module().startswith("multiprocessing."):
            _reported(result[0], result[1])
        return result

    mark(wait, original)
    return wait


def install() -> None:
    for name in ("waitpid", "wait", "wait3", "wait4"):
        original = getattr(os, name, None)
        if original is not None and not getattr(original, "_concdemo", False):
            setattr(os, name, _wrapped(original))
