"""Make the README's pictures from real runs, so they never drift: python scripts/readme_pictures.py

Each picture is `concdemo run ... --svg docs/NAME.svg` (the run's summary and
timeline), made with the concdemo of this source tree.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PICTURES = {
    "pipe.svg": ["run", "pipe"],
    # The article's delay is 1.0 s; 0.05 s tells the same story in about 3 s.
    # With the story continued beyond the article: ProcessPoolExecutor.submit.
    "pool.svg": [
        "run", "pool", "--variant", "apply", "--variant", "apply_async",
        "--variant", "executor-submit", "--param", "delay=0.05",
    ],
}


def main() -> int:
    DOCS.mkdir(exist_ok=True)
    env = dict(os.environ)
    # This tree's concdemo, even where another copy is installed.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    for name, args in PICTURES.items():
        command = [sys.executable, "-m", "concdemo", *args, "--svg", f"docs/{name}"]
        print("$ concdemo", " ".join(command[3:]), flush=True)
        done = subprocess.run(
            command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL
        )
        if done.returncode != 0:
            print(f"{name}: concdemo exited with {done.returncode}", file=sys.stderr)
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
