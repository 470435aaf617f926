"""Started by Python in every process of a traced script (see concdemo/tracer/__init__.py).

Takes its own directory off ``sys.path`` (the script sees the path it would
see bare), starts the tracer, then imports the ``sitecustomize`` that the
user's own path holds, if any, as Python would have done without us.
"""

import os
import sys


def _boot() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    # CONCDEMO_TRACE: "1" for a traced script. CONCDEMO_TRACE_PARTS: a scenario
    # variant that reports through its probe and asks for these parts of the
    # tracer only (its TRACE), e.g. "asyncio,waits".
    mode = os.environ.get("CONCDEMO_TRACE")
    parts = os.environ.get("CONCDEMO_TRACE_PARTS", "")
    if mode != "1" and not parts:
        return
    if "multiprocessing.resource_tracker" in " ".join(getattr(sys, "orig_argv", ())):
        # multiprocessing's resource tracker outlives the script to clean up
        # after it; untraced it keeps the life it has bare (the probe would make
        # it die with its parent).
        return
    # The very copy of concdemo the CLI runs from (a source tree, or another install
    # than the one on the script's path): its tracer must match the CLI that reads
    # its events. On sys.path only while it is imported: the script sees its own path.
    home = os.environ.get("CONCDEMO_TRACE_HOME")
    if home:
        sys.path.insert(0, home)
    try:
        from concdemo.tracer import install as tracer
    except ImportError:
        return
    finally:
        if home and sys.path and sys.path[0] == home:
            del sys.path[0]
    try:
        if mode == "1":
            tracer.install()
        else:
            tracer.install_parts(parts.split(","))
    except Exception as exc:  # never let the tracer stop the script from running
        sys.stderr.write(f"concdemo tracer: not tracing this process ({exc!r})\n")


def _chain() -> None:
    """Import the next ``sitecustomize`` on the path, as site.py would have."""
    ours = sys.modules.pop("sitecustomize", None)
    try:
        import sitecustomize  # type: ignore[import-not-found]  # noqa: F401 - its side effects
    except ImportError as exc:
        if exc.name != "sitecustomize":
            raise
        if ours is not None:
            sys.modules["sitecustomize"] = ours


_boot()
_chain()
