"""The --html report of the burst (default 1,000,000 events): its size, how long it
takes to write against --json, and how it behaves in headless Chromium.

    python benchmarks/html_report.py [--events 1000000] [--repeat 3] [--pans 60]

Runs the fixture scenario ``burst`` once in this process, then, ``--repeat``
times, interleaved: writes the ``run --json`` document (to /dev/null, as the CLI
streams it) and the HTML report (to a temporary file), each timed alone. Then it
opens the report in Debian's /usr/bin/chromium (Playwright, never a downloaded
browser) ``--repeat`` times: the time until the page says its timeline is drawn
(``window.concdemoReport.readyMs``, from the script's start, and the wall time
from navigation), then ``--pans`` pan steps by key presses, each a full redraw,
with the draw time the page measured for each (CPU time of the draw, not frame
cadence, which headless Chromium paces on its own). Figures are medians; the pan
figure is the 95th percentile of all steps.

Targets (issue 18): file <= 10 MB, drawn <= 3 s, pan p95 <= 50 ms, writing <= 1.5x --json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def burst(events: int) -> list:  # type: ignore[type-arg]
    os.environ["CONCDEMO_SCENARIO_PATH"] = str(HERE / "tests" / "fixtures" / "scenarios")
    from concdemo.catalogue import plan
    from concdemo.core import session

    specs = plan.runs_for(
        "fixture", None, [], ["burst"], "fork", [f"events={events}"], 600.0
    )
    return session.execute(specs, view=None)


def writing(results: list, repeat: int, out: Path) -> dict[str, float]:  # type: ignore[type-arg]
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
        "json_s": statistics.median(json_s),
        "html_s": statistics.median(html_s),
        "ratio": statistics.median(ratios),
    }


def browser(path: Path, repeat: int, pans: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    ready_ms, wall_s, draws, errors = [], [], [], []
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(repeat):
            page = chromium.new_page(viewport={"width": 1280, "height": 720})
            page.on("pageerror", lambda e: errors.append(str(e)))
            began = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_function("() => window.concdemoReport.ready", timeout=120_000)
            wall_s.append(time.perf_counter() - began)
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
        chromium.close()
    draws.sort()
    return {
        "ready_ms": statistics.median(ready_ms),
        "load_wall_s": statistics.median(wall_s),
        "pan_p95_ms": draws[int(0.95 * (len(draws) - 1))],
        "pan_median_ms": statistics.median(draws),
        "page_errors": len(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pans", type=int, default=60)
    options = parser.parse_args()
    results = burst(options.events)
    count = sum(len(r.events) for r in results)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "burst.html"
        figures: dict[str, object] = {"events": count}
        figures.update(writing(results, options.repeat, out))
        figures["file_mb"] = round(out.stat().st_size / 1e6, 2)
        figures.update(browser(out, options.repeat, options.pans))
    json.dump(figures, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
