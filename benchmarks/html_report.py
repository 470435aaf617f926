"""The --html report of the burst (default 1,000,000 events): its size, how long it
takes to write against --json, and how it behaves in headless Chromium.

    python benchmarks/html_report.py [--events 1000000] [--repeat 3] [--pans 60]

Runs the fixture scenario ``burst`` once in this process, then, ``--repeat``
times, interleaved: writes the ``run --json`` document (to /dev/null, as the CLI
streams it) and the HTML report (to a temporary file), each timed alone. Then it
opens the report in Debian's chromium (Playwright, never a downloaded browser)
``--repeat`` times: the time until the page says its timeline is drawn
(``window.concdemoReport.readyMs``, from the viewer script's start), then
``--pans`` pan steps by key presses, each a full redraw, with the draw time the
page measured for each (CPU time of the draw, not frame cadence, which headless
Chromium paces on its own). Figures are medians; the pan figure is the 95th
percentile of all steps. The measuring is concdemo.commands.html_bench's, which
`concdemo bench --only html` runs on its own burst.

Targets (issue 18): file <= 10 MB, drawn <= 3 s, pan p95 <= 50 ms, writing <= 1.5x --json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def burst(events: int) -> list:  # type: ignore[type-arg]
    os.environ["CONCDEMO_SCENARIO_PATH"] = str(HERE / "tests" / "fixtures" / "scenarios")
    from concdemo.catalogue import plan
    from concdemo.core import session

    specs = plan.runs_for(
        "fixture", None, [], ["burst"], "fork", [f"events={events}"], 600.0
    )
    return session.execute(specs, view=None)


def main() -> None:
    from concdemo.commands import html_bench

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
        # The same measurements as `concdemo bench --only html` (on its own burst).
        figures.update(html_bench.writing(results, options.repeat, out))
        figures["file_mb"] = round(out.stat().st_size / 1e6, 2)
        figures.update(html_bench.browser(out, options.repeat, options.pans))
    json.dump(figures, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
