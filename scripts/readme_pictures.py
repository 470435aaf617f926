"""Make the README's pictures from real runs, so they never drift: python scripts/readme_pictures.py

Each picture is `concdemo run ... --svg docs/NAME.svg` (the run's summary and
timeline), made with the concdemo of this source tree. docs/report.png is a
screenshot of an `--html` report in Debian's chromium (Playwright; skipped when
either is missing), with one task selected to show its link arrow.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PICTURES = {
    "pipe.svg": ["run", "pipe"],
    # The article's delay is 1.0 s; 0.05 s tells the same story in about 3 s.
    # With the story continued beyond the article: ProcessPoolExecutor.submit.
    "pool.svg": [
        "run", "pool", "--variant", "apply", "--variant", "apply_async",
        "--variant", "executor-submit", "--param", "delay=0.05",
    ],
}


def main() -> int:
    DOCS.mkdir(exist_ok=True)
    env = dict(os.environ)
    # This tree's concdemo, even where another copy is installed.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    for name, args in PICTURES.items():
        command = [sys.executable, "-m", "concdemo", *args, "--svg", f"docs/{name}"]
        print("$ concdemo", " ".join(command[3:]), flush=True)
        done = subprocess.run(
            command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL
        )
        if done.returncode != 0:
            print(f"{name}: concdemo exited with {done.returncode}", file=sys.stderr)
            return done.returncode
    return report_screenshot(env)


# A script, traced: its apply and apply_async calls are linked to the tasks they made.
REPORT = ["run", "tests/fixtures/scripts/pool_apply.py"]


def report_screenshot(env: dict[str, str]) -> int:
    import shutil
    import tempfile

    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        chromium = None
    if chromium is None:
        print("docs/report.png: needs chromium and playwright; skipped", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.html"
        command = [sys.executable, "-m", "concdemo", *REPORT, "--html", str(out)]
        print("$ concdemo", " ".join(command[3:]), flush=True)
        done = subprocess.run(
            command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL
        )
        if done.returncode != 0:
            return done.returncode
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium, args=["--no-sandbox", "--headless", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1100, "height": 700})
            page.goto(out.as_uri())
            page.wait_for_function("() => window.concdemoReport.ready")
            # The task made by the first apply_async call, with its arrow.
            page.evaluate(
                "(() => { const r = window.concdemoReport.runs[0];"
                " const call = r.find('apply_async')[0];"
                " const pair = [...r.linked.get(call) || []][0];"
                " r.select(pair ? pair[1] : call); })()"
            )
            page.locator("section.run").first.screenshot(path=str(DOCS / "report.png"))
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
