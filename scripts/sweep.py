"""Run a folder of scripts bare and through concdemo, and say where they differ.

    python scripts/sweep.py FOLDER [--timeout S] [--skip NAME=REASON ...] [--json OUT]

Each ``*.py`` in FOLDER (not its subfolders) is a case, run under ``fork`` and,
where its text uses multiprocessing or a ProcessPoolExecutor, ``spawn`` too:

- bare, twice: ``python SCRIPT.py`` (under spawn, a ``sitecustomize`` on PYTHONPATH
  makes spawn the default the way ``--start-method`` does, without the
  script's own ``set_start_method`` being refused);
- traced: ``concdemo run SCRIPT.py --json --start-method M --timeout S``.

Both run in a fresh empty working directory, in a session of their own. Compared:

- outcome: bare exit status 0 is ``ok``, any other ``error``, past the timeout
  ``timeout``; traced, the run's ``outcome`` in the JSON;
- printed lines, stdout and stderr each, as multisets (concurrent order
  differs from run to run), with digit runs and hex addresses masked (pids,
  timings, object addresses differ between any two runs, bare or not); where
  the lines differ but their characters do not (``text=`` in the table), the
  same text was broken into lines differently: writers that ran at once
  interleaved their pieces in the bare stream ("WorkerWorker" then two empty
  lines), which concdemo reports as each writer's own whole lines; ``varies``:
  a second bare run printed other lines than the first (timings in the output:
  polling dots, iteration counts), so no traced run could be held to either;
- survivors: processes of the run's session still alive after it ended (they
  are then killed and reaped, and counted);
- files left behind: anything in the working directory or FOLDER that was not
  there before.

``--skip NAME=REASON`` leaves a script out (it needs the network, or serves
forever) and the report says which and why. Prints a table, one row per case
and start method, then a JSON summary (also written to ``--json OUT``). Exit
status 0 whatever the comparison found; 2 for a FOLDER that is not one.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_MULTIPROCESSING = re.compile(r"\bmultiprocessing\b|ProcessPoolExecutor")
_MASK = re.compile(r"0x[0-9a-fA-F]+|\d+")
_SPAWN_DEFAULT = """\
import os
method = os.environ.get("SWEEP_START_METHOD")
if method:
    import multiprocessing.context as context
    context._default_context._default_context = context._concrete_contexts[method]
"""


@dataclass
class Side:
    """One run of a script: bare or traced."""

    outcome: str
    stdout: list[str]
    stderr: list[str]
    seconds: float
    survivors: int = 0
    left_behind: list[str] = field(default_factory=list)


@dataclass
class Case:
    script: str
    method: str
    bare: Side
    traced: Side
    bare_again: Side  # a second bare run: does the script's own output vary?

    @property
    def outcome_matches(self) -> bool:
        return self.bare.outcome == self.traced.outcome

    def lines_match(self, stream: str) -> bool:
        return _masked(getattr(self.bare, stream)) == _masked(getattr(self.traced, stream))

    def text_matches(self, stream: str) -> bool:
        """The same characters, however broken into lines."""
        return _chars(getattr(self.bare, stream)) == _chars(getattr(self.traced, stream))

    def compared(self, stream: str) -> str:
        if self.lines_match(stream):
            return "="
        if self.text_matches(stream):
            return "text="
        again = _masked(getattr(self.bare_again, stream))
        return "DIFF" if again == _masked(getattr(self.bare, stream)) else "varies"


def _masked(lines: list[str]) -> collections.Counter[str]:
    return collections.Counter(_MASK.sub("#", line) for line in lines)


def _chars(lines: list[str]) -> collections.Counter[str]:
    # Digit by digit: two writers' "1" and "1" run together bare as "11".
    return collections.Counter(re.sub(r"\d", "#", "".join(lines)))


def _session_survivors(sid: int) -> list[int]:
    """Processes of session ``sid`` still alive (not zombies)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def _run(command: list[str], env: dict[str, str], timeout: float, watched: Path) -> Side:
    """``command`` in a fresh working directory and a session of its own."""
    before = {p.name for p in watched.iterdir()}
    with tempfile.TemporaryDirectory(prefix="sweep-") as cwd:
        t0 = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            text=True,
            errors="replace",
        )
        try:
            out, err = process.communicate(timeout=timeout)
            outcome = "ok" if process.returncode == 0 else "error"
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
            outcome = "timeout"
        seconds = time.perf_counter() - t0
        time.sleep(0.2)  # a child that is only slower to exit is no survivor
        survivors = _session_survivors(process.pid)
        if survivors:
            os.killpg(process.pid, signal.SIGKILL)  # ours to stop (and init reaps them)
        left = sorted(p.name for p in Path(cwd).iterdir())
    new = {p.name for p in watched.iterdir()} - before
    left += sorted(f"{watched.name}/{name}" for name in new)
    return Side(outcome, out.splitlines(), err.splitlines(), seconds, len(survivors), left)


def _traced_side(side: Side) -> Side:
    """The traced side read from concdemo's --json document on its stdout."""
    try:
        (run,) = json.loads("\n".join(side.stdout))["runs"]
    except (ValueError, KeyError, TypeError):
        return Side("no-json", [], side.stderr, side.seconds, side.survivors, side.left_behind)

    def printed(kind: str) -> list[str]:
        return [str(e["detail"].get("line", "")) for e in run["events"] if e["kind"] == kind]

    return Side(
        str(run["outcome"]),
        printed("stdout"),
        printed("stderr"),
        side.seconds,
        side.survivors,
        side.left_behind,
    )


def sweep(folder: Path, timeout: float, skip: dict[str, str], concdemo: str) -> list[Case]:
    site = Path(tempfile.mkdtemp(prefix="sweep-site-"))
    (site / "sitecustomize.py").write_text(_SPAWN_DEFAULT)
    cases = []
    try:
        for script in sorted(folder.glob("*.py")):
            if script.name in skip:
                continue
            text = script.read_text(errors="replace")
            methods = ["fork", "spawn"] if _MULTIPROCESSING.search(text) else ["fork"]
            for method in methods:
                env = dict(os.environ)
                if method != "fork":
                    env["SWEEP_START_METHOD"] = method
                    env["PYTHONPATH"] = os.pathsep.join(
                        [str(site), *filter(None, [env.get("PYTHONPATH")])]
                    )
                bare = _run([sys.executable, str(script)], env, timeout, folder)
                bare_again = _run([sys.executable, str(script)], env, timeout, folder)
                command = [concdemo, "run", str(script), "--json", "--start-method", method]
                command += ["--timeout", str(timeout)]
                traced = _traced_side(_run(command, dict(os.environ), timeout + 30, folder))
                cases.append(Case(script.name, method, bare, traced, bare_again))
                print(f"  {script.name} [{method}] done", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(site, ignore_errors=True)
    return cases


def _table(cases: list[Case]) -> str:
    rows = [("script", "method", "bare", "traced", "stdout", "stderr", "surv", "left")]
    for c in cases:
        rows.append(
            (
                c.script,
                c.method,
                c.bare.outcome,
                c.traced.outcome,
                c.compared("stdout"),
                c.compared("stderr"),
                str(c.bare.survivors + c.traced.survivors),
                str(len(c.bare.left_behind) + len(c.traced.left_behind)),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    padded = ("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in rows)
    return "\n".join(padded)


def _diff(bare: list[str], traced: list[str]) -> dict[str, list[str]]:
    b, t = _masked(bare), _masked(traced)
    return {"only_bare": sorted((b - t).elements()), "only_traced": sorted((t - b).elements())}


def summary(cases: list[Case], skip: dict[str, str]) -> dict[str, Any]:
    mismatches = []
    for c in cases:
        if c.outcome_matches and c.lines_match("stdout") and c.lines_match("stderr"):
            continue
        mismatches.append(
            {
                "script": c.script,
                "method": c.method,
                "stdout_compared": c.compared("stdout"),
                "stderr_compared": c.compared("stderr"),
                "bare": c.bare.outcome,
                "traced": c.traced.outcome,
                "stdout": _diff(c.bare.stdout, c.traced.stdout),
                "stderr": _diff(c.bare.stderr, c.traced.stderr),
            }
        )
    return {
        "cases": len(cases),
        "scripts": len({c.script for c in cases}),
        "outcome_matches": sum(c.outcome_matches for c in cases),
        "stdout_matches": sum(c.lines_match("stdout") for c in cases),
        "stderr_matches": sum(c.lines_match("stderr") for c in cases),
        "stdout_same_text_other_lines": sum(c.compared("stdout") == "text=" for c in cases),
        "stderr_same_text_other_lines": sum(c.compared("stderr") == "text=" for c in cases),
        "bare_varies": sum("varies" in (c.compared("stdout"), c.compared("stderr")) for c in cases),
        "survivors": sum(
            c.bare.survivors + c.traced.survivors + c.bare_again.survivors for c in cases
        ),
        "left_behind": {
            f"{c.script} [{c.method}]": {"bare": c.bare.left_behind, "traced": c.traced.left_behind}
            for c in cases
            if c.bare.left_behind or c.traced.left_behind
        },
        "skipped": skip,
        "mismatches": mismatches,
        "seconds": {
            f"{c.script} [{c.method}]": [round(c.bare.seconds, 2), round(c.traced.seconds, 2)]
            for c in cases
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--skip", action="append", default=[], metavar="NAME=REASON")
    parser.add_argument("--json", type=Path, help="also write the JSON summary here")
    parser.add_argument(
        "--concdemo",
        default=str(Path(sys.executable).with_name("concdemo")),
        help="the concdemo command (default: the one beside this Python)",
    )
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"sweep: {args.folder} is not a folder; name one that holds scripts", file=sys.stderr)
        return 2
    skip = dict(item.partition("=")[::2] for item in args.skip)
    cases = sweep(args.folder, args.timeout, skip, args.concdemo)
    print(_table(cases))
    document = summary(cases, skip)
    text = json.dumps(document, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
