"""One self-contained, offline HTML report of the runs (``--html FILE``).

The page is plain HTML for the summary, the checks and the explanation (both
languages, switched by one attribute), then a canvas timeline drawn by the
hand-written ``viewer.js`` kept next to this file. Each run's events travel as
columnar arrays plus a string table, gzip-compressed and base64-encoded inside a
``<script type="application/octet-stream">`` block the browser never executes;
base64 cannot contain ``</script>``, and every other text from the run is
HTML-escaped, so nothing a script printed can run. A Content-Security-Policy
allows only the page's own script and style (by hash) and no connection at all.

The same runs give the same bytes: no time of writing, gzip's mtime is 0, and
every table is in the order the events came.
"""
from __future__ import annotations

from concdemo.export.html.data import encode
from concdemo.export.html.pages import (
    compare_page,
    from_document,
    from_results,
    report,
    verify_page,
)
from concdemo.export.html.runs import RunView, views_from_doc, views_from_results

__all__ = [
    "RunView",
    "compare_page",
    "encode",
    "from_document",
    "from_results",
    "report",
    "verify_page",
    "views_from_doc",
    "views_from_results",
]
