"""`--html FILE` and `concdemo report RUN.json --html FILE`: one offline page, driven
in Debian's Chromium through pytest-playwright (one browser for the session).

The page exposes a read-only state, ``window.concdemoReport.runs[n].state()``, so
the tests ask what the timeline shows instead of reading pixels. Pixels are checked
once per recorded document (tests/fixtures/runs/): its timeline's screenshot against
tests/golden/html/NAME.png, with the tolerance of tests/pixels.py. After a change to
the drawing that is meant, rewrite them with
``UPDATE_GOLDEN=1 pytest tests/test_html_report.py -k reference`` and look at them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import cli

HERE = Path(__file__).parent
SCRIPTS = HERE / "fixtures" / "scripts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REFERENCES = HERE / "golden" / "html"  # UPDATE_GOLDEN=1 rewrites them
RECORDED = sorted((HERE / "fixtures" / "runs").glob("*.json"))
MARKUP = "</script><script>alert(1)</script>"

pw = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("no chromium: `apt-get install -y chromium` (make test does it)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"],
    }


class Opened:
    """A report opened in a page, with what the page said and asked for."""

    def __init__(self, page: Any, path: Path) -> None:
        self.page = page
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))

        def dialog(d: Any) -> None:
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(path.as_uri())
        page.wait_for_function("() => window.concdemoReport && window.concdemoReport.ready")

    def state(self, run: int = 0) -> dict[str, Any]:
        found: dict[str, Any] = self.page.evaluate(f"window.concdemoReport.runs[{run}].state()")
        return found

    def js(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def isolate(self, index: int, run: int = 0) -> dict[str, float]:
        """Zoom to 2 µs around an event (alone in its pixels) and say where it is."""
        r = f"window.concdemoReport.runs[{run}]"
        self.js(f"{r}.setView({r}.d.t[{index}] - 1e-6, {r}.d.t[{index}] + 1e-6); {r}.draw()")
        point: dict[str, float] = self.js(f"{r}.clientPoint({index})")
        return point


@pytest.fixture(scope="module")
def queue_doc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real run with a queue between two processes (put and get are linked)."""
    result = cli("run", str(SCRIPTS / "queue_passed.py"), "--json")
    assert result.returncode == 0, result.stderr
    path = tmp_path_factory.mktemp("html") / "queue.json"
    path.write_text(result.stdout)
    return path


@pytest.fixture(scope="module")
def queue_report(queue_doc: Path) -> Path:
    out = queue_doc.with_suffix(".html")
    result = cli("report", str(queue_doc), "--html", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def markup_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html") / "markup.html"
    result = cli("run", str(SCRIPTS / "prints_markup.py"), "--html", str(out))
    assert result.returncode == 0, result.stderr
    assert "report written to" in result.stdout
    return out


def _events(doc_path: Path) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = json.loads(doc_path.read_text())["runs"][0]["events"]
    return events


def test_report_loads_offline_with_no_error_and_no_request(page: Any, queue_report: Path) -> None:
    opened = Opened(page, queue_report)
    assert opened.errors == []
    assert opened.requests == [queue_report.as_uri()]  # the file itself, nothing else
    csp = page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content")
    assert "default-src 'none'" in csp and "unsafe" not in csp


def test_lanes_are_the_runs_processes_and_threads(page: Any, queue_doc: Path,
                                                  queue_report: Path) -> None:
    events = _events(queue_doc)
    names = {e["pid"]: e["process"] for e in events}
    lanes = list(dict.fromkeys(f"{names[e['pid']]}[{e['pid']}] {e['task']}" for e in events))
    processes = list(dict.fromkeys(f"{names[e['pid']]}[{e['pid']}]" for e in events))
    state = Opened(page, queue_report).state()
    # Lanes are grouped by process: each process's lanes in order of first appearance.
    grouped = [lane for p in processes for lane in lanes if lane.startswith(p + " ")]
    assert sorted(state["lanes"]) == sorted(lanes)
    assert state["processes"] == processes
    shown = page.eval_on_selector_all("[data-lane]", "els => els.map(e => e.dataset.lane)")
    assert shown == grouped
    assert any("QueueFeederThread" in lane for lane in lanes)  # a thread of its own


def test_hovering_an_event_shows_its_text(page: Any, queue_doc: Path, queue_report: Path) -> None:
    opened = Opened(page, queue_report)
    put = next(e for e in _events(queue_doc) if e["kind"] == "put")
    index = opened.js("window.concdemoReport.runs[0].find('put')[0]")
    point = opened.isolate(index)
    page.mouse.move(point["x"], point["y"])
    tip = page.locator(".tl-tip")
    assert tip.is_visible()
    text = tip.text_content()
    assert text.startswith("put  ")
    assert put["link"] in text and str(put["pid"]) in text
    assert opened.state()["hover"]["index"] == index


def test_zooming_changes_the_visible_range(page: Any, queue_report: Path) -> None:
    opened = Opened(page, queue_report)
    full = opened.state()["view"]
    box = page.locator("canvas").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 40)
    page.mouse.wheel(0, -400)
    page.wait_for_timeout(100)
    zoomed = opened.state()["view"]
    assert zoomed["t1"] - zoomed["t0"] < (full["t1"] - full["t0"]) / 2
    assert full["t0"] <= zoomed["t0"] and zoomed["t1"] <= full["t1"]  # around the cursor
    page.focus("canvas")
    page.keyboard.press("d")  # pans right by a tenth of the view
    page.wait_for_timeout(100)
    panned = opened.state()["view"]
    assert panned["t0"] > zoomed["t0"]
    page.keyboard.press("0")
    page.wait_for_timeout(100)
    assert opened.state()["view"] == full


def test_selecting_a_get_draws_the_arrow_from_its_put(page: Any, queue_doc: Path,
                                                      queue_report: Path) -> None:
    events = _events(queue_doc)
    opened = Opened(page, queue_report)
    gets = opened.js("window.concdemoReport.runs[0].find('get')")
    assert gets, "the run has a linked get"
    index = gets[-1]
    link = json.loads(opened.js(f"window.concdemoReport.runs[0].strings["
                                f"window.concdemoReport.runs[0].d.detail[{index}]]"))["link"]
    put = next(e for e in events if e["kind"] == "put" and e["link"] == link)
    point = opened.isolate(index)
    page.mouse.click(point["x"], point["y"])
    state = opened.state()
    assert state["selected"] == index
    assert len(state["arrows"]) == 1
    arrow = state["arrows"][0]
    assert arrow["to"]["index"] == index and arrow["to"]["kind"] == "get"
    assert arrow["from"]["kind"] == "put"
    assert arrow["from"]["lane"] == f"{put['process']}[{put['pid']}] {put['task']}"
    assert abs(arrow["from"]["t"] - put["t"]) < 1e-6
    page.keyboard.press("Escape")
    assert opened.state()["arrows"] == []


def test_the_chinese_switch_shows_the_chinese_texts(page: Any, markup_report: Path) -> None:
    Opened(page, markup_report)
    english = page.locator('ul.explanation[lang="en"]')
    chinese = page.locator('ul.explanation[lang="zh-Hans"]')
    assert english.is_visible() and not chinese.is_visible()
    page.click('button[data-set-lang="zh"]')
    assert chinese.is_visible() and not english.is_visible()
    assert re.search(r"[\u4e00-\u9fff]", chinese.inner_text())
    assert page.locator("h3 >> nth=0").inner_text() in ("阶段", "检查")


def test_printed_markup_is_shown_as_text_and_never_runs(page: Any, markup_report: Path) -> None:
    opened = Opened(page, markup_report)
    assert opened.errors == [] and opened.dialogs == []
    # The page's own scripts only: the data block (never executed) and the viewer.
    assert page.locator("script").count() == 2
    assert page.locator("img").count() == 0
    index = opened.js("window.concdemoReport.runs[0].find('stdout')[0]")
    point = opened.isolate(index)
    page.mouse.move(point["x"], point["y"])
    assert MARKUP in page.locator(".tl-tip").text_content()
    page.mouse.click(point["x"], point["y"])
    assert MARKUP in page.locator(".tl-details").text_content()
    assert opened.dialogs == []


def test_an_error_is_never_hidden_by_a_thousand_events(page: Any, tmp_path: Path) -> None:
    """20,000 puts and one error on one lane, all within a few pixels: zoomed out,
    the error keeps its pixel column."""
    events = [{"t": 0.001 + n * 1e-7, "pid": 1, "process": "MainProcess", "task": "MainThread",
               "kind": "put", "detail": {"n": n}} for n in range(20_000)]
    events.insert(10_000, {"t": 0.001 + 10_000 * 1e-7, "pid": 1, "process": "MainProcess",
                           "task": "MainThread", "kind": "error", "detail": {"type": "E"}})
    events.append({"t": 1.0, "pid": 1, "process": "MainProcess", "task": "MainThread",
                   "kind": "process-end", "detail": {}})
    doc = tmp_path / "doc.json"
    doc.write_text(json.dumps(_document(events)))
    out = tmp_path / "r.html"
    assert cli("report", str(doc), "--html", str(out)).returncode == 0
    stats = Opened(page, out).state()["stats"]
    assert stats["alarms"] == 1
    assert stats["columns"] <= 5  # 2 ms of puts in a 1 s view: a few columns, not 20,000


def test_two_thousand_greenlets_get_thinner_lanes_not_a_blank_canvas(page: Any,
                                                                     tmp_path: Path) -> None:
    """Chromium draws nothing on a canvas over about 32,000 device pixels high;
    2,000 lanes at the usual 22 px would be 44,000."""
    events = [{"t": g * 1e-5, "pid": 1, "process": "MainProcess", "task": f"Greenlet-{g}",
               "kind": "switch", "detail": {}} for g in range(2000)]
    events.append({"t": 0.5, "pid": 1, "process": "MainProcess", "task": "Greenlet-1999",
                   "kind": "error", "detail": {}})
    doc = tmp_path / "doc.json"
    doc.write_text(json.dumps(_document(events)))
    out = tmp_path / "r.html"
    assert cli("report", str(doc), "--html", str(out)).returncode == 0
    opened = Opened(page, out)
    assert len(opened.state()["lanes"]) == 2000
    assert page.evaluate("document.querySelector('canvas').height") <= 32_000
    assert opened.state()["stats"]["alarms"] == 1


def test_a_200k_event_burst_loads_within_the_bound(page: Any, tmp_path: Path) -> None:
    out = tmp_path / "burst.html"
    result = cli("run", "fixture", "--variant", "burst", "--param", "events=200000",
                 "--html", str(out), fixtures=True, timeout=300)
    assert result.returncode == 0, result.stderr
    began = time.monotonic()
    opened = Opened(page, out)
    # Measured here (2 busy cores): drawn 0.23-0.32 s after the viewer starts,
    # 0.42-0.60 s from navigation. The bound is 20 s, over 30 times that: only a
    # page that stalls or a decoder that went quadratic fails it.
    assert time.monotonic() - began < 20
    assert opened.js("window.concdemoReport.runs[0].d.head.count") >= 200_000
    assert opened.errors == []


# --- without a browser ------------------------------------------------------------


def _document(events: list[dict[str, Any]], **head: Any) -> dict[str, Any]:
    run = {"scenario": "pipe", "variant": "duplex", "start_method": "fork", "params": {},
           "outcome": "ok", "expected": "ok", "as_expected": True, "wall_s": 1.0,
           "phases": [], "checks": [], "processes": [], "error": None, "stacks": [],
           "events": events, "dropped_events": 0, "explanation": ["It ran."]}
    run.update(head)
    return {"schema": "concdemo/run-1", "python": "3.11.7", "platform": "linux", "runs": [run]}


def test_the_same_document_gives_the_same_bytes(queue_doc: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    assert cli("report", str(queue_doc), "--html", str(first)).returncode == 0
    time.sleep(1.1)  # a time of writing anywhere in the file (gzip's mtime) would differ
    assert cli("report", str(queue_doc), "--html", str(second)).returncode == 0
    assert first.read_bytes() == second.read_bytes()


def test_text_from_the_run_is_escaped_in_the_page(tmp_path: Path) -> None:
    from concdemo.export import html

    doc = _document(
        [],
        checks=[{"what": MARKUP, "ok": False, "detail": {"got": "<img src=x onerror=alert(1)>"}}],
        error={"type": "E", "message": MARKUP},
        explanation=[MARKUP],
        script="</title><script>x</script>.py",
        scenario=None,
    )
    text = html.report(html.views_from_doc(doc, "doc.json"), "concdemo report doc.json")
    assert text.count("<script") == 2  # the data block and the viewer, nothing from the run
    assert "<img" not in text
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in text


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("not json", "is not a concdemo run document: not JSON"),
        ('{"schema": "concdemo/list-1"}', "its schema is 'concdemo/list-1'"),
        ('{"schema": "concdemo/run-1", "runs": [{"events": [{"t": 1}]}]}', "event 1 of run 1"),
        ('{"schema": "concdemo/run-1", "runs": [{"events": [], "phases": "x"}]}',
         "a field has a value of the wrong type"),
    ],
)
def test_a_file_that_is_no_run_document_is_a_one_line_error(
    tmp_path: Path, content: str, says: str
) -> None:
    doc = tmp_path / "doc.json"
    doc.write_text(content)
    out = tmp_path / "r.html"
    result = cli("report", str(doc), "--html", str(out))
    assert result.returncode == 2
    assert says in result.stderr and "--json" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_an_unwritable_report_path_is_refused_before_the_run(tmp_path: Path) -> None:
    result = cli("run", "pipe", "--html", str(tmp_path / "missing" / "r.html"))
    assert result.returncode == 2
    assert "--html" in result.stderr and "mkdir -p" in result.stderr
    assert "Traceback" not in result.stderr
    same = cli("run", "pipe", "--svg", str(tmp_path / "r"), "--html", str(tmp_path / "r"))
    assert same.returncode == 2 and "--svg and --html both name" in same.stderr


def test_report_without_html_says_what_to_add(tmp_path: Path, queue_doc: Path) -> None:
    result = cli("report", str(queue_doc))
    assert result.returncode == 2 and "--html FILE" in result.stderr


def test_every_recorded_run_document_becomes_a_report() -> None:
    """The recorded documents of every shipped scenario (tests/fixtures/runs/) read
    back; a hung run shows where each process was blocked."""
    from concdemo.export import html

    for path in sorted((HERE / "fixtures" / "runs").glob("*.json")):
        doc = json.loads(path.read_text())
        text = html.report(html.views_from_doc(doc, path.name), path.name)
        assert text.count('class="data"') == len(doc["runs"]), path.name
        for run in doc["runs"]:
            for stack in run["stacks"]:
                blocked = stack["blocked_in"]
                assert f"{blocked['file']}:{blocked['line']} {blocked['function']}  ◀" in text


def test_the_events_table_filters_and_a_row_selects_its_event(page: Any, queue_doc: Path,
                                                              queue_report: Path) -> None:
    events = _events(queue_doc)
    opened = Opened(page, queue_report)
    rows = page.locator("table.events tr[data-index]")
    assert rows.count() == len(events)  # under 200: all of them, unfiltered
    page.fill(".tl-table input", "QueueFeeder")
    # Functions, not expressions: the page's CSP forbids eval, which Playwright uses
    # to poll an expression.
    page.wait_for_function(f"() => window.concdemoReport.runs[0].state().matches < {len(events)}")
    feeder = [e for e in events if "QueueFeeder" in e["task"]]
    assert opened.state()["matches"] == rows.count() == len(feeder)
    page.fill(".tl-table input", "put")
    page.wait_for_function(f"() => window.concdemoReport.runs[0].state().matches != {len(feeder)}")
    puts = [e for e in events if "put" in e["kind"] or "put" in json.dumps(e["detail"])]
    assert rows.count() == len(puts)
    first = rows.first
    index = int(first.get_attribute("data-index"))
    first.click()
    assert opened.state()["selected"] == index
    assert page.locator(".tl-details").text_content().startswith(
        first.locator("td >> nth=2").text_content()
    )


def test_hovering_inside_a_span_shows_the_span(page: Any, queue_report: Path) -> None:
    opened = Opened(page, queue_report)
    r = "window.concdemoReport.runs[0]"
    start = opened.js(f"{r}.find('get-start')[0]")
    end = opened.js(f"{r}.d.partner[{start}]")
    assert end >= 0
    # A view inside the span: its middle is inside the span, far from both ends.
    opened.js(f"(() => {{ const a = {r}.d.t[{start}], b = {r}.d.t[{end}], q = (b - a) / 4;"
              f" {r}.setView(a + q, b - q); {r}.draw(); }})()")
    box = page.locator("canvas").bounding_box()
    y = opened.js(f"{r}.clientPoint({start}).y")
    page.mouse.move(box["x"] + box["width"] / 2, y)
    assert opened.state()["hover"]["index"] == start
    assert page.locator(".tl-tip").text_content().startswith("get-start  ")


def test_the_viewer_is_small_and_inlined_whole() -> None:
    """Hand-written JS and CSS, at most 150 kB (issue 18), inlined in every report."""
    from importlib import resources

    from concdemo.export import html

    folder = resources.files("concdemo.export.html")
    js = folder.joinpath("viewer.js").read_text(encoding="utf-8")
    css = folder.joinpath("viewer.css").read_text(encoding="utf-8")
    assert len(js.encode()) + len(css.encode()) <= 150_000
    page = html.report(html.views_from_doc(_document([]), "d.json"), "t")
    assert f"<script>{js}</script>" in page and f"<style>{css}</style>" in page


@pytest.mark.parametrize(
    "command",
    [
        ["compare", "pipe", "--variant", "duplex", "--repeat", "1", "--warmup", "0"],
        ["verify", "pipe", "--start-method", "fork", "--allow-inconclusive"],
    ],
    ids=["compare", "verify"],
)
def test_compare_and_verify_write_the_page_of_their_document(
    command: list[str], tmp_path: Path
) -> None:
    out, again = tmp_path / "page.html", tmp_path / "again.html"
    result = cli(*command, "--json", "--html", str(out), timeout=300)
    assert result.returncode == 0, result.stderr
    doc = tmp_path / "doc.json"
    doc.write_text(result.stdout)
    # The same page from the document saved with --json: the flag writes what it says.
    assert cli("report", str(doc), "--html", str(again)).returncode == 0
    assert out.read_bytes() == again.read_bytes()
    text = out.read_text()
    rows = json.loads(result.stdout).get("results") or json.loads(result.stdout)["claims"]
    assert text.count("<tr>") == len(rows) + 1  # a heading row, then one per result/claim


def test_compare_and_verify_pages_escape_their_texts(page: Any, tmp_path: Path) -> None:
    compare = {"schema": "concdemo/compare-1", "scenario": "pipe", "repeat": 1, "warmup": 0,
               "results": [{"variant": MARKUP, "start_method": "fork", "phase": "p",
                            "samples": [1.0], "min": 1.0, "median": 1.0, "max": 1.0,
                            "stdev": 0.0, "theory_s": None, "speedup": 1.0}],
               "warnings": ["<img src=x onerror=alert(1)>"]}
    verify = {"schema": "concdemo/verify-1", "passed": 0, "failed": 1, "inconclusive": 0,
              "claims": [{"id": "P1", "claim": MARKUP, "scenario": "pipe", "variant": "duplex",
                          "results": {"fork": "hang"}, "expected": {"fork": "ok"},
                          "holds": False, "note": "<img src=x onerror=alert(2)>"}]}
    for doc in (compare, verify):
        path, out = tmp_path / "doc.json", tmp_path / "page.html"
        path.write_text(json.dumps(doc))
        assert cli("report", str(path), "--html", str(out)).returncode == 0
        opened = Opened(page, out)
        assert opened.errors == [] and opened.dialogs == []
        assert page.locator("img").count() == 0
        assert MARKUP in page.locator("table").inner_text()


def test_report_of_a_scenario_run_has_the_chinese_explanation_when_it_matches(
    tmp_path: Path,
) -> None:
    from concdemo.export import html

    result = cli("run", "pipe", "--variant", "duplex", "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    text = html.from_document(doc, "pipe.json")
    assert '<ul lang="zh-Hans" class="explanation"><li>子进程' in text
    # An explanation the run would not give (an older or edited document): no
    # Chinese is made up for it; the page says where to get one.
    doc["runs"][0]["explanation"] = ["Something else happened."]
    text = html.from_document(doc, "pipe.json")
    assert '<ul lang="zh-Hans"' not in text
    assert '<p lang="zh-Hans" class="note">' in text


def test_report_of_a_saved_script_run_has_the_chinese_explanation(page: Any,
                                                                  tmp_path: Path) -> None:
    """`run PATH.py --json`, then `report`: the page switches to the Chinese
    explanation as the CLI would say it, sentence for sentence."""
    result = cli("run", str(SCRIPTS / "children_fail.py"), "--json")
    assert result.returncode == 0, result.stderr
    doc, out = tmp_path / "script.json", tmp_path / "script.html"
    doc.write_text(result.stdout)
    english = json.loads(result.stdout)["runs"][0]["explanation"]
    assert cli("report", str(doc), "--html", str(out)).returncode == 0
    opened = Opened(page, out)
    page.click('button[data-set-lang="zh"]')
    chinese = page.locator('ul.explanation[lang="zh-Hans"] li')
    assert chinese.count() == len(english) >= 2  # the outcome, then each child's end
    assert chinese.first.inner_text() == "运行以“正常”结束，符合本脚本的预期。"
    assert "以退出码 1 结束" in page.locator('ul.explanation[lang="zh-Hans"]').inner_text()
    assert page.locator('p.note[lang="zh-Hans"]').count() == 0
    assert opened.errors == []


# --- screenshots against references -------------------------------------------


def _timeline_png(page: Any, text: str, folder: Path) -> bytes:
    """The first run's timeline (lane labels, axis, lanes) as a PNG, at a fixed
    viewport and scale, with no hover and no caret."""
    path = folder / "page.html"
    path.write_text(text, encoding="utf-8")
    page.set_viewport_size({"width": 1100, "height": 700})
    page.goto(path.as_uri())
    page.wait_for_function("() => window.concdemoReport && window.concdemoReport.ready")
    page.mouse.move(0, 0)
    png: bytes = page.locator(".tl-wrap >> nth=0").screenshot(animations="disabled", caret="hide")
    return png


def _default_font() -> str:
    """The font fontconfig gives for sans-serif, as chromium asks it here."""
    if shutil.which("fc-match") is None:
        return "unknown (no fc-match)"
    found = subprocess.run(["fc-match", "sans-serif"], capture_output=True, text=True,
                           check=False)
    return found.stdout


@pytest.mark.parametrize("recorded", RECORDED, ids=[p.stem for p in RECORDED])
def test_each_recorded_run_looks_like_its_reference(page: Any, recorded: Path,
                                                    tmp_path: Path) -> None:
    import pixels

    from concdemo.export import html

    if "DejaVuSans" not in _default_font():
        # The references are drawn in DejaVu Sans, which .ci/run and make test install
        # (fonts-dejavu-core); another font family is a different picture, not noise.
        pytest.skip(f"the references are drawn in DejaVu Sans, sans-serif here is "
                    f"{_default_font().strip()}: apt-get install fonts-dejavu-core")
    text = html.from_document(json.loads(recorded.read_text()), recorded.name)
    png = _timeline_png(page, text, tmp_path)
    reference = REFERENCES / f"{recorded.stem}.png"
    if os.environ.get("UPDATE_GOLDEN"):
        REFERENCES.mkdir(exist_ok=True)
        reference.write_bytes(png)
        (REFERENCES / "chromium.txt").write_text(page.context.browser.version + "\n")
    assert reference.exists(), f"missing {reference}; run with UPDATE_GOLDEN=1"
    difference = pixels.compare(reference.read_bytes(), png)
    if not difference.same:
        (tmp_path / "got.png").write_bytes(png)
        made_with = (REFERENCES / "chromium.txt").read_text().strip()
        pytest.fail(f"{recorded.stem}: {difference} (got: {tmp_path / 'got.png'}; the "
                    f"references were made with Chromium {made_with}, this is "
                    f"{page.context.browser.version}; if the change is meant, "
                    f"UPDATE_GOLDEN=1 rewrites them)")


def _with_asset(text: str, name: str, old: str, new: str) -> str:
    """The page with its viewer.js or viewer.css changed, and the CSP's hash of it
    too (or the browser would not apply it)."""
    from importlib import resources

    code = resources.files("concdemo.export.html").joinpath(name).read_text(encoding="utf-8")
    assert old in code
    changed = code.replace(old, new)
    tag = "script" if name.endswith(".js") else "style"

    def digest(code: str) -> str:
        return base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()

    assert f"<{tag}>{code}</{tag}>" in text and digest(code) in text
    return (text.replace(f"<{tag}>{code}</{tag}>", f"<{tag}>{changed}</{tag}>")
            .replace(digest(code), digest(changed)))


def test_the_reference_comparison_fails_on_a_real_change_only(page: Any,
                                                              tmp_path: Path) -> None:
    """The queue run against its reference: text moved by a fraction of a pixel
    passes; two process colours swapped, or a lane missing, fail."""
    import pixels

    from concdemo.export import html

    recorded = HERE / "fixtures" / "runs" / "queue.json"
    reference = (REFERENCES / "queue.png").read_bytes()
    doc = json.loads(recorded.read_text())
    text = html.from_document(doc, recorded.name)
    assert pixels.compare(reference, _timeline_png(page, text, tmp_path)).same

    moved = _with_asset(text, "viewer.css", ".tl-lane { padding-left: 16px;",
                        ".tl-lane { padding-left: 16.35px;")
    moved = _with_asset(moved, "viewer.js", 'ctx.font = "10px system-ui',
                        'ctx.font = "10.2px system-ui')
    nudged = pixels.compare(reference, _timeline_png(page, moved, tmp_path))
    assert nudged.same and nudged.out > 0, nudged  # different pixels, within tolerance

    swapped = _with_asset(text, "viewer.js", '"#0097a7", "#ab47bc"', '"#ab47bc", "#0097a7"')
    colours = pixels.compare(reference, _timeline_png(page, swapped, tmp_path))
    assert not colours.same and colours.size == colours.other_size, colours

    kept = [e for e in doc["runs"][0]["events"] if e["process"] != "Process-1"]
    assert len(kept) < len(doc["runs"][0]["events"])
    doc["runs"][0]["events"] = kept  # the child's lane (and its header) gone
    lane = pixels.compare(reference,
                          _timeline_png(page, html.from_document(doc, recorded.name), tmp_path))
    assert not lane.same, lane


# --- a hang's wait-for graph in the page --------------------------------------------

ARROW_RGB = (0x21, 0x21, 0x21)  # viewer.js ARROW_COLOUR


@pytest.fixture(scope="module")
def lock_order(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A real lock-order hang between two processes (traced), and its report."""
    folder = tmp_path_factory.mktemp("html")
    done = cli("run", str(SCRIPTS / "lock_order_processes.py"), "--start-method", "fork",
               "--timeout", "4", "--json")
    (run,) = json.loads(done.stdout)["runs"]
    assert run["deadlock"] == {"cycle": ["Process-1", "Process-2"], "kind": "lock-order"}, run
    doc = folder / "lock_order.json"
    doc.write_text(done.stdout)
    out = folder / "lock_order.html"
    result = cli("report", str(doc), "--html", str(out))
    assert result.returncode == 0, result.stderr
    return out, run


def _pixel(opened: Opened, x: float, y: float) -> tuple[int, int, int]:
    """The canvas's colour at a point in its own CSS pixels."""
    rgba = opened.js(
        "(() => { const r = window.concdemoReport.runs[0], d = window.devicePixelRatio || 1;"
        f" return Array.from(r.ctx.getImageData(Math.round({x} * d), Math.round({y} * d), 1, 1)"
        ".data); })()"
    )
    return int(rgba[0]), int(rgba[1]), int(rgba[2])


def test_each_wait_is_drawn_and_selecting_it_points_to_its_holder(
    page: Any, lock_order: tuple[Path, dict[str, Any]]
) -> None:
    report, run = lock_order
    holder_of = {e["waiter"]["process"]: e["held_by"][0] for e in run["waits"]
                 if e["on"]["kind"] == "lock"}
    assert set(holder_of) == {"Process-1", "Process-2"}
    opened = Opened(page, report)
    r = "window.concdemoReport.runs[0]"
    starts = opened.js(f"{r}.find('waits-start')")
    waiters = {opened.js(f"{r}.laneLabels[{r}.d.lane[{i}]]").split("[")[0]: i for i in starts}
    assert set(waiters) >= set(holder_of), waiters
    page.locator("canvas").scroll_into_view_if_needed()
    canvas = page.locator("canvas").bounding_box()
    for waiter, start in sorted(waiters.items()):
        if waiter not in holder_of:
            continue
        holder = holder_of[waiter]
        page.keyboard.press("Escape")
        # The wait's bar is drawn on its waiter's lane: its middle is not the background.
        mid = opened.js(f"(() => {{ const i = {start}, e = {r}.d.partner[i];"
                        f" return {{ x: ({r}.x({r}.d.t[i]) + {r}.x({r}.d.t[e])) / 2,"
                        f" y: {r}.point(i).y }}; }})()")
        assert _pixel(opened, mid["x"], mid["y"]) != (255, 255, 255), f"{waiter}: no bar"
        # Clicking the bar selects the wait, names its holder, and draws one arrow from
        # the wait to the holder's lane.
        page.mouse.click(canvas["x"] + mid["x"], canvas["y"] + mid["y"])
        state = opened.state()
        assert state["selected"] == start, (waiter, state["selected"])
        details = page.locator(".tl-details").text_content()
        assert f'"held_by":["{holder["process"]}"]' in details, details
        (arrow,) = state["arrows"]
        assert arrow["from"]["index"] == start and arrow["to"]["kind"] == "holds"
        assert arrow["to"]["lane"] == f"{holder['process']}[{holder['pid']}] MainThread"
        # ...and the arrow is on the canvas: its head, just before the holder's event.
        head = opened.js(f"(() => {{ const p = {r}.point({start}), q = {r}.point("
                         f"{arrow['to']['index']}), a = Math.atan2(q.y - p.y, q.x - p.x);"
                         " return { x: q.x - 5 * Math.cos(a), y: q.y - 5 * Math.sin(a) }; })()")
        lane_y = opened.js(f"{r}.laneY[{r}.d.lane[{arrow['to']['index']}]]")
        assert lane_y <= head["y"] + 5 * 0.5 and head["y"] < lane_y + opened.js(f"{r}.rowH")
        drawn = _pixel(opened, head["x"], head["y"])
        assert max(abs(a - b) for a, b in zip(drawn, ARROW_RGB, strict=True)) <= 40, drawn
        page.keyboard.press("Escape")
        assert opened.state()["arrows"] == []
        gone = _pixel(opened, head["x"], head["y"])
        assert max(abs(a - b) for a, b in zip(gone, ARROW_RGB, strict=True)) > 40, gone
    assert not opened.errors
