"""Every pipe variant behaves as its claim says, under every start method, through the real CLI."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import cli_json, kinds, start_methods, validate


@pytest.fixture(scope="module", params=start_methods())
def pipe_runs(request: pytest.FixtureRequest) -> dict[str, dict[str, Any]]:
    doc = cli_json("run", "pipe", "--variant", "all", "--start-method", request.param, timeout=180)
    validate(doc, "run-1")
    assert doc["_exit"] == 0, [(r["variant"], r["outcome"], r["error"]) for r in doc["runs"]]
    return {run["variant"]: run for run in doc["runs"]}


def _events(run: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e for e in run["events"] if e["kind"] == kind]


def _main_pid(run: dict[str, Any]) -> int:
    return next(p["pid"] for p in run["processes"] if p["name"] == "MainProcess")


def test_every_variant_ran_once_as_expected(pipe_runs: dict[str, dict[str, Any]]) -> None:
    assert list(pipe_runs) == [
        "duplex",
        "simplex",
        "eof",
        "pickle",
        "producer-consumer",
        "forgot-close",
        "bytes-maxlength",
        "bytes-into",
        "poll",
    ]
    for name, run in pipe_runs.items():
        assert run["as_expected"], (name, run["outcome"], run["checks"], run["error"])
        assert all(c["ok"] for c in run["checks"]), name
        assert run["dropped_events"] == 0 and run["malformed_events"] == 0


def test_duplex_messages_cross_in_both_directions_in_order(
    pipe_runs: dict[str, dict[str, Any]],
) -> None:
    run = pipe_runs["duplex"]
    main = _main_pid(run)
    sends = [(e["pid"] == main, e["detail"]["msg"]) for e in _events(run, "send")]
    recvs = [(e["pid"] == main, e["detail"]["msg"]) for e in _events(run, "recv")]
    assert sends == [(False, "hello world"), (True, "hi son")]
    assert recvs == [(True, "hello world"), (False, "hi son")]
    child_send = _events(run, "send")[0]["t"]
    parent_recv = _events(run, "recv")[0]["t"]
    assert child_send <= parent_recv
    assert {p["name"] for p in run["processes"]} == {"MainProcess", "Process-1"}
    assert all(p["exitcode"] == 0 for p in run["processes"])


def test_simplex_refuses_the_wrong_direction(pipe_runs: dict[str, dict[str, Any]]) -> None:
    raised = _events(pipe_runs["simplex"], "raised")
    assert [(e["detail"]["type"], e["detail"]["message"]) for e in raised] == [
        ("OSError", "connection is read-only"),
        ("OSError", "connection is write-only"),
    ]


def test_eof_comes_after_the_last_message(pipe_runs: dict[str, dict[str, Any]]) -> None:
    run = pipe_runs["eof"]
    order = [e["kind"] for e in run["events"] if e["kind"] in ("recv", "raised")]
    assert order == ["recv", "recv", "raised"]
    assert _events(run, "raised")[0]["detail"]["type"] == "EOFError"
    (phase,) = run["phases"]
    assert phase["seconds"] >= 0.8 * phase["theory_s"]  # recv() really blocked


def test_pickle_copies_and_refuses_a_lambda(pipe_runs: dict[str, dict[str, Any]]) -> None:
    run = pipe_runs["pickle"]
    assert _events(run, "raised")[0]["detail"]["type"] == "PicklingError"
    child_recv = next(e for e in _events(run, "recv") if e["pid"] != _main_pid(run))
    assert child_recv["detail"]["value"] == {"numbers": [11, 22, 33], "ok": True}


def test_producer_consumer_ends_by_eof(pipe_runs: dict[str, dict[str, Any]]) -> None:
    run = pipe_runs["producer-consumer"]
    consumer = next(p["pid"] for p in run["processes"] if p["name"] == "Process-1")
    got = [e["detail"]["msg"] for e in _events(run, "recv") if e["pid"] == consumer]
    assert got == [f"c1 收到包子:{i}" for i in range(10)]
    assert kinds(run, consumer)[-2:] == ["EOFError", "process-end"]
    eof = _events(run, "EOFError")[0]
    assert eof["detail"]["received"] == 10
    last_send = _events(run, "send")[-1]["t"]
    assert eof["t"] >= last_send


def test_forgot_close_hangs_in_recv_and_join(pipe_runs: dict[str, dict[str, Any]]) -> None:
    run = pipe_runs["forgot-close"]
    assert run["outcome"] == "hang" and run["error"] is None
    assert "EOFError" not in kinds(run)
    assert 1.5 <= run["wall_s"] < 10
    blocked = {s["process"]: (s["blocked_in"]["function"], s["function"]) for s in run["stacks"]}
    assert blocked["Process-1"] == ("recv", "consumer")
    assert blocked["MainProcess"][0] == "join"
    own = [s for s in run["stacks"] if s["process"] in ("MainProcess", "Process-1")]
    assert len(own) == 2 and all(s["file"].endswith("pipe_forgot_close.py") for s in own)
    # Any other process with a stack is multiprocessing's own forkserver, waiting for work.
    assert {s["process"] for s in run["stacks"]} <= {"MainProcess", "Process-1", "ForkServer"}


def test_bytes_maxlength_breaks_the_connection(pipe_runs: dict[str, dict[str, Any]]) -> None:
    raised = _events(pipe_runs["bytes-maxlength"], "raised")
    assert raised[0]["detail"]["message"] == "bad message length"
    assert len(raised) == 2 and all(e["detail"]["type"] == "OSError" for e in raised)


def test_bytes_into_hands_over_the_whole_message(pipe_runs: dict[str, dict[str, Any]]) -> None:
    run = pipe_runs["bytes-into"]
    assert _events(run, "raised")[0]["detail"]["type"] == "BufferTooShort"
    assert _events(run, "recv_bytes_into")[0]["detail"]["size"] == 5


def test_poll_times_out_then_waits(pipe_runs: dict[str, dict[str, Any]]) -> None:
    run = pipe_runs["poll"]
    results = [e["detail"].get("result") for e in _events(run, "poll")[1:]]
    assert results == [False, True]
    short, forever = run["phases"]
    assert 0.15 <= short["seconds"] < 1.5
    assert forever["seconds"] > 0.1  # it waited for the child's late message
