"""The deadlock scenario: lock-order inversion with processes and with threads,
broken and fixed, and the wait-for graph its runs carry (scenario processes load
the tracer's wait part only where the variant says ``TRACE = ["waits"]``).

Each broken run must hang *and* name the cycle, with who holds which lock and
the lines; each ordered run must end with no graph at all; verify's claim X7
must be judged on the cycle, not only on the hang.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import cli, start_methods, validate
from proctree import RunProcesses, describe

SCENARIO = "deadlock"
# Workers and their locks, per broken variant: (waiter, lock it waits for, holder).
CYCLES = {
    "processes": [("Process-1", "MainThread", "lock_b", "Process-2"),
                  ("Process-2", "MainThread", "lock_a", "Process-1")],
    "threads": [("MainProcess", "T1", "lock_b", "T2"),
                ("MainProcess", "T2", "lock_a", "T1")],
}
SCRIPT = {"processes": "deadlock_processes.py", "threads": "deadlock_threads.py"}


def runs(
    method: str, *variants: str, procs: RunProcesses | None = None
) -> dict[str, dict[str, Any]]:
    args = [a for v in variants for a in ("--variant", v)]
    env = procs.env if procs is not None else None
    done = cli("run", SCENARIO, *args, "--start-method", method, "--json", env=env)
    assert done.stdout.strip(), done.stderr
    doc = json.loads(done.stdout)
    validate(doc, "run-1")
    assert done.returncode == 0, [(r["variant"], r["outcome"], r["deadlock"]) for r in doc["runs"]]
    return {r["variant"]: r for r in doc["runs"]}


def place(at: str | None) -> str:
    assert at is not None
    file, _, line = at.rpartition(":")
    return f"{Path(file).name}:{line}"


@pytest.mark.parametrize("method", start_methods())
def test_broken_variants_hang_in_a_named_lock_order_cycle(
    method: str, run_procs: RunProcesses
) -> None:
    found = runs(method, "processes", "threads", procs=run_procs)
    # Stopped as hangs, every process of both runs (a forkserver's too) is reaped.
    run_procs.add_sessions(
        p["pid"] for r in found.values() for p in r["processes"] if p["name"] == "MainProcess"
    )
    left = run_procs.wait_until_gone(3.0)
    assert not left, describe(left)
    for variant, edges in CYCLES.items():
        run = found[variant]
        assert run["outcome"] == "hang" and run["as_expected"], variant
        # A short hang timeout for this scenario: the deadlock is there at once.
        assert run["wall_s"] < 3.0, run["wall_s"]
        waiters = [who if process == "MainProcess" else process for process, who, _, _ in edges]
        assert run["deadlock"] == {"cycle": waiters, "kind": "lock-order"}
        script = SCRIPT[variant]
        for process, thread, lock, holder in edges:
            (edge,) = [e for e in run["waits"]
                       if (e["waiter"]["process"], e["waiter"]["thread"]) == (process, thread)]
            assert edge["on"]["kind"] == "lock" and edge["on"]["label"] == lock
            made = {"lock_a": 32, "lock_b": 33}[lock] - (variant == "threads")
            assert place(edge["on"]["created_at"]) == f"{script}:{made}"
            assert place(edge["at"]) == f"{script}:{26 if variant == 'processes' else 25}"
            (owner,) = edge["held_by"]
            name = owner["thread"] if variant == "threads" else owner["process"]
            assert name == holder
            # The holder took it in `with first:`; a threading.Lock's holder is read
            # from that with block (inferred), a multiprocessing one's was recorded.
            assert place(owner["at"]) == f"{script}:{23 if variant == 'processes' else 22}"
            assert owner["inferred"] is (variant == "threads")


@pytest.mark.parametrize("method", start_methods())
def test_ordered_variants_finish_with_no_graph(method: str) -> None:
    found = runs(method, "processes-ordered", "threads-ordered")
    for variant in ("processes-ordered", "threads-ordered"):
        run = found[variant]
        assert run["outcome"] == "ok" and run["as_expected"], variant
        assert run["deadlock"] is None and run["waits"] == []
        assert [e["detail"]["lock"] for e in run["events"] if e["kind"] == "took"].count(
            "second"
        ) == 2
        assert not any("eadlock" in s for s in run["explanation"])


def test_the_cycle_is_said_in_english_and_chinese() -> None:
    en = runs("fork", "processes")["processes"]["explanation"]
    sentence = next(s for s in en if s.startswith("Deadlock:"))
    # The labels name their kind: "lock_a", never "lock lock_a".
    assert "Process-1 holds lock_a (taken at deadlock_processes.py:23)" in sentence
    assert "waits for lock_b at deadlock_processes.py:26" in sentence
    assert any("lock-order inversion between processes" in s for s in en)
    assert any("Each worker took its first lock (2 taken in all)" in s for s in en)
    # --json keeps the English; the Chinese is what the terminal shows (wide: unwrapped).
    done = cli("--lang", "zh", "run", SCENARIO, "--variant", "threads", env={"COLUMNS": "400"})
    assert done.returncode == 0, done.stderr
    assert "死锁：T1 持有锁 lock_a（在 deadlock_threads.py:22 获得，由 with 块推断）" in done.stdout
    assert "这是线程间的加锁顺序颠倒" in done.stdout
    assert "每个工作者都拿到了第一把锁（总共拿到 2 次）" in done.stdout


def test_verify_judges_x7_on_the_cycle() -> None:
    done = cli("verify", SCENARIO, "--start-method", "fork", "--json", timeout=120)
    doc = json.loads(done.stdout)
    validate(doc, "verify-1")
    (claim,) = [c for c in doc["claims"] if c["id"] == "X7"]
    assert claim["holds"], claim
    assert done.returncode == 0
