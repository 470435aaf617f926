"""Generator coroutines in the script's own code: each yield and resume (Python 3.12+).

``sys.monitoring`` raises PY_YIELD and PY_RESUME only in generators and
coroutines, never for ordinary calls. The first time an event comes from code
outside the script's own directory the callback returns ``DISABLE``, which
switches that event off at that code location for good, so library generators
cost nothing after their first yield. Each generator function gets a lane of
its own (its name), as a scenario's ``task="consumer"`` would.

Before 3.12 there is no cheap way to do this, and nothing is installed.
"""

from __future__ import annotations

import os
import sys

from concdemo.tracer.core import emit, short

TYPE_CHECKING = False  # as typing's, without importing typing (tracer/__init__.py)
if TYPE_CHECKING:
    from types import CodeType
    from typing import Any

_TOOL_NAME = "concdemo"
CO_COROUTINE = 0x80  # inspect.CO_COROUTINE, without importing inspect


def install(script_dir: str) -> None:
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is None or not script_dir:
        return
    tool = next(
        (t for t in (4, 3) if monitoring.get_tool(t) is None), None
    )  # 0-2 and 5 are the debugger's, coverage's, the profiler's and the optimizer's
    if tool is None:
        return
    monitoring.use_tool_id(tool, _TOOL_NAME)
    events = monitoring.events
    disable = monitoring.DISABLE
    prefix = os.path.join(os.path.realpath(script_dir), "")
    # A virtualenv inside the script's folder (./.venv) holds libraries, not its code.
    installed = tuple(
        os.path.join(os.path.realpath(p), "") for p in {sys.prefix, sys.exec_prefix}
    )
    own: dict[str, bool] = {}

    def is_own(code: CodeType) -> bool:
        name = code.co_filename
        found = own.get(name)
        if found is None:
            # "<frozen importlib._bootstrap_external>" is no file: realpath would
            # put it in the current directory, which is often the script's own.
            path = "" if name.startswith("<") else os.path.realpath(name)
            found = own[name] = path.startswith(prefix) and not (
                path.startswith(installed)
                or f"{os.sep}site-packages{os.sep}" in path
                or f"{os.sep}dist-packages{os.sep}" in path
            )
        return found

    def driven_by_asyncio(code: CodeType) -> bool:
        # An ``async def`` in a script that imported asyncio: its awaits are
        # shown in its task's lane (tracer/aio.py), each as the wait it was.
        return bool(code.co_flags & CO_COROUTINE) and "asyncio" in sys.modules

    def on_yield(code: CodeType, offset: int, value: Any) -> Any:
        if not is_own(code) or driven_by_asyncio(code):
            return disable
        emit("yield", {"value": short(value)}, task=code.co_name)
        return None

    def on_resume(code: CodeType, offset: int) -> Any:
        if not is_own(code) or driven_by_asyncio(code):
            return disable
        emit("resume", {}, task=code.co_name)
        return None

    monitoring.register_callback(tool, events.PY_YIELD, on_yield)
    monitoring.register_callback(tool, events.PY_RESUME, on_resume)
    monitoring.set_events(tool, events.PY_YIELD | events.PY_RESUME)
