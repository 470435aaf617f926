"""`concdemo bench --only html`: the ``--html`` report of an event burst (issue 18).

One burst is run (the ``bench`` scenario: processes sending events as fast as
they can), then, ``repeat`` times interleaved, its ``run --json`` document is
written to /dev/null (as the CLI streams it) and its HTML report to a file, each
timed alone. Then, if Playwright and Debian's chromium are here, the report is
opened headless ``repeat`` times: the time until the page says its timeline is
drawn, then ``pans`` pan steps by key presses, each a full redraw, with the CPU
time of each draw as the page measured it (not frame cadence, which headless
Chromium paces on its own). Without a browser the browser figures are None and
``browser_missing`` says what to install.

Targets (issue 18, 1,000,000 events): file <= 10 MB, drawn <= 3 s, pan p95 <= 50 ms,
writing <= 1.5x --json. benchmarks/html_report.py runs the same on the fixture burst.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concdemo.core.runner import RunResult

CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 720}


def chromium() -> str | None:
    """Debian's chromium, never a browser Playwright downloads."""
    return shutil.which("chromium")


def browser_missing() -> str | None:
    """What is missing to open the report in a browser, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright (pip install 'concdemo[test]')"
    if chromium() is None:
        return "chromium (apt-get install chromium)"
    return None


def burst(events: int, processes: int) -> list[RunResult]:
    """The ``bench`` scenario's burst, run once in this process with no view."""
    from concdemo.catalogue import plan
    from concdemo.core import session

    params = [f"events={events}", f"processes={processes}"]
    specs = plan.runs_for("bench", None, [], ["burst"], "fork", params, 600.0)
    return session.execute(specs, view=None)


def writing(results: list[RunResult], repeat: int, out: Path) -> dict[str, float]:
    """Seconds to write --json and --html, each alone, interleaved; the ratio of each
    round's pair, then medians."""
    from concdemo.commands import report
    from concdemo.export import html

    json_s, html_s = [], []
    for _ in range(repeat):
        with open(os.devnull, "w", encoding="utf-8") as sink:
            began = time.perf_counter()
            report.write_run_doc(results, sink)
            json_s.append(time.perf_counter() - began)
        began = time.perf_counter()
        out.write_text(html.from_results(results), encoding="utf-8")
        html_s.append(time.perf_counter() - began)
    ratios = [h / j for h, j in zip(html_s, json_s, strict=True)]
    return {
        "json_s": round(statistics.median(json_s), 4),
        "html_s": round(statistics.median(html_s), 4),
        "write_ratio": round(statistics.median(ratios), 3),
    }


def browser(path: Path, repeat: int, pans: int) -> dict[str, Any]:
    """Drawn-after-load and pan figures of the report in headless chromium."""
    from playwright.sync_api import sync_playwright

    ready_ms: list[float] = []
    draws: list[float] = []
    errors: list[str] = []
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        try:
            for _ in range(repeat):
                page = launched.new_page(viewport=VIEWPORT)  # type: ignore[arg-type]
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(path.as_uri())
                page.wait_for_function("() => window.concdemoReport.ready", timeout=120_000)
                ready_ms.append(page.evaluate("window.concdemoReport.readyMs"))
                page.focus("canvas")
                page.keyboard.press("w")  # zoomed in a little, then panned step by step
                for n in range(pans):
                    page.keyboard.press("d" if (n // 10) % 2 == 0 else "a")
                    draws.append(page.evaluate(
                        "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() =>"
                        " r(window.concdemoReport.runs[0].lastDrawMs))))"
                    ))
                page.close()
        finally:
            launched.close()
    draws.sort()
    return {
        "drawn_ms": round(statistics.median(ready_ms), 1),
        "pan_p95_ms": round(draws[int(0.95 * (len(draws) - 1))], 1) if draws else None,
        "pan_median_ms": round(statistics.median(draws), 1) if draws else None,
        "page_errors": len(errors),
    }


def measure(events: int, processes: int, repeat: int, pans: int = 60) -> dict[str, Any]:
    results = burst(events, processes)
    missing = browser_missing()
    doc: dict[str, Any] = {
        "events": sum(len(r.events) for r in results),
        "repeat": repeat,
        "targets": {"file_mb": 10, "drawn_ms": 3000, "pan_p95_ms": 50, "write_ratio": 1.5},
    }
    with tempfile.TemporaryDirectory(prefix="concdemo-bench-") as folder:
        out = Path(folder) / "burst.html"
        doc.update(writing(results, repeat, out))
        doc["file_mb"] = round(out.stat().st_size / 1e6, 2)
        doc["browser_missing"] = missing
        if missing is None:
            doc.update(browser(out, repeat, pans))
        else:
            doc.update({"drawn_ms": None, "pan_p95_ms": None, "pan_median_ms": None,
                        "page_errors": None})
    return doc
