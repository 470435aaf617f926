"""The scenario catalogue, found from the files under ``scenarios/``.

Each scenario is a folder (``scenarios/2_pipe/``) with an ``about.py`` that
declares its name, title, variants and parameters, and one script per variant.
Metadata is read with ``ast`` (module-level literals and the docstring), so
listing the catalogue never imports or runs a scenario; what was read is kept
in a cache (``concdemo.catalogue.catalog_cache``) until the file changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from concdemo.base.errors import UsageError
from concdemo.catalogue import files, parts
from concdemo.i18n import Message, did_you_mean

OUTCOMES = ("ok", "error", "hang", "crash")
START_METHODS = ("fork", "spawn", "forkserver")
DEFAULT_TIMEOUT_S = 60.0
DEFAULT_HANG_TIMEOUT_S = 2.0

if TYPE_CHECKING:
    from concdemo.catalogue.catalog_cache import LiteralCache


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # "int", "float", "str", "bool"
    default: Any
    help: str
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] | None = None
    repeatable: bool = False
    check: str | None = None  # a named check from concdemo.catalogue.validators ("url")
    pattern: str | None = None  # a regular expression the whole value must match
    pattern_help: str = ""  # the pattern in words, for the error message

    def as_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"name": self.name, "type": self.type, "default": self.default}
        for key in ("min", "max"):
            if getattr(self, key) is not None:
                doc[key] = getattr(self, key)
        if self.choices:
            doc["choices"] = list(self.choices)
        if self.repeatable:
            doc["repeatable"] = True
        if self.pattern:
            doc["pattern"] = self.pattern
        doc["help"] = self.help
        return doc


@dataclass(frozen=True)
class Variant:
    name: str
    scenario: str
    path: Path
    title: str  # what the variant teaches, one line
    explanation: str  # "what you just saw"
    claims: tuple[str, ...]
    expect: dict[str, str]
    default: bool
    hang_timeout_s: float | None
    notes: dict[str, str] = field(default_factory=dict)  # per start method
    errors: tuple[str, ...] = ()  # exception types the story expects to end a process
    # (param, value, outcome): a broken/fixed pair in one script, e.g. the fix
    # switched on by --param fixed=true is expected to end ok.
    expect_with: tuple[tuple[str, Any, str], ...] = ()
    # Parts of the tracer its processes load besides the probe (tracer.env.PARTS):
    # "asyncio", a lane per asyncio task, its awaits and links, drawn with no probe
    # code; "waits", the wait-for graph (who holds and who waits for each lock),
    # read at a hang. Other variants run with the probe alone.
    trace: tuple[str, ...] = ()
    # A hang this variant is expected to end in is this deadlock ({"kind", "cycle"}
    # of the wait-for graph): verify judges the cycle, not only the hang.
    expect_deadlock: dict[str, Any] | None = None

    @property
    def waits(self) -> bool:
        """Its processes load the tracer's wait-for graph (``TRACE = ["waits"]``)."""
        return "waits" in self.trace

    def expected(self, start_method: str, params: dict[str, Any] | None = None) -> str:
        for name, value, outcome in self.expect_with:
            if params is not None and params.get(name) == value:
                return outcome
        return self.expect.get(start_method, self.expect.get("*", "ok"))

    def note(self, start_method: str) -> str:
        return self.notes.get(start_method) or self.notes.get("*", "")

    @property
    def timeout_s(self) -> float:
        """How long a run may take before it counts as a hang."""
        if self.hang_timeout_s is not None:
            return self.hang_timeout_s
        if "hang" in self.expect.values():
            return DEFAULT_HANG_TIMEOUT_S
        return DEFAULT_TIMEOUT_S


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    summary: str
    folder: Path
    params: tuple[Param, ...]
    variants: tuple[Variant, ...]
    # An optional extra (`pip install 'concdemo[cluster]'`) and the modules it brings.
    requires: str | None = None
    requires_modules: tuple[str, ...] = ()

    @property
    def install_command(self) -> str:
        return f"pip install 'concdemo[{self.requires}]'" if self.requires else ""

    @property
    def missing_extra(self) -> bool:
        """True when the extra this scenario needs is not installed (nothing is imported)."""
        return any(not module_available(m) for m in self.requires_modules)

    def check_available(self) -> None:
        """A usage error naming the install command when the extra is missing."""
        if self.missing_extra:
            from concdemo.i18n import Message

            raise UsageError(
                Message(
                    "scenario_needs_extra",
                    name=self.name,
                    extra=self.requires,
                    command=self.install_command,
                )
            )

    @property
    def default_variants(self) -> tuple[Variant, ...]:
        return tuple(v for v in self.variants if v.default)

    def variant(self, name: str) -> Variant:
        for variant in self.variants:
            if variant.name == name:
                return variant
        names = [v.name for v in self.variants]
        raise UsageError(
            Message(
                "no_variant",
                name=name,
                scenario=self.name,
                did_you_mean=did_you_mean(name, names),
                names=", ".join(names),
            )
        )

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


@cache
def module_available(name: str) -> bool:
    """Whether ``import name`` would find the module, without importing it.

    Importing Dask to find out would cost `concdemo list` a second; the finders
    only look at the file system. A finder that refuses the name (an import
    blocker) counts as "not installed".
    """
    from importlib.util import find_spec

    try:
        return find_spec(name) is not None
    except (ImportError, ValueError):
        return False


_BODY_STARTS = ("def ", "class ", "async def ", "if __name__", "@")


def _header(source: str) -> str:
    """The part before the first function, class or main block.

    By convention the metadata sits there; parsing only the header keeps
    `concdemo list` fast. A test checks that it agrees with the whole file.
    """
    lines = source.splitlines(keepends=True)
    for number, line in enumerate(lines):
        if line.startswith(_BODY_STARTS):
            return "".join(lines[:number])
    return source


def _literals(path: Path, whole: bool = False) -> tuple[str, dict[str, Any]]:
    import ast  # only on a cache miss: `concdemo list` usually needs no parser

    source = path.read_text(encoding="utf-8")
    try:
        tree = ast.parse(source if whole else _header(source), filename=str(path))
    except SyntaxError:
        if whole:
            raise
        return _literals(path, whole=True)
    values: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id.isupper():
                try:
                    values[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    continue
    return ast.get_docstring(tree) or "", values


def _split_doc(doc: str) -> tuple[str, str]:
    first, _, rest = doc.partition("\n")
    return first.strip(), " ".join(rest.split())


def _param(spec: dict[str, Any]) -> Param:
    choices = spec.get("choices")
    return Param(
        name=spec["name"],
        type=spec["type"],
        default=spec["default"],
        help=spec.get("help", ""),
        min=spec.get("min"),
        max=spec.get("max"),
        choices=tuple(choices) if choices else None,
        repeatable=bool(spec.get("repeatable", False)),
        check=spec.get("check"),
        pattern=spec.get("pattern"),
        pattern_help=spec.get("pattern_help", ""),
    )


def _cached_literals(path: Path, literals: LiteralCache | None) -> tuple[str, dict[str, Any]]:
    if literals is None:
        return _literals(path)
    from concdemo.catalogue.catalog_cache import stamp

    current = stamp(path)
    found = literals.get(path, current)
    if found is None:
        found = _literals(path)
        literals.put(path, current, *found)
    return found


def read_scenario(folder: Path, literals: LiteralCache | None = None) -> Scenario:
    doc, about = _cached_literals(folder / "about.py", literals)
    name = about["NAME"]
    defaults = set(about.get("DEFAULTS", ()))
    by_name: dict[str, Variant] = {}
    for script in files.scenario_files(folder)[1:]:
        vdoc, meta = _cached_literals(script, literals)
        if "VARIANT" not in meta:
            continue
        title, explanation = _split_doc(vdoc)
        expect = meta.get("EXPECT", {"*": "ok"})
        if isinstance(expect, str):
            expect = {"*": expect}
        by_name[meta["VARIANT"]] = Variant(
            name=meta["VARIANT"],
            scenario=name,
            path=script,
            title=title,
            explanation=explanation,
            claims=tuple(meta.get("CLAIMS", ())),
            expect={m: expect.get(m, expect.get("*", "ok")) for m in START_METHODS},
            default=meta["VARIANT"] in defaults,
            hang_timeout_s=meta.get("HANG_TIMEOUT"),
            notes=dict(meta.get("NOTES", {})),
            errors=tuple(meta.get("ERRORS", ())),
            expect_with=tuple(tuple(rule) for rule in meta.get("EXPECT_WITH", ())),
            trace=parts.trace_parts(meta["VARIANT"], script.name, meta),
            expect_deadlock=meta.get("EXPECT_DEADLOCK"),
        )
    order = list(about.get("VARIANTS", sorted(by_name)))
    variants = tuple(by_name[v] for v in order if v in by_name)
    title, summary = _split_doc(doc)
    return Scenario(
        name=name,
        title=about.get("TITLE", title),
        summary=about.get("SUMMARY", summary),
        folder=folder,
        params=tuple(_param(p) for p in about.get("PARAMS", ())),
        variants=variants,
        requires=about.get("REQUIRES"),
        requires_modules=tuple(about.get("REQUIRES_MODULES", ())),
    )


def load() -> dict[str, Scenario]:
    """Every scenario, in catalogue order (the folders' numeric prefixes)."""
    return _load(tuple(files.roots()))


@cache
def _load(folders: tuple[Path, ...]) -> dict[str, Scenario]:
    from concdemo.catalogue.catalog_cache import LiteralCache

    literals = LiteralCache()
    found: dict[str, Scenario] = {}
    for root in folders:
        for folder in files.scenario_folders(root):
            scenario = read_scenario(folder, literals)
            found.setdefault(scenario.name, scenario)
    literals.save()
    return found


def get(name: str) -> Scenario:
    scenarios = load()
    if name in scenarios:
        return scenarios[name]
    raise UsageError(Message("no_scenario", name=name, did_you_mean=did_you_mean(name, scenarios)))


def pick_variants(scenario: Scenario, names: list[str]) -> list[Variant]:
    """``--variant`` values in the order given; none means the defaults."""
    if not names:
        return list(scenario.default_variants or scenario.variants[:1])
    if "all" in names:
        return list(scenario.variants)
    chosen: list[Variant] = []
    for name in names:
        variant = scenario.variant(name)
        if variant not in chosen:
            chosen.append(variant)
    return chosen
