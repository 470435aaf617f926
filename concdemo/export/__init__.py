"""Files written from a run's results: a Chrome trace, an SVG picture, an HTML report.

Paths are checked before any run starts, so a typo costs no waiting.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from concdemo.base.errors import UsageError
from concdemo.i18n import Message

if TYPE_CHECKING:
    from concdemo.core.runner import RunResult


@dataclass(frozen=True)
class Outputs:
    trace: Path | None = None
    svg: Path | None = None
    html: Path | None = None

    @classmethod
    def checked(cls, trace: str | None, svg: str | None, html: str | None = None) -> Outputs:
        outputs = cls(
            trace=None if trace is None else check_path("--trace", trace, ".json"),
            svg=None if svg is None else check_path("--svg", svg, ".svg"),
            html=None if html is None else check_path("--html", html, ".html"),
        )
        named = [(f, p) for f, p in (("--trace", outputs.trace), ("--svg", outputs.svg),
                                     ("--html", outputs.html)) if p is not None]
        for n, (flag, path) in enumerate(named):
            for other, again in named[n + 1 :]:
                if path.resolve() == again.resolve():
                    raise UsageError(
                        Message("outputs_same_file", flag=flag, other=other, path=path)
                    )
        return outputs

    def write(self, results: list[RunResult]) -> list[str]:
        """Write the files asked for; one line per file saying what to do with it."""
        from concdemo.i18n import tr

        written = []
        if self.trace is not None:
            from concdemo.export import trace

            _write(self.trace, trace.dumps(results))
            written.append(tr("trace_written", path=self.trace))
        if self.svg is not None:
            from concdemo.export import svg

            _write(self.svg, svg.picture(results))
            written.append(tr("picture_written", path=self.svg))
        if self.html is not None:
            from concdemo.export import html

            _write(self.html, html.from_results(results))
            written.append(tr("report_written", path=self.html))
        return written


def check_path(flag: str, value: str, suffix: str) -> Path:
    """A file we can create or overwrite; else a UsageError that names the fix."""
    example = Message("path_example", flag=flag, suffix=suffix)
    if not value.strip():
        raise UsageError(Message("path_needs_name", flag=flag, example=example))
    path = Path(value).expanduser()
    if path.is_dir():
        inside = path / ("run" + suffix)
        raise UsageError(Message("path_is_dir", flag=flag, value=value, inside=inside))
    parent = path.parent
    if not parent.is_dir():
        raise UsageError(Message("path_no_parent", flag=flag, value=value, parent=parent))
    # Overwriting a file the user named is what export flags do; it must be writable.
    target = path if path.exists() else parent
    if not os.access(target, os.W_OK):
        raise UsageError(
            Message("path_not_writable", flag=flag, value=value, target=target, example=example)
        )
    return path


def write_file(path: Path, text: str) -> None:
    _write(path, text)


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:  # the disk filled up or the directory went away during the run
        raise UsageError(Message("write_failed", path=path, reason=exc.strerror or exc)) from exc
