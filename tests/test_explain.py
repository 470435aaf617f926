"""Explanations computed from the run: true of the run they describe, in both languages."""

from __future__ import annotations

from concdemo import catalog
from concdemo.runner import RunSpec, run


def test_a_fetch_that_fails_at_run_time_is_counted_as_failed() -> None:
    # Past the CLI's check (a script run on its own gets no such check): one URL that is
    # not one and one that refuses the connection; neither reaches the network.
    variant = catalog.get("gevent-crawler").variant("gevent")
    params = {"pages": 2, "latency": 0.0, "jitter": 0.0, "fail-rate": 0.0,
              "url": ["notaurl", "http://127.0.0.1:9/"]}
    result = run(RunSpec(variant, "fork", params, 30.0))
    done = [(e.detail["fetched"], e.detail["failed"]) for e in result.events if e.kind == "done"]
    assert done == [(2, 2)], result.stderr_tail
    errors = [e.detail.get("error", "") for e in result.events if e.kind == "fetch-end"]
    assert any(text.startswith("ValueError") for text in errors), errors
