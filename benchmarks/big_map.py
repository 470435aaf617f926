"""A big map traced against bare.

    python benchmarks/big_map.py [--items N] [--one-by-one K] [--repeat R]

The work of CPython's old Doc/includes/mp_pool.py speed test (issue 21): a
Pool(4) maps pow3 and noop over N items each (default 1,000,000), by ``map``
and by ``imap`` in chunks of N//8; with ``--one-by-one K`` also K tasks of one
item each (``imap``, chunksize 1: where the tracer's budget summarises; the
targets are for the speed test as the docs have it, K = 0).
Bare, and under ``concdemo run SCRIPT --json``, ``--plain``:

- ``script``: the script's own time (time.perf_counter around its work, printed
  on its last line). Target: traced <= 1.3x bare.
- ``command``: the whole command, from start to exit, against the bare
  interpreter's. Target: <= 2x bare.
- ``peak_rss_mib``: the command's peak RSS (``/usr/bin/time``'s maximum resident
  set of one process of its tree: the CLI's, or the script's own, which holds
  four lists of N results; ``bare_peak_rss_mib`` is the script's bare).
  Target: <= 300 MiB.
- ``json_mb``: the size of the --json document. Target: <= 50 MB.
- ``first_output_s``: with --plain, from the command's start to its first line
  on stdout. Target: <= 1 s.

Each figure is the median of ``--repeat`` rounds (bare and traced alternate);
ratios are computed within each round.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRIPT = """
import sys
import time
from multiprocessing import Pool


def pow3(x):
    return x ** 3


def noop(x):
    pass


if __name__ == "__main__":
    N, K = int(sys.argv[1]), int(sys.argv[2])
    start = time.perf_counter()
    with Pool(4) as pool:
        B = pool.map(pow3, range(N))
        C = list(pool.imap(pow3, range(N), chunksize=N // 8))
        L = [None] * N
        D = pool.map(noop, L)
        E = list(pool.imap(noop, L, chunksize=len(L) // 8))
        F = list(pool.imap(noop, range(K)))
    print(len(B), len(C), len(D), len(E), len(F), B == C)
    print(f"elapsed {time.perf_counter() - start:.6f}")
"""

_RSS = re.compile(r"^PEAK_KIB (\d+)$", re.MULTILINE)


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("CONCDEMO_")}


def _timed(args: list[str], out: Path) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in KiB (of the largest process of the tree), stderr."""
    start = time.perf_counter()
    with open(out, "wb") as sink:
        done = subprocess.run(
            ["/usr/bin/time", "-f", "PEAK_KIB %M", *args],
            stdout=sink, stderr=subprocess.PIPE, text=True, env=_env(),
            stdin=subprocess.DEVNULL, check=False,
        )
    wall = time.perf_counter() - start
    found = _RSS.findall(done.stderr)
    if done.returncode != 0 or not found:
        raise SystemExit(f"failed: {' '.join(args)}\n{done.stderr[-2000:]}")
    return wall, int(found[-1]), done.stderr


def _first_output(args: list[str]) -> float:
    """Seconds from the start of the command to its first byte on stdout."""
    start = time.perf_counter()
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          stdin=subprocess.DEVNULL, env=_env()) as cli:
        assert cli.stdout is not None
        cli.stdout.read(1)
        first = time.perf_counter() - start
        cli.stdout.read()
    return first


def _elapsed(text: str) -> float:
    return float(re.findall(r"elapsed (\d+\.\d+)", text)[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--one-by-one", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rounds: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "mp_pool_like.py"
        script.write_text(SCRIPT)
        out = Path(folder) / "out"
        items = [str(args.items), str(args.one_by_one)]
        cli = [sys.executable, "-m", "concdemo", "run", str(script)]
        for _ in range(args.repeat):
            found: dict[str, float] = {}
            wall, peak, _ = _timed([sys.executable, str(script), *items], out)
            found["bare_command_s"] = wall
            found["bare_peak_rss_mib"] = peak / 1024  # the script's own lists of N items
            found["bare_script_s"] = _elapsed(out.read_text())
            wall, peak, _ = _timed([*cli, "--json", "--", *items], out)
            run = json.loads(out.read_text())["runs"][0]
            printed = [e["detail"]["line"] for e in run["events"] if e["kind"] == "stdout"]
            found["traced_command_s"] = wall
            found["traced_script_s"] = _elapsed("\n".join(printed))
            found["peak_rss_mib"] = peak / 1024
            found["json_mb"] = out.stat().st_size / 1e6
            found["events"] = len(run["events"])
            found["summarised_calls"] = sum(s["calls"] for s in run.get("summarised", []))
            found["first_output_s"] = _first_output([*cli, "--plain", "--", *items])
            found["script_ratio"] = found["traced_script_s"] / found["bare_script_s"]
            found["command_ratio"] = found["traced_command_s"] / found["bare_command_s"]
            rounds.append(found)
    medians = {k: round(statistics.median(r[k] for r in rounds), 3) for k in rounds[0]}
    targets = {
        "script_ratio": 1.3, "command_ratio": 2.0, "peak_rss_mib": 300, "json_mb": 50,
        "first_output_s": 1.0,
    }
    doc = {
        "python": sys.version.split()[0],
        "items": args.items,
        "one_by_one": args.one_by_one,
        "repeat": args.repeat,
        "median": medians,
        "targets_met": {k: medians[k] <= limit for k, limit in targets.items()},
    }
    print(json.dumps(doc, indent=2))


if __name__ == "__main__":
    main()
