"""``--help`` in another language: the texts, click's own words, and wrapping by cells.

``--help`` is handled by click before any command runs (and so before ``--lang`` is
read as an option), so ``concdemo.commands.cli.main`` looks at the command line and
CONCDEMO_LANG first and, for Chinese, calls ``localize`` on the command tree:
every command's and option's help is replaced by its translation
(looked up with ``concdemo.i18n.core``), and a help formatter that says click's words
(Usage, Options, default, …) in that language and wraps Chinese by display
cells is installed. Click measures text by characters, so a line of Chinese,
two cells a character, would run past the terminal's edge; lines are broken
with ``concdemo.render.prose`` instead, which also keeps punctuation where it
belongs. English help is left to click untouched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

# Imported for Chinese help alone (concdemo.commands.cli.help_lang decides): its
# patterns are compiled at import, which an English command never pays for.

# Click's own words in its help screens (typer.core and typer._click), by message id.
_HEADINGS = {"Arguments": "help_arguments", "Options": "help_options", "Commands": "help_commands"}
_HELP_OPTION = "Show this message and exit."
_EXTRA = re.compile(r"\[(default: (?P<default>[^\]]*)|(?P<required>required))\]")


def _wrap(text: str, width: int) -> list[str]:
    from concdemo.render.prose import break_offsets

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = " ".join(paragraph.split())
        start = 0
        for end in [*break_offsets(line, max(width, 10)), len(line)]:
            lines.append(line[start:end].rstrip())
            start = end
    return lines


def formatter_class(lang: str, base: type[Any]) -> type[Any]:
    """Click's HelpFormatter, speaking ``lang`` and measuring text in cells."""
    from rich.cells import cell_len

    from concdemo.i18n import t

    def words(text: str) -> str:
        if text == _HELP_OPTION:
            return t("help_show_help", lang)

        def extra(match: re.Match[str]) -> str:
            if match.group("required"):
                return "[" + t("help_required", lang) + "]"
            return "[" + t("help_default", lang, default=match.group("default")) + "]"

        return _EXTRA.sub(extra, text)

    class Formatter(base):  # type: ignore[misc]
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            super().write_usage(prog, args, t("help_usage", lang) if prefix is None else prefix)

        def write_heading(self, heading: str) -> None:
            key = _HEADINGS.get(heading)
            self.write(f"{'':>{self.current_indent}}{t(key, lang) if key else heading}：\n")

        def write_text(self, text: str) -> None:
            indent = " " * self.current_indent
            for line in _wrap(text, self.width - self.current_indent):
                self.write(f"{indent}{line}\n" if line else "\n")

        def write_dl(
            self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
        ) -> None:
            rows = list(rows)
            first_col = min(max(cell_len(first) for first, _ in rows), col_max) + col_spacing
            for first, second in rows:
                self.write(f"{'':>{self.current_indent}}{first}")
                if not second:
                    self.write("\n")
                    continue
                if cell_len(first) <= first_col - col_spacing:
                    self.write(" " * (first_col - cell_len(first)))
                else:
                    self.write("\n" + " " * (first_col + self.current_indent))
                width = max(self.width - first_col - self.current_indent, 10)
                lines = _wrap(words(second), width)
                self.write(f"{lines[0]}\n")
                for line in lines[1:]:
                    self.write(f"{'':>{first_col + self.current_indent}}{line}\n")

    return Formatter


# Click's usage errors (bad option, missing argument, …), by message id; a message not
# listed here is shown as click wrote it.
_CLICK_ERRORS = (
    (
        re.compile(r"No such option: (?P<option>\S+)(?: \(Possible options: (?P<options>.+)\))?"),
        "click_no_option",
    ),
    (re.compile(r"Missing argument '(?P<name>.+)'\."), "click_missing_argument"),
    (
        re.compile(r"No such command '(?P<name>.+)'\.(?: Did you mean '(?P<close>.+)'\?)?"),
        "click_no_command",
    ),
    (re.compile(r"Option '(?P<option>.+)' requires an argument\."), "click_needs_value"),
    (re.compile(r"Invalid value for '(?P<option>.+)': (?P<reason>.+)"), "click_invalid_value"),
    (re.compile(r"Got unexpected extra argument\(s\) \((?P<extra>.+)\)"), "click_extra_arguments"),
)


_NOT_VALID = re.compile(r"(?P<value>'.*') is not a valid (?P<kind>[\w ]+)\.")


def click_error(message: str, lang: str) -> str:
    """One of click's usage-error messages in ``lang``."""
    from concdemo.i18n import t

    for pattern, key in _CLICK_ERRORS:
        found = pattern.fullmatch(message)
        if found:
            values = {k: v or "" for k, v in found.groupdict().items()}
            if values.get("options"):
                values["options"] = t("click_possible", lang, options=values["options"])
            reason = _NOT_VALID.fullmatch(values.get("reason", ""))
            if reason:
                values["reason"] = t("click_not_valid", lang, **reason.groupdict())
            if values.get("close"):
                values["close"] = t("did_you_mean", lang, name=values["close"])
            return t(key, lang, **values)
    return message


def localize(root: Any, lang: str) -> None:
    """Put ``lang`` into the help of ``root`` (typer.main.get_command(app)) and its commands,
    and into click's usage errors."""
    if lang == "en":
        return
    translate_help(root, lang)
    # Typer 0.28 vendors click as typer._click; its Context makes the help formatter
    # and its UsageError prints the usage, a hint and the error.
    from typer._click import exceptions
    from typer._click.core import Context
    from typer._click.utils import echo

    from concdemo.i18n import t

    Context.formatter_class = formatter_class(lang, Context.formatter_class)

    def show(self: Any, file: Any = None) -> None:
        hint = ""
        if self.ctx is not None and self.ctx.command.get_help_option(self.ctx) is not None:
            hint = (
                t(
                    "click_hint",
                    lang,
                    command=self.ctx.command_path,
                    option=self.ctx.help_option_names[0],
                )
                + "\n"
            )
        if self.ctx is not None:
            echo(f"{self.ctx.get_usage()}\n{hint}", file=file, err=file is None)
        error = click_error(self.format_message(), lang)
        echo(t("error_prefix", lang) + error, file=file, err=file is None)

    exceptions.UsageError.show = show  # type: ignore[method-assign]


# --- the help texts and their translations -------------------------------------------
# Typer builds a click command tree (Typer 0.28 vendors click as typer._click, so the
# tree is walked by its attributes: commands, params, help, opts, hidden).

ROOT_COMMAND = "concdemo"


def _param_key(command: str, param: Any) -> str:
    if param.param_type_name == "option":
        return f"help/{command}/{max(param.opts, key=len)}"
    return f"help/{command}/{(param.name or '').upper()}"


def _commands(root: Any) -> list[tuple[str, Any]]:
    return [(ROOT_COMMAND, root), *sorted(getattr(root, "commands", {}).items())]


def help_texts(root: Any) -> dict[str, str]:
    """Every help text shown by ``--help``, by key (hidden options are never shown)."""
    found: dict[str, str] = {}
    for name, command in _commands(root):
        if command.help:
            found[f"help/{name}"] = command.help
        for param in command.params:
            shown = getattr(param, "help", None)
            if shown and not getattr(param, "hidden", False):
                found[_param_key(name, param)] = shown
    return found


def translate_help(root: Any, lang: str) -> None:
    """Put ``lang``'s help texts into the click command tree (before it formats --help)."""
    if lang == "en":
        return
    from concdemo.i18n.core import text

    for name, command in _commands(root):
        if command.help:
            command.help = text(f"help/{name}", command.help, lang)
        for param in command.params:
            shown = getattr(param, "help", None)
            if shown:
                param.help = text(_param_key(name, param), shown, lang)

