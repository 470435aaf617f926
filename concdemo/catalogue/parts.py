"""What a variant asks of the tracer (its ``TRACE``), checked when the catalogue is read.

A name the tracer does not have would load nothing and say nothing: the run
would lack its wait-for graph or its task lanes. So it is a usage error, like a
parameter's failed check (``validators.py``): one line naming the variant, the
value and the names allowed, exit 2; its text an ``i18n.Message``.
"""

from __future__ import annotations

from concdemo.base.errors import UsageError
from concdemo.i18n import Message


def trace_parts(variant: str, script: str, meta: dict[str, object]) -> tuple[str, ...]:
    """A variant's ``TRACE``, each name one of the tracer's parts (``tracer.env.PARTS``).

    ``WAITS = True`` (the old spelling of ``TRACE = ["waits"]``) is refused the
    same way: read no more, it would silently turn the graph off."""
    from concdemo.tracer.env import PARTS

    known = ", ".join(f'"{p}"' for p in PARTS)
    if "WAITS" in meta:
        raise UsageError(Message("trace_waits_flag", variant=variant, script=script))
    raw = meta.get("TRACE", ())
    if isinstance(raw, str) or not isinstance(raw, (list, tuple)):
        raise UsageError(
            Message("trace_not_list", variant=variant, script=script, value=repr(raw), parts=known)
        )
    for part in raw:
        if part not in PARTS:
            raise UsageError(
                Message(
                    "trace_part_unknown", variant=variant, script=script, part=repr(part),
                    parts=known,
                )
            )
    return tuple(raw)
