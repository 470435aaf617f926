"""Exact links between the event that sent something and the one that received it.

A queue's sender wraps what it puts in an envelope that carries a link id;
the receiver's hook unwraps it before the script sees the object, and reports
the same id. Nothing is guessed from timing or order. Link ids are unique in the
run: the sending process's pid and a counter.

On the script's own pipes the link travels instead in a frame written just
before the payload (see ``mp.py``): the bytes received are then the bytes sent,
raw (``send_bytes``) or pickled (``send``). A framed connection passed to
another process is rebuilt framed there (``rebuild_framed``).

This module is imported by unpickling in every process that receives a
marked connection or a pool's ``TaskCall``, so it imports nothing.
"""

from __future__ import annotations

import itertools

TYPE_CHECKING = False  # as typing's, without importing typing (tracer/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_counter = itertools.count(1)


# The class attribute of a connection both of whose ends are the run's own
# (made by the script's ``Pipe()``): only those carry link frames.
FRAMED = "_concdemo_framed"


def new_link_parts(pid: int) -> tuple[int, int]:
    """A new link id as numbers, for a frame: the sending pid and a counter."""
    return pid, next(_counter)


def link_name(pid: int, number: int) -> str:
    return f"{pid}.{number}"


def new_link(pid: int) -> str:
    return link_name(*new_link_parts(pid))


# The class of a framed connection in this process (set by the tracer's patch
# of multiprocessing.connection, which the unpickling of a connection imports).
framed_class: type | None = None


def rebuild_framed(rebuild: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    """Unpickling a framed connection: multiprocessing's own rebuild, then the
    framed class, so that this process's copy adds and takes off frames too."""
    conn = rebuild(*args)
    if framed_class is not None and type(conn) is framed_class.__base__:
        conn.__class__ = framed_class
    return conn


# What travels is a plain tuple (MARK, link, obj): it pickles and unpickles
# about 1 us faster per item than an instance of a class of ours (whose module
# and name the pickle would carry and the receiver look up), and the mark is a
# string no program sends as the first of three items by chance.
MARK = "\x00concdemo.link\x00"


def envelope(link: str, obj: Any) -> tuple[str, str, Any]:
    """An item in transit with the link id of the put/send that sent it."""
    return (MARK, link, obj)


def is_envelope(item: Any) -> bool:
    return type(item) is tuple and len(item) == 3 and item[0] == MARK


class TaskCall:
    """A pool task's function, carrying the link of the call that submitted it.

    Pickled by reference like the function itself (a lambda fails to pickle
    with the same error as without us). In the worker each call reports a
    ``task`` span through ``report`` (set by the tracer in that process).
    """

    __slots__ = ("func", "link")
    report: Callable[[TaskCall, tuple[Any, ...], dict[str, Any]], Any] | None = None

    def __init__(self, func: Callable[..., Any], link: str) -> None:
        self.func = func
        self.link = link

    def __call__(self, *args: Any, **kwds: Any) -> Any:
        report = TaskCall.report
        if report is None:
            return self.func(*args, **kwds)
        return report(self, args, kwds)

    def __reduce__(self) -> tuple[Any, ...]:
        return (TaskCall, (self.func, self.link))
