"""Benchmarks for the closing notes: `python benchmarks/bench.py [--json]`.

The same measurements as `concdemo bench`: CLI start-up against importing
Typer and Rich, the event channel's cost per event, and a 200,000-event burst.
"""

import sys

from concdemo.cli import app

if __name__ == "__main__":
    app(["bench", *sys.argv[1:]], prog_name="benchmarks/bench.py")
