"""`concdemo report RUN.json --html FILE`: a saved document (run, compare or verify)
as an HTML report."""

from __future__ import annotations

import json
from pathlib import Path

from concdemo.base.errors import UsageError
from concdemo.i18n import Message


def write_report(document: str, html_path: str | None) -> None:
    from concdemo.commands.consoles import stderr_console
    from concdemo.export import check_path, html, write_file
    from concdemo.i18n import tr

    if html_path is None:
        raise UsageError(Message("report_needs_output"))
    target = check_path("--html", html_path, ".html")  # before reading a big document
    path = Path(document).expanduser()
    try:
        with path.open(encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UsageError(Message("report_unreadable", value=document, reason=reason)) from None
    except (ValueError, UnicodeDecodeError) as exc:
        reason = f"not JSON ({str(exc).splitlines()[0]})"
        raise UsageError(Message("report_not_run_doc", value=document, reason=reason)) from None
    try:
        text = html.from_document(doc, path.name)
    except ValueError as exc:
        raise UsageError(Message("report_not_run_doc", value=document, reason=exc)) from None
    except (TypeError, AttributeError, KeyError) as exc:
        # A field of the right name holding the wrong kind of value (a hand-edited file).
        reason = f"a field has a value of the wrong type ({exc})"
        raise UsageError(Message("report_not_run_doc", value=document, reason=reason)) from None
    write_file(target, text)
    stderr_console().print(tr("report_written", path=target), soft_wrap=True)
