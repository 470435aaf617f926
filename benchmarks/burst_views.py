"""The 1,000,000-event burst through each view, against a bare `cat` draining the FIFO.

    python benchmarks/burst_views.py [--repo PATH] [--repeat 3]
                                     [--views floor,plain,json,live]

For each view: the scenario's own ``wall_s`` (read from the run's output), the
whole command's time and the CLI's peak RSS (``/usr/bin/time``'s maximum
resident set size of the CLI's tree, where the CLI is the largest process; it
runs under ``time`` because Linux carries a parent's peak RSS into a forked
child's figure, and this script's own would otherwise leak into the CLI's).
The floor is the same fixture script with a bare ``cat`` draining the FIFO.
``--repo`` runs the CLI of another checkout (e.g. the original commit in a
temporary worktree), so before and after come from the same script. Each
figure is the median of ``--repeat`` runs; the ratios are computed within each
round, so they come from one run each.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
_WALL = re.compile(rb"wall (\d+\.\d+) s")
_ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def _cli_args(events: int, processes: int, view: str) -> list[str]:
    args = [
        sys.executable, "-m", "concdemo", "run", "fixture", "--variant", "burst",
        "--param", f"events={events}", "--param", f"processes={processes}",
        "--start-method", "fork", "--timeout", "600",
    ]
    if view == "json":
        args.append("--json")
    if view == "plain":
        args.append("--plain")
    return args


def _env(repo: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["CONCDEMO_SCENARIO_PATH"] = str(repo / "tests" / "fixtures" / "scenarios")
    env["PYTHONPATH"] = str(repo)
    for name in ("NO_COLOR", "FORCE_COLOR", "CONCDEMO_LANG"):
        env.pop(name, None)
    return env


_TIME = "/usr/bin/time"


def _timed(args: list[str], rss_file: str) -> list[str]:
    """``args`` under /usr/bin/time, which writes the peak RSS (KiB) to ``rss_file``."""
    return [_TIME, "-f", "%M", "-o", rss_file, *args]


def _wait(pid: int, rss_file: str | None = None) -> tuple[int, float]:
    """Exit status, and peak RSS (MiB) as /usr/bin/time wrote it to ``rss_file``."""
    _, status = os.waitpid(pid, 0)
    rss = 0.0
    if rss_file is not None:
        rss = float(Path(rss_file).read_text().split()[-1]) / 1024
    return os.waitstatus_to_exitcode(status), rss


def floor(repo: Path, events: int, processes: int) -> dict[str, float]:
    """The fixture script alone; `cat` drains the FIFO into /dev/null."""
    script = repo / "tests/fixtures/scenarios/90_fixture/fixture_burst.py"
    with tempfile.TemporaryDirectory(prefix="burst-floor-") as run_dir:
        fifo = os.path.join(run_dir, "events")
        os.mkfifo(fifo)
        env = _env(repo)
        t0 = time.monotonic_ns()
        env.update({
            "CONCDEMO_EVENTS": fifo, "CONCDEMO_RUN_DIR": run_dir, "CONCDEMO_T0": str(t0),
            "CONCDEMO_PARAMS": json.dumps({"events": events, "processes": processes}),
            "CONCDEMO_START_METHOD": "fork",
        })
        with open(os.devnull, "wb") as null:
            cat = subprocess.Popen(["cat", fifo], stdout=null)
            started = time.monotonic()
            script_proc = subprocess.Popen([sys.executable, str(script)], env=env, cwd=run_dir)
            code, _ = _wait(script_proc.pid)
            wall = time.monotonic() - started
            script_proc.returncode = code
            cat.wait(timeout=60)
    return {"wall_s": wall, "command_s": wall, "rss_mib": 0.0}


def _piped(repo: Path, args: list[str]) -> tuple[bytes, float, float, int]:
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile() as rss_file:
        started = time.monotonic()
        proc = subprocess.Popen(_timed(args, rss_file.name), stdout=out,
                                stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                                env=_env(repo), cwd=repo)
        code, rss = _wait(proc.pid, rss_file.name)
        took = time.monotonic() - started
        proc.returncode = code
        out.seek(0)
        return out.read(), took, rss, code


def _in_terminal(repo: Path, args: list[str]) -> tuple[bytes, float, float, int]:
    """The live view: the CLI on a pseudo-terminal of 120x40 whose output we drain."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = _env(repo)
    env["TERM"] = "xterm-256color"
    rss_file = tempfile.NamedTemporaryFile()  # noqa: SIM115 (closed below, after the wait)
    started = time.monotonic()
    proc = subprocess.Popen(_timed(args, rss_file.name), stdin=slave, stdout=slave,
                            stderr=slave, env=env, cwd=repo, start_new_session=True)
    os.close(slave)
    tail = b""
    while True:
        ready, _, _ = select.select([master], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            tail = (tail + chunk)[-200_000:]
        elif proc.poll() is not None:
            break
    code, rss = _wait(proc.pid, rss_file.name)
    took = time.monotonic() - started
    proc.returncode = code
    rss_file.close()
    os.close(master)
    return _ANSI.sub(b"", tail), took, rss, code


def cli_view(repo: Path, view: str, events: int, processes: int) -> dict[str, float]:
    args = _cli_args(events, processes, view)
    run = _in_terminal if view == "live" else _piped
    output, took, rss, code = run(repo, args)
    if view == "json":
        # Not json.loads: a million events would grow this process by a gigabyte.
        found_json = re.search(rb'"wall_s": ([0-9.]+)', output)
        if found_json is None:
            raise SystemExit(f"json: no wall_s in the output (exit {code})")
        wall = float(found_json[1])
    else:
        found = _WALL.findall(output)
        if not found:
            raise SystemExit(f"{view}: no wall time in the output (exit {code}):\n"
                             + output[-2000:].decode(errors="replace"))
        wall = float(found[-1])
    return {"wall_s": float(wall), "command_s": took, "rss_mib": rss}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=HERE)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--events", type=int, default=500_000, help="per process")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--views", default="floor,plain,json,live")
    parser.add_argument("--json", action="store_true", help="print the samples as JSON")
    parser.add_argument(
        "--paired", action="store_true",
        help="run a floor right before each view and take each view's ratio to its own "
        "floor (on a shared, busy machine the load drifts within a round)",
    )
    opts = parser.parse_args()
    views = opts.views.split(",")
    signal.signal(signal.SIGINT, signal.default_int_handler)
    rounds: list[dict[str, dict[str, float]]] = []
    for index in range(opts.repeat):
        sample: dict[str, dict[str, float]] = {}
        for view in views:
            if view == "floor":
                sample[view] = floor(opts.repo, opts.events, opts.processes)
            else:
                if opts.paired:
                    sample[f"floor-{view}"] = floor(opts.repo, opts.events, opts.processes)
                sample[view] = cli_view(opts.repo, view, opts.events, opts.processes)
            print(f"round {index + 1} {view}: {sample[view]}", file=sys.stderr, flush=True)
        rounds.append(sample)
    print(f"load average: {os.getloadavg()}", file=sys.stderr)
    if opts.json:
        print(json.dumps(rounds, indent=1))
    print(f"{'view':8} {'wall_s':>8} {'command_s':>10} {'rss_MiB':>8} "
          f"{'wall/floor':>10} {'cmd/floor':>10}")
    for view in views:
        def median(key: str, view: str = view) -> float:
            return statistics.median(r[view][key] for r in rounds)

        ratios = ""
        base = f"floor-{view}" if opts.paired else "floor"
        if base in rounds[0] and view != "floor":
            wall_ratio = statistics.median(r[view]["wall_s"] / r[base]["wall_s"] for r in rounds)
            cmd_ratio = statistics.median(
                r[view]["command_s"] / r[base]["command_s"] for r in rounds
            )
            ratios = f"{wall_ratio:>10.2f} {cmd_ratio:>10.2f}"
        print(f"{view:8} {median('wall_s'):8.2f} {median('command_s'):10.2f} "
              f"{median('rss_mib'):8.0f} {ratios}")


if __name__ == "__main__":
    main()
