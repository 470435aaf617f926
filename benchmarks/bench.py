"""Benchmarks for the closing notes: `python benchmarks/bench.py [--json] [--quick]`.

The same measurements as `concdemo bench` (see the README's Benchmarks section);
`benchmarks/ipc_bare.py` takes the IPC figures without concdemo, to check them.
"""

import sys

from concdemo.commands.cli import app

if __name__ == "__main__":
    app(["bench", *sys.argv[1:]], prog_name="benchmarks/bench.py")
