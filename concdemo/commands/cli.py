"""The command line: parse, call the core, hand results to a renderer."""

# No `from __future__ import annotations`: Typer reads every command's annotations
# at start-up, and real objects spare it compiling each string with eval().

import contextlib
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from typing import Any, NoReturn

import typer
from typer.core import TyperGroup

from concdemo import __version__

EXIT_CLOSED_STDOUT = 141  # 128 + SIGPIPE: what the shell shows for `yes | head`


class _Commands(TyperGroup):
    """Every command: a reader that leaves early (``concdemo run pipe | head -3``)
    ends the CLI quietly, like any Unix filter killed by SIGPIPE, once the run in
    progress has been stopped and reaped (the runner does that on its way out)."""

    def invoke(self, ctx: Any) -> Any:
        from concdemo.base.errors import UsageError

        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            _silence_stdout()
            raise typer.Exit(EXIT_CLOSED_STDOUT) from None
        except UsageError as exc:
            # One a command let through (a scenario's bad TRACE, read by `list`
            # or the picker as much as by `run`): the same one line, exit 2.
            from concdemo.i18n import error_text

            _usage_error(error_text(exc))


def _silence_stdout() -> None:
    # Python flushes stdout once more at exit; pointed at /dev/null that flush
    # cannot fail and print "Exception ignored ... BrokenPipeError".
    import os

    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


app = typer.Typer(
    cls=_Commands,
    add_completion=False,
    # Usage errors are our own one-liners; Rich tracebacks would only cost start-up time.
    pretty_exceptions_enable=False,
    # Click's plain help: Typer's Rich help pulls in markdown-it and doubles start-up.
    rich_markup_mode=None,
    help="Make Python concurrency visible: run the scenarios of a classic tutorial on "
    "multiprocessing, greenlet and gevent, and watch every process, thread and greenlet.",
    context_settings={"help_option_names": ["-h", "--help"]},
)

EXIT_NOT_AS_EXPECTED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


class Terminated(KeyboardInterrupt):
    """SIGTERM, delivered as an interruption so cleanup runs the same way."""


LANG_HELP = "en or zh; default: CONCDEMO_LANG or en"
HTML_HELP = "Also write one self-contained HTML report (opens offline in a browser)."
HTML_TABLE_HELP = "Also write the table as one self-contained HTML page."


def _usage_error(message: str) -> NoReturn:
    from rich.markup import escape

    from concdemo.commands.consoles import stderr_console
    from concdemo.i18n import tr

    prefix = tr("error_prefix")
    space = "" if prefix.endswith("：") else " "  # a full-width colon carries its own space
    stderr_console().print(
        f"[bold red]{escape(prefix)}[/]{space}{escape(message)}", soft_wrap=True, markup=True
    )
    raise typer.Exit(EXIT_USAGE)


@contextlib.contextmanager
def usage_errors() -> Iterator[None]:
    from concdemo.base.errors import UsageError
    from concdemo.i18n import error_text

    try:
        yield
    except UsageError as exc:
        _usage_error(error_text(exc))


def _use_lang(explicit: str | None) -> None:
    """--lang, else CONCDEMO_LANG, else English, for everything this process shows
    (except JSON, which stays English); a bad value is a usage error."""
    from concdemo.i18n import current_lang, set_lang

    with usage_errors():
        set_lang(current_lang(explicit))


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Around anything that starts runs: Ctrl-C exits 130, SIGTERM 143, both after
    the runner has stopped and reaped every process of the run."""
    from concdemo.commands.consoles import stderr_console
    from concdemo.core import procgroup

    procgroup.become_subreaper()
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    except Terminated:
        raise typer.Exit(EXIT_TERMINATED) from None
    except KeyboardInterrupt as exc:
        from concdemo.core.stepper import StopRequested
        from concdemo.i18n import tr

        why = "stopped" if isinstance(exc, StopRequested) else "interrupted"
        stderr_console().print(tr(why))
        raise typer.Exit(EXIT_INTERRUPTED) from None


def _check_step(step: bool, as_json: bool, plain: bool) -> None:
    from concdemo.base.errors import UsageError
    from concdemo.commands.consoles import is_interactive
    from concdemo.i18n import tr

    if not step:
        return
    if as_json:
        raise UsageError(tr("step_with_json"))
    if not (is_interactive(plain) and sys.stdin.isatty()):
        raise UsageError(tr("step_needs_terminal"))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"concdemo {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
    lang: str | None = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    if lang is not None:
        # `concdemo --lang zh run …` reads as CONCDEMO_LANG=zh for the command (whose own
        # --lang still wins); checked here so that a bad value is reported once.
        import os

        from concdemo.i18n import ENV_LANG

        _use_lang(lang)
        os.environ[ENV_LANG] = lang
    if ctx.invoked_subcommand is None:
        if sys.stdin.isatty() and sys.stdout.isatty():
            _use_lang(lang)  # the picker honours --lang and CONCDEMO_LANG
            _interactive()
            return
        typer.echo(ctx.get_help())  # no terminal: never wait for input
        raise typer.Exit()


def _interactive() -> None:
    """The picker: choose, run, then run another, compare or quit."""
    from concdemo.catalogue import plan
    from concdemo.commands import picker, screens
    from concdemo.commands.consoles import stdout_console

    console = stdout_console()
    ask = picker.rich_ask(console)
    methods = plan.available_start_methods()
    default_method = str(methods.index(plan.start_methods(None)[0]) + 1)
    try:
        choice = picker.pick(console, ask, methods, default_method)
        while True:
            with usage_errors():  # a scenario whose extra is missing: how to install it
                specs = plan.runs(choice.scenario, choice.variants, choice.start_method, [], None)
            with interruptible():
                screens.run_and_show(specs, as_json=False, plain=False)
            action = picker.next_step(ask)
            if action == "quit":
                return
            if action == "compare":
                with interruptible():
                    comparison = screens.compare_with_progress(specs, repeat=3, warmup=1, show=True)
                from concdemo.render.compare import comparison_table

                console.print(comparison_table(comparison))
                if picker.next_step(ask) != "run":
                    return
            choice = picker.pick(console, ask, methods, default_method)
    except (EOFError, KeyboardInterrupt):
        console.print()
        raise typer.Exit(EXIT_INTERRUPTED) from None


@app.command("list")
def list_command(
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
    lang: str | None = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    """List the scenarios, their variants and parameters."""
    _use_lang(lang)
    if as_json:
        from concdemo.catalogue import catalog
        from concdemo.commands import report

        report.print_json(report.list_doc(list(catalog.load().values())))
        return
    from concdemo.catalogue import files as catalogue_files
    from concdemo.catalogue.catalog_cache import fresh
    from concdemo.commands.consoles import stdout_console
    from concdemo.i18n import active_lang
    from concdemo.render.cached import print_cached

    def draw() -> Any:
        # Only when the kept table is not current: its files' stamps say so unread.
        from concdemo.catalogue import catalog
        from concdemo.render.catalog import scenarios_table

        return scenarios_table(list(catalog.load().values()))

    files = catalogue_files.signature()
    print_cached(
        stdout_console(),
        "list",
        (__version__, active_lang(), files),
        LIST_DRAWN_BY,
        draw,
        keep=not any(fresh(stamp) for _, stamp in files[1:]),
    )


# The modules whose code decides what `concdemo list` shows (its table is kept until
# one of them, a scenario file, the language or the console changes).
LIST_DRAWN_BY = (
    "render/catalog.py",
    "render/prose.py",
    "render/style.py",
    "render/cached.py",
    "i18n/__init__.py",
    "catalogue/texts.py",
    "catalogue/claims.py",
    "catalogue/catalog.py",
    "catalogue/files.py",
    "commands/consoles.py",
)


@app.command()
def show(
    scenario: str = typer.Argument(..., help="Scenario name, e.g. pipe."),
    variant: str | None = typer.Option(None, "--variant", help="Show one variant in full."),
    lang: str | None = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    """What a scenario (or one variant) teaches, its claims, expectations and source."""
    from concdemo.catalogue import catalog
    from concdemo.commands.consoles import stdout_console
    from concdemo.render.catalog import scenario_overview, variant_detail

    _use_lang(lang)
    with usage_errors():
        found = catalog.get(scenario)
        chosen = found.variant(variant) if variant else None
    console = stdout_console()
    if chosen is None:
        console.print(scenario_overview(found))
    else:
        console.print(variant_detail(found, chosen))


@app.command()
def run(
    scenario: str | None = typer.Argument(
        None, help="Scenario name, e.g. pipe (see `concdemo list`), or a script: demo.py."
    ),
    args: list[str] | None = typer.Argument(
        None, help="After --: the script's own arguments (its sys.argv[1:])."
    ),
    module: str | None = typer.Option(
        None, "-m", "--module", metavar="MODULE", help="Run a module as a script, like python -m."
    ),
    variant: list[str] = typer.Option(
        [], "--variant", help="A variant to run (repeatable), or all. Default: the story's own."
    ),
    start_method: str | None = typer.Option(
        None, "--start-method", help="fork, spawn, forkserver or all. Default: the platform's."
    ),
    param: list[str] = typer.Option([], "--param", help="KEY=VALUE (repeatable)."),
    timeout: float | None = typer.Option(
        None, "--timeout", help="Seconds before a run counts as a hang (default per variant)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document, nothing else."),
    plain: bool = typer.Option(False, "--plain", help="One line per event, even on a terminal."),
    step: bool = typer.Option(
        False, "--step", help="Pause at each event: Enter = next, c = continue, q = stop."
    ),
    trace: str | None = typer.Option(
        None, "--trace", metavar="FILE", help="Also write a Chrome trace (Perfetto) to FILE."
    ),
    svg: str | None = typer.Option(
        None, "--svg", metavar="FILE", help="Also write the summary and timeline as SVG."
    ),
    html: str | None = typer.Option(None, "--html", metavar="FILE", help=HTML_HELP),
    lang: str | None = typer.Option(None, "--lang", help=LANG_HELP),
    loop_block_ms: float | None = typer.Option(
        None,
        "--loop-block-ms",
        metavar="MS",
        help="Scripts: an asyncio step holding its loop this long is a block (default 20).",
    ),
) -> None:
    """Run a scenario's variants, or any script (traced), in a subprocess; show what happens."""
    from concdemo.catalogue import plan
    from concdemo.commands import screens

    _use_lang(lang)
    with usage_errors():
        specs = plan.runs_for(
            scenario, module, list(args or []), variant, start_method, param, timeout,
            loop_block_ms,
        )
        _check_step(step, as_json, plain)
        from concdemo.export import Outputs

        outputs = Outputs.checked(trace, svg, html)
    if any(spec.script is not None for spec in specs) and _stdin_redirected():
        from concdemo.commands.consoles import stderr_console
        from concdemo.i18n import tr

        stderr_console().print(tr("stdin_not_passed_on"), soft_wrap=True)
    with interruptible():
        results = screens.run_and_show(
            specs, as_json, plain, step, outputs=outputs, on_output_error=usage_errors
        )
    if not all(r.as_expected for r in results):
        raise typer.Exit(EXIT_NOT_AS_EXPECTED)


def _stdin_redirected() -> bool:
    """A file or a pipe on our stdin: input meant for the script (`< data.txt`)."""
    import stat

    try:
        mode = os.fstat(0).st_mode
    except OSError:
        return False
    return stat.S_ISREG(mode) or stat.S_ISFIFO(mode)


@app.command()
def compare(
    scenario: list[str] = typer.Argument(
        ..., help="Scenario name, e.g. pool; or two or more scripts: a.py b.py."
    ),
    variant: list[str] = typer.Option(
        [], "--variant", help="Variants to compare (repeatable). Default: the scenario's defaults."
    ),
    start_method: str | None = typer.Option(
        None, "--start-method", help="fork, spawn, forkserver or all. Default: the platform's."
    ),
    param: list[str] = typer.Option([], "--param", help="KEY=VALUE (repeatable)."),
    repeat: int = typer.Option(5, "--repeat", help="Samples kept per variant."),
    warmup: int = typer.Option(1, "--warmup", help="Samples run first and discarded."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document, nothing else."),
    html: str | None = typer.Option(None, "--html", metavar="FILE", help=HTML_TABLE_HELP),
    lang: str | None = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    """Time variants against each other over repeated fresh runs (min, median, stdev, theory)."""
    from concdemo.catalogue import plan
    from concdemo.commands import report, screens
    from concdemo.i18n import tr

    _use_lang(lang)
    with usage_errors():
        specs = plan.compare_runs(scenario, variant, start_method, param)
        if repeat < 1 or warmup < 0:
            raise plan.UsageError(tr("repeat_warmup", repeat=repeat, warmup=warmup))
        html_path = _html_path(html)
    with interruptible():
        result = screens.compare_with_progress(specs, repeat, warmup, show=not as_json)
    doc = report.compare_doc(result)
    if as_json:
        report.print_json(doc)
    else:
        from concdemo.commands.consoles import stdout_console
        from concdemo.render.compare import comparison_table

        stdout_console().print(comparison_table(result))
    _write_html(html_path, doc, quiet=as_json)


def _html_path(value: str | None) -> Any:
    """--html's path, checked before any run starts."""
    if value is None:
        return None
    from concdemo.export import check_path

    return check_path("--html", value, ".html")


def _write_html(path: Any, doc: dict[str, Any], quiet: bool) -> None:
    """compare's and verify's --html: the page of the document --json prints."""
    if path is None:
        return
    from concdemo.export import html, write_file

    with usage_errors():
        write_file(path, html.from_document(doc, path.name))
    if not quiet:
        from concdemo.commands.consoles import stdout_console
        from concdemo.i18n import tr

        stdout_console().print(tr("report_written", path=path), soft_wrap=True)


@app.command("report")
def report_command(
    document: str = typer.Argument(
        ..., metavar="RUN.json", help="A document saved with `run`, `compare` or `verify --json`."
    ),
    html: str | None = typer.Option(
        None, "--html", metavar="FILE", help="Write it to FILE as one self-contained HTML page."
    ),
    lang: str | None = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    """Write a saved document (`run`, `compare` or `verify --json`) as an HTML report."""
    from concdemo.commands import saved

    _use_lang(lang)
    with usage_errors():
        saved.write_report(document, html)


@app.command()
def bench(
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
    quick: bool = typer.Option(
        False, "--quick", help="Few samples and small bursts: seconds, not minutes; rough."
    ),
    repeat: int | None = typer.Option(
        None, "--repeat", min=1, help="Samples per figure (default 10 start-ups, 5 or 3 others)."
    ),
    only: list[str] = typer.Option(
        [],
        "--only",
        help="A section to measure (repeatable): startup, run, channel, burst, ipc, html.",
    ),
    lang: str | None = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    """Measure what concdemo costs (start-up, a run, the event channel, a burst through
    each view, the --html report of a burst) and what the IPC channels cost, on this
    machine."""
    from concdemo.commands import bench as benchmark

    _use_lang(lang)
    unknown = [name for name in only if name not in benchmark.SECTIONS]
    if unknown:
        from concdemo.i18n import did_you_mean

        _usage_error(
            f"No bench section '{unknown[0]}'.{did_you_mean(unknown[0], benchmark.SECTIONS)}"
            f" Choose from: {', '.join(benchmark.SECTIONS)}."
        )
    doc = benchmark.measure(quick=quick, repeat=repeat, only=tuple(only) or benchmark.SECTIONS)
    if as_json:
        from concdemo.commands import report

        report.print_json(doc)
        return
    from concdemo.commands.consoles import stdout_console
    from concdemo.render.bench import bench_tables

    stdout_console().print(*bench_tables(doc))


def _raise_terminated(signum: int, frame: Any) -> None:
    raise Terminated()


@app.command()
def verify(
    scenario: str | None = typer.Argument(
        None, help="Only the claims of this scenario, e.g. pipe. Default: every claim."
    ),
    start_method: str | None = typer.Option(
        None, "--start-method", help="fork, spawn, forkserver or all. Default: all available."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document, nothing else."),
    allow_inconclusive: bool = typer.Option(
        False,
        "--allow-inconclusive",
        help="Exit 0 even when timing or CPU claims could not be judged (busy machine).",
    ),
    html: str | None = typer.Option(None, "--html", metavar="FILE", help=HTML_TABLE_HELP),
    lang: str | None = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    """Check the article's claims: run each claim's variants per start method and judge."""
    from concdemo.commands import report, screens
    from concdemo.study import verify as verifying

    _use_lang(lang)
    with usage_errors():
        plan = verifying.make_plan(scenario, start_method)
        html_path = _html_path(html)
    with interruptible():
        result = screens.verify_with_progress(plan)
    doc = report.verify_doc(result)
    if as_json:
        report.print_json(doc)
    else:
        from concdemo.commands.consoles import stdout_console
        from concdemo.render.verify import render

        stdout_console().print(render(result))
    _write_html(html_path, doc, quiet=as_json)
    if result.failed:
        raise typer.Exit(EXIT_NOT_AS_EXPECTED)
    if result.inconclusive:
        # Said on stderr, so that --json keeps stdout to its one document.
        from concdemo.commands.consoles import stderr_console
        from concdemo.i18n import tr

        key = "verify_allowed_inconclusive" if allow_inconclusive else "verify_exit_inconclusive"
        stderr_console().print(tr(key, count=result.inconclusive), soft_wrap=True)
        if not allow_inconclusive:
            raise typer.Exit(EXIT_NOT_AS_EXPECTED)


@app.command()
def tour(
    plain: bool = typer.Option(False, "--plain", help="One line per event, even on a terminal."),
    quick: bool = typer.Option(
        False, "--quick", hidden=True, help="Shorter parameters and no pauses (for tests)."
    ),
    lang: str | None = typer.Option(None, "--lang", help=LANG_HELP),
) -> None:
    """A guided tour: every scenario's default variants in turn, narrated (about a minute)."""
    from concdemo.commands import tour as touring
    from concdemo.commands.consoles import is_interactive, stdout_console

    _use_lang(lang)
    with usage_errors():
        stops = touring.stops(quick)
    live = is_interactive(plain)
    with interruptible():
        results = touring.present(stops, stdout_console(), live, pauses=live and not quick)
    if not all(r.as_expected for r in results):
        raise typer.Exit(EXIT_NOT_AS_EXPECTED)


def help_lang(argv: Sequence[str], environ: dict[str, str]) -> str:
    """The language --help should speak: --lang's value, else CONCDEMO_LANG, else English.

    A value that is not a language gives English here; the command itself then
    reports it as a usage error (unless --help ends the program first)."""
    from concdemo.i18n import ENV_LANG, LANGS

    value = environ.get(ENV_LANG, "")
    for n, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and n + 1 < len(argv):
            value = argv[n + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
    value = value.strip().lower()
    return value if value in LANGS else "en"


def main() -> None:
    lang = help_lang(sys.argv[1:], dict(os.environ))
    if lang == "en":
        app(prog_name="concdemo")
        return
    # --help is answered before --lang is parsed: translate the tree click formats it from.
    import typer.main

    from concdemo.commands.cli_help import localize

    command = typer.main.get_command(app)
    localize(command, lang)
    command(prog_name="concdemo")
