"""`concdemo run PATH.py` / `run -m MODULE`: a user's script, run as python would run it."""

from __future__ import annotations

import collections
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from concdemo.core import unreported

from conftest import HERE, cli, validate

SCRIPTS = HERE / "fixtures" / "scripts"


def cli_in(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CONCDEMO_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "concdemo", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=full_env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
    )


def lines(run: dict[str, Any], kind: str) -> list[str]:
    return [e["detail"]["line"] for e in run["events"] if e["kind"] == kind]


def test_a_script_sees_what_python_would_give_it(tmp_path: Path) -> None:
    """argv, cwd, sys.path[0] and __file__ as with `python echo_args.py ARGS`; its
    printed lines arrive as events from its own process, in order."""
    shutil.copy(SCRIPTS / "echo_args.py", tmp_path / "echo_args.py")
    bare = subprocess.run(
        [sys.executable, "echo_args.py", "a", "--b"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    done = cli_in(tmp_path, "run", "echo_args.py", "--json", "--", "a", "--b")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    validate(doc, "run-1")
    (run,) = doc["runs"]
    assert (run["scenario"], run["script"], run["argv"]) == (None, "echo_args.py", ["a", "--b"])
    assert run["outcome"] == "ok" and run["as_expected"]
    assert lines(run, "stdout") == bare.stdout.splitlines()
    assert lines(run, "stderr") == bare.stderr.splitlines()
    main_pid = next(p["pid"] for p in run["processes"] if p["name"] == "MainProcess")
    assert {e["pid"] for e in run["events"]} == {main_pid}


def test_a_failing_script_is_reported_as_an_error_with_its_exit_status(tmp_path: Path) -> None:
    done = cli_in(tmp_path, "run", str(SCRIPTS / "echo_args.py"), "--json", env={"ECHO_EXIT": "3"})
    assert done.returncode == 1
    (run,) = json.loads(done.stdout)["runs"]
    assert run["outcome"] == "error" and not run["as_expected"]
    assert [p["exitcode"] for p in run["processes"] if p["name"] == "MainProcess"] == [3]
    # A script has no story: no "what it demonstrates", and no traceback to point at.
    assert run["explanation"] == [
        "MainProcess ended with exit status 3 (last line on stderr: warning on stderr); "
        "a script is expected to exit cleanly."
    ]


def test_a_scripts_explanation_names_its_own_error_whole_and_its_childs_as_a_fact(
    tmp_path: Path,
) -> None:
    """The main process's KeyError is the run's error (the script's own exception
    decides its outcome); the child's earlier ValueError is a fact of the run. Each
    keeps its own type and message (the last error's once lent them to the first:
    "KeyError ended Process-1 ('main')")."""
    done = cli_in(tmp_path, "run", str(SCRIPTS / "two_errors.py"), "--json")
    (run,) = json.loads(done.stdout)["runs"]
    assert (run["error"]["type"], run["error"]["process"]) == ("KeyError", "MainProcess")
    assert run["explanation"] == [
        "KeyError ended MainProcess ('main'); the error above says where.",
        "1 process ended with an exception (shown in red above).",
        "Process-1 ended with ValueError (bad input 7) and exit code 1.",
    ]


def test_an_exception_without_a_message_is_named_without_empty_parentheses(
    tmp_path: Path,
) -> None:
    """A bare ``assert`` raises AssertionError with an empty message: the sentence
    names the exception alone, not "AssertionError ended MainProcess ()"."""
    script = tmp_path / "bare_assert.py"
    script.write_text("assert 1 + 1 == 3\n")
    done = cli_in(tmp_path, "run", str(script), "--json")
    (run,) = json.loads(done.stdout)["runs"]
    assert (run["outcome"], run["error"]["type"], run["error"]["message"]) == (
        "error",
        "AssertionError",
        "",
    )
    assert run["explanation"] == [
        "AssertionError ended MainProcess; the error above says where.",
        "1 process ended with an exception (shown in red above).",
    ]


def test_run_dash_m_runs_a_module_from_the_current_directory(tmp_path: Path) -> None:
    package = tmp_path / "demo_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "hello.py").write_text("import sys\nprint('module', __name__, sys.argv[1:])\n")
    done = cli_in(tmp_path, "run", "-m", "demo_pkg.hello", "--json", "--", "x")
    assert done.returncode == 0, done.stderr
    (run,) = json.loads(done.stdout)["runs"]
    assert run["script"] == "-m demo_pkg.hello"
    assert lines(run, "stdout") == ["module __main__ ['x']"]


def test_bad_script_targets_are_one_line_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "secret.py").write_text("print(1)\n")
    (tmp_path / "secret.py").chmod(0)
    cases = {
        "missing": ("run", "nowhere.py"),
        "unreadable": ("run", "secret.py"),
        "variant": ("run", str(SCRIPTS / "echo_args.py"), "--variant", "x"),
        "extra args for a scenario": ("run", "pipe", "--", "x"),
        "mixed compare": ("compare", str(SCRIPTS / "echo_args.py"), "pipe"),
    }
    if os.geteuid() == 0:
        del cases["unreadable"]  # root reads anything
    wrong = {}
    for name, args in cases.items():
        done = cli_in(tmp_path, *args)
        shown = done.stderr.strip().splitlines()
        if done.returncode != 2 or len(shown) != 1 or "Traceback" in done.stderr:
            wrong[name] = (done.returncode, done.stderr)
    assert not wrong


def test_start_method_becomes_the_default_yet_the_script_may_choose_its_own(
    tmp_path: Path,
) -> None:
    script = str(SCRIPTS / "start_method.py")
    chosen = {}
    for args in ((), ("--", "fork")):
        done = cli_in(tmp_path, "run", script, "--start-method", "spawn", "--json", *args)
        assert done.returncode == 0, done.stderr
        (run,) = json.loads(done.stdout)["runs"]
        chosen[args] = lines(run, "stdout")
        child = [e for e in run["events"] if e["process"] == "Process-1"]
        assert child and child[0]["kind"] == "process-start"
        assert child[0]["detail"]["start_method"] == ("fork" if args else "spawn")
    assert chosen[()] == ["start method spawn", "child ran"]
    assert chosen[("--", "fork")] == ["start method fork", "child ran"]


def test_the_users_own_sitecustomize_still_runs(tmp_path: Path) -> None:
    # (Only in the script's process: the CLI itself gets the PYTHONPATH too.)
    (tmp_path / "sitecustomize.py").write_text(
        "import sys\n"
        "if sys.argv[0].endswith('echo_args.py'):\n"
        "    print('user sitecustomize ran')\n"
    )
    done = cli_in(
        tmp_path, "run", str(SCRIPTS / "echo_args.py"), "--json", env={"PYTHONPATH": str(tmp_path)}
    )
    assert done.returncode == 0, done.stderr
    (run,) = json.loads(done.stdout)["runs"]
    assert lines(run, "stdout")[0] == "user sitecustomize ran"
    assert lines(run, "stdout")[1] == "argv []"  # and the script still ran after it


def test_a_child_forked_by_hand_is_seen_and_reaped(tmp_path: Path) -> None:
    done = cli_in(tmp_path, "run", str(SCRIPTS / "fork_by_hand.py"), "--json")
    assert done.returncode == 0, done.stderr
    (run,) = json.loads(done.stdout)["runs"]
    main = next(p["pid"] for p in run["processes"] if p["exitcode"] == 0)
    child = [e for e in run["events"] if e["pid"] != main]
    assert [e["kind"] for e in child] == ["process-start", "stdout"]
    assert child[0]["detail"] == {"start_method": "os.fork", "parent": main}
    assert lines(run, "stdout")[-1] == "child exit 3"
    # Its exit code, as the script's os.waitpid saw it (it had none).
    assert {p["pid"]: p["exitcode"] for p in run["processes"]} == {main: 0, child[0]["pid"]: 3}


def test_children_started_by_subprocess_have_their_real_exit_codes(tmp_path: Path) -> None:
    """A Python started by subprocess is traced, and its own end cannot know its
    exit code (it was listed with 0 for an exit 5); a program that is not Python
    is no process of the run's own (no lane), as before."""
    done = cli_in(tmp_path, "run", str(SCRIPTS / "subprocess_children.py"), "--json")
    assert done.returncode == 0, done.stderr
    (run,) = json.loads(done.stdout)["runs"]
    assert lines(run, "stdout") == ["python 5", "shell 3"]
    assert sorted(p["exitcode"] for p in run["processes"]) == [0, 5]


def test_compare_times_scripts_against_each_other(tmp_path: Path) -> None:
    a, b = str(SCRIPTS / "generator_pc.py"), str(SCRIPTS / "echo_args.py")
    done = cli_in(tmp_path, "compare", a, b, "--repeat", "2", "--warmup", "0", "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    validate(doc, "compare-1")
    assert [r["variant"] for r in doc["results"]] == [a, b]
    assert all(len(r["samples"]) == 2 and r["phase"] == "wall" for r in doc["results"])


def test_a_childs_exit_code_is_reported(tmp_path: Path) -> None:
    done = cli_in(tmp_path, "run", str(SCRIPTS / "child_exit.py"), "--json")
    assert done.returncode == 0, done.stderr
    (run,) = json.loads(done.stdout)["runs"]
    assert lines(run, "stdout") == ["child exitcode 3"]
    codes = {p["name"]: p["exitcode"] for p in run["processes"]}
    assert codes == {"MainProcess": 0, "Process-1": 3}


def test_input_redirected_into_concdemo_is_said_not_to_reach_the_script(tmp_path: Path) -> None:
    """The script's stdin is /dev/null, as for scenarios; `< file` would be lost
    silently, so the CLI says so (on stderr: --json keeps stdout to its document)."""
    script = tmp_path / "reads.py"
    script.write_text("import sys\nprint('read', len(sys.stdin.read()))\n")
    data = tmp_path / "input.txt"
    data.write_text("two\nlines\n")
    with data.open() as stdin:
        done = subprocess.run(
            [sys.executable, "-m", "concdemo", "run", str(script), "--json"],
            capture_output=True, text=True, timeout=120, stdin=stdin, cwd=tmp_path,
        )
    (run,) = json.loads(done.stdout)["runs"]
    assert lines(run, "stdout") == ["read 0"]
    assert "standard input is /dev/null" in done.stderr
    # Not said when nothing was redirected.
    assert "standard input" not in cli_in(tmp_path, "run", str(script), "--json").stderr


def test_output_without_a_final_newline_or_around_sys_stdout_is_not_lost(tmp_path: Path) -> None:
    """A process's last text without a newline is its line (partial); bytes written
    around sys.stdout (os.write, sys.stdout.buffer, sh) are counted and named."""
    done = cli_in(tmp_path, "run", str(SCRIPTS / "output_ways.py"), "--json")
    (run,) = json.loads(done.stdout)["runs"]
    assert run["outcome"] == "ok"
    assert [
        (e["process"], e["detail"]["line"], e["detail"].get("partial", False))
        for e in run["events"]
        if e["kind"] == "stdout"
    ] == [
        ("MainProcess", "printed", False),
        ("Process-1", "child, no newline at exit", True),
        ("MainProcess", "after the child", False),
        ("MainProcess", "last, no newline", True),
    ]
    # The child's text ran into "after the child" in the stream: still matched.
    assert run["explanation"][1:] == [
        "3 lines of output did not go through sys.stdout or sys.stderr (os.write, "
        "sys.stdout.buffer, a program that is not Python), so no event shows them: "
        "'by os.write', 'by the buffer \\xff', 'by sh'."
    ]


def test_long_printed_lines_arrive_whole_and_a_view_says_how_much_it_cut(tmp_path: Path) -> None:
    """Lines were cut at 500 characters without a mark. A line one message cannot
    carry (100 kB; 20 kB written ten characters at a time; 1,500 é, six bytes each
    on the wire) travels in pieces the CLI joins: whole in --json, and the plain
    view, which shortens it, says by how much."""
    script = str(SCRIPTS / "long_lines.py")
    bare = subprocess.run([sys.executable, script], capture_output=True, text=True, timeout=60)
    done = cli_in(tmp_path, "run", script, "--json")
    (run,) = json.loads(done.stdout)["runs"]
    printed = lines(run, "stdout")
    assert [len(line) for line in printed] == [5, 518, 100_000, 20_000, 1_500, 7]
    assert printed == bare.stdout.splitlines()
    assert [e["detail"] for e in run["events"] if e["kind"] == "stdout"] == [
        {"line": line} for line in printed
    ]
    assert (run["dropped_events"], run["malformed_events"], run["repaired_events"]) == (0, 0, 0)
    # Each line of the captured stream is one of the events, whole.
    assert run["explanation"] == ["The run ended ok, as this script expects."]
    shown = cli_in(tmp_path, "run", script, "--plain").stdout
    assert f"stdout  line={'x' * 195}… (+323 characters)\n" in shown  # 5 + 518 - 200
    assert f"stdout  line={'0' * 8}0,{'0' * 8}1," in shown
    assert "… (+99805 characters)\n" in shown


def test_threads_printing_at_once_each_get_their_own_whole_lines(tmp_path: Path) -> None:
    """Three threads print lines of several writes each (arguments, separators,
    end= pieces) at the same moment, 20 rounds in one run, switching as often as
    the GIL allows: their pieces interleave. Each event is one whole line of one
    thread, in its lane, and a thread that ends in the middle of a line ends it;
    none of it is said to have gone around sys.stdout, the os.write after them is."""
    done = cli_in(tmp_path, "run", str(SCRIPTS / "threads_print.py"), "--json")
    (run,) = json.loads(done.stdout)["runs"]
    assert run["outcome"] == "ok", run["error"]
    by_lane: dict[str, list[str]] = {}
    for event in run["events"]:
        if event["kind"] == "stdout":
            by_lane.setdefault(event["task"], []).append(event["detail"]["line"])
    assert by_lane == {
        **{
            f"worker-{i}": [
                f"worker-{i} round {n} of 20 | parts a b c d e f | end worker-{i}"
                for n in range(20)
            ]
            for i in range(3)
        },
        # A thread that ended in the middle of a line: the rest is not its.
        "last-words": ["no newline"],
        "MainThread": ["main thread"],
    }
    assert run["explanation"][1:] == [
        "1 line of output did not go through sys.stdout or sys.stderr (os.write, "
        "sys.stdout.buffer, a program that is not Python), so no event shows it: "
        "'around sys.stdout'."
    ]


def test_stream_lines_mixed_from_threads_lines_are_not_said_to_go_around_sys_stdout() -> None:
    """What the stream of the run above can hold, made sure of: two threads' lines
    mixed into two other lines, then a line that did go around sys.stdout."""
    reported = [("worker-0 round 1 | end", False), ("worker-1 round 1 | end", False)]
    mixed = b"worker-0worker-1 round 1 | end\n round 1 | end\n"
    assert unreported.leftover(mixed, reported) == unreported.Unreported(0)
    assert unreported.leftover(mixed + b"by os.write\n", reported) == unreported.Unreported(
        1, ["by os.write"]
    )
    # Characters the reported lines do not have are not theirs, mixed or not.
    assert unreported.leftover(mixed.replace(b"1 |", b"2 |"), reported).lines == 2


def test_large_output_is_checked_by_count(tmp_path: Path) -> None:
    """Over 1 MB (unreported.MATCHED_BYTES) the lines are counted, not matched."""
    script = tmp_path / "big.py"
    script.write_text(
        "import os, sys\n"
        "for n in range(60_000):\n"
        "    print(f'line {n:>13}')\n"  # 19 bytes + newline: 1.2 MB
        "sys.stdout.flush()\n"
        "os.write(1, b'around one\\naround two\\n')\n"
    )
    done = cli_in(tmp_path, "run", str(script), "--json")
    (run,) = json.loads(done.stdout)["runs"]
    assert len(lines(run, "stdout")) == 60_000
    assert run["explanation"][1:] == [
        "At least 2 lines of output did not go through sys.stdout or sys.stderr (os.write, "
        "sys.stdout.buffer, a program that is not Python), so no event shows them (counted, "
        "not matched: the output was large)."
    ]


def test_a_hung_script_is_told_where_it_waited_without_the_stops_own_interrupt(
    tmp_path: Path,
) -> None:
    """The SIGINT that stops a hung run raises KeyboardInterrupt in the child: not
    an error of the script's (as in the main process), so no "ended with an exception"."""
    script = tmp_path / "waits.py"
    script.write_text(
        "import multiprocessing as mp\n"
        "def child(q):\n"
        "    q.get()\n"
        "if __name__ == '__main__':\n"
        "    q = mp.Queue()\n"
        "    p = mp.Process(target=child, args=(q,))\n"
        "    p.start()\n"
        "    p.join()\n"
    )
    done = cli_in(tmp_path, "run", str(script), "--timeout", "2", "--json")
    (run,) = json.loads(done.stdout)["runs"]
    assert run["outcome"] == "hang"
    assert not [e for e in run["events"] if e["kind"] == "error"]
    assert run["explanation"] == [
        "The script did not finish: it was stopped as a hang after 2.0 s.",
        "When it was stopped, MainProcess waited in join() at waits.py:8; "
        "Process-1 waited in get() at waits.py:3 (the table above lists every thread).",
    ]


def test_a_script_run_from_its_own_directory_reports_only_its_own_generators(
    tmp_path: Path,
) -> None:
    """Run from the script's directory (the usual `cd demo; concdemo run x.py`):
    importlib's frozen generators ("<frozen …>", no file) once counted as the
    script's on 3.12+, and their first yield, inside `import multiprocessing`,
    failed the import."""
    # A library installed inside the script's folder (./.venv/…/site-packages) is no
    # more the script's own code than importlib is.
    library = tmp_path / ".venv" / "lib" / "site-packages"
    library.mkdir(parents=True)
    (library / "helper.py").write_text("def pairs():\n    yield 1\n    yield 2\n")
    script = tmp_path / "gen.py"
    script.write_text(
        "import multiprocessing, sys\n"
        "sys.path.insert(0, '.venv/lib/site-packages')\n"
        "import helper\n"
        "def numbers():\n"
        "    yield 1\n"
        "    yield 2\n"
        "print(sum(numbers()), sum(helper.pairs()), multiprocessing.current_process().name)\n"
    )
    done = cli_in(tmp_path, "run", "gen.py", "--json")
    (run,) = json.loads(done.stdout)["runs"]
    assert run["outcome"] == "ok", run["error"]
    assert lines(run, "stdout") == ["3 3 MainProcess"]
    lanes = {e["task"] for e in run["events"] if e["kind"] in ("yield", "resume")}
    assert lanes == ({"numbers"} if sys.version_info >= (3, 12) else set())


def test_a_million_item_map_is_traced_lean_with_what_was_summarised_said(tmp_path: Path) -> None:
    """A map of a million items is one task per chunk, not a task per item, and
    tasks or calls past the tracer's budget (500 per process, thread and site)
    come as summary spans whose counts add up exactly. Before: 2 million task
    events, minutes, and a JSON document of hundreds of MB. The precise targets
    (time, RSS, size against bare) are measured in benchmarks/big_map.py."""
    items, one_by_one, applied = 1_000_000, 5_000, 3_000
    # The CLI under a small parent of its own, so that the peak RSS of its tree is
    # the CLI's (the script's processes are far smaller): RUSAGE_CHILDREN there.
    measure = (
        "import resource, subprocess, sys\n"
        "with open('run.json', 'w') as out:\n"
        "    done = subprocess.run(sys.argv[1:], stdout=out, stdin=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.exit(done.returncode)\n"
    )
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CONCDEMO_")}
    done = subprocess.run(
        [sys.executable, "-c", measure, sys.executable, "-m", "concdemo", "run",
         str(SCRIPTS / "big_map.py"), "--json", "--", str(items), str(one_by_one), str(applied)],
        capture_output=True, text=True, timeout=300, env=full_env, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    peak_kib = int(done.stdout)
    size = (tmp_path / "run.json").stat().st_size
    doc = json.loads((tmp_path / "run.json").read_text())
    validate(doc, "run-1")
    (run,) = doc["runs"]
    assert run["outcome"] == "ok"
    assert lines(run, "stdout") == [
        f"map {sum(x**3 for x in range(items))}",
        f"imap {2 * sum(range(one_by_one))}",
        f"apply_async {2 * sum(range(applied))}",
    ]
    events = run["events"]
    # Bounded: about 8 chunks, 2 x 500 + 500 kept calls and a few dozen summary
    # spans; 10,000 leaves room for a slow machine's extra summaries.
    assert len(events) < 10_000
    # Exact counts: every item of the map in a chunk's `items`; every one-item
    # task and every apply_async either an event of its own or in a summary.
    kept: collections.Counter[tuple[str, str]] = collections.Counter()
    for e in events:
        if e["kind"] == "task-start" and "summarised" not in e["detail"]:
            kept["task", e["detail"]["func"]] += e["detail"].get("items", 1)
        elif e["kind"] == "apply_async":
            kept["apply_async", e["detail"]["func"]] += 1
        elif e["kind"] in ("result-get", "result-get-start") and "summarised" not in e["detail"]:
            kept["result-get", "big_map.py:23"] += 1  # r.get(): a quick one, or a span
    summary = {s["kind"]: s for s in run["summarised"]}
    assert set(summary) == {"task", "apply_async", "result-get"}
    summarised: collections.Counter[tuple[str, str]] = collections.Counter()
    for kind in summary.values():
        assert kind["calls"] == sum(b["calls"] for b in kind["by"])
        assert kind["spans"] == sum(b["spans"] for b in kind["by"])
        for by in kind["by"]:
            summarised[kind["kind"], by.get("func") or by["site"]] += by["calls"]
    assert kept["task", "cube"] == items and summarised["task", "cube"] == 0
    assert kept["task", "double"] + summarised["task", "double"] == one_by_one + applied
    assert kept["apply_async", "double"] == 500
    assert summarised["apply_async", "double"] == applied - 500
    assert kept["result-get", "big_map.py:23"] == 500
    assert summarised["result-get", "big_map.py:23"] == applied - 500
    message = summary["apply_async"]["message"]  # 1 span, or more on a slow machine
    said = (
        r"2,500 apply_async calls in 1 process summarised as (1 span|[\d,]+ spans);"
        r" counts and totals exact"
    )
    assert re.fullmatch(said, message), message
    assert summary["task"]["processes"] == 2
    # Generous bounds (targets: 300 MiB, 50 MB for the docs' whole speed test):
    # before, this run's document was hundreds of MB and the CLI's peak over 1 GB.
    assert size < 10_000_000
    assert peak_kib < 600 * 1024


def test_the_summary_says_what_the_tracer_summarised(tmp_path: Path) -> None:
    """3,000 one-item tasks in 2 workers: at most 2 x 500 are kept one by one, so
    at least 2,000 are summarised, and the summary after the run says so."""
    done = cli_in(
        tmp_path, "run", str(SCRIPTS / "big_map.py"), "--plain", "--", "0", "3000", "0",
        env={"COLUMNS": "200"},
    )
    assert done.returncode == 0, done.stderr
    said = [line for line in done.stdout.splitlines() if "summarised as" in line]
    assert len(said) == 1, done.stdout[-3000:]
    calls, rest = said[0].split(" task calls in ")
    assert 2_000 <= int(calls.replace(",", "")) <= 3_000
    # One summary span, or more where the tallies went out in several windows.
    assert re.search(r" summarised as (1 span|[\d,]+ spans); counts and totals exact$", rest), said


def test_a_printed_line_that_never_reached_the_output_is_said_to_have_not() -> None:
    # The daemon's line is reported at print() but dies in its buffer when the daemon
    # is stopped; bare it is lost too. The event stays (it was printed), and a
    # sentence says it never reached the output, so the run's text is true.
    done = cli("run", str(SCRIPTS / "daemon_unflushed.py"), "--json")
    (run,) = json.loads(done.stdout)["runs"]
    assert run["outcome"] == "ok", run["error"]
    printed = [e["detail"]["line"] for e in run["events"] if e["kind"] == "stdout"]
    assert sorted(printed) == ["daemon started", "main done"]
    said = " ".join(run["explanation"])
    assert "1 printed line never reached the run's output" in said, said
    assert "'daemon started'" in said and "'main done'" not in said, said
    # A script whose lines all arrive gets no such sentence.
    whole = cli("run", str(SCRIPTS / "threads_print.py"), "--json")
    (plain,) = json.loads(whole.stdout)["runs"]
    assert "never reached" not in " ".join(plain["explanation"])
