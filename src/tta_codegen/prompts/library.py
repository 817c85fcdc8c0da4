"""Load, validate, resolve and render prompt templates.

Layout of a template folder (the built-ins and any user folder)::

    registry.yaml                # optional: {latest: {name: version}} pins
    versions/v1/<name>.yaml      # one file per template version
    versions/v2/<name>.yaml
    <anything>.yaml              # flat files are accepted too (version inside)

Later folders override earlier ones for the same ``name@version``; the latest
version of a name is its registry pin, else the highest version.
"""

from __future__ import annotations

import builtins
import difflib
import json
import re
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

import yaml
from jinja2 import (
    StrictUndefined,
    Template,
    TemplateSyntaxError,
    UndefinedError,
    meta,
)
from jinja2.sandbox import SandboxedEnvironment
from pydantic import ValidationError

from tta_codegen.errors import TemplateError
from tta_codegen.prompts._model import PromptTemplate, RenderedPrompt, type_ok
from tta_codegen.utf8 import decode_utf8
from tta_codegen.yaml_text import load_yaml

__all__ = ["BUILTIN_DIR", "PromptLibrary", "fenced", "parse_var_assignments"]

BUILTIN_DIR = Path(__file__).parent / "builtin"
_VERSION_DIR = re.compile(r"^v(\d+)$")
_BLANKS = re.compile(r"\n{3,}")
_BACKTICKS = re.compile(r"`{3,}")
_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


def fenced(text: str, language: str = "") -> str:
    """``text`` in a Markdown code fence longer than any backtick run inside it."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"


@cache
def _environment() -> SandboxedEnvironment:
    # Prompts are plain text, not HTML: escaping would corrupt code.
    env = SandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["fenced"] = fenced
    return env


def _read_yaml(path: Path) -> object:
    text = decode_utf8(path.read_bytes(), f"template {path}", TemplateError)
    return load_yaml(text)


def _load_file(path: Path) -> PromptTemplate:
    try:
        data = _read_yaml(path)
    except (OSError, yaml.YAMLError) as exc:
        raise TemplateError(f"cannot read template {path}: {exc}") from None
    if not isinstance(data, dict):
        raise TemplateError(f"template {path} is not a mapping")
    try:
        template = PromptTemplate.model_validate({**data, "source": str(path)})
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise TemplateError(f"invalid template {path}: {loc}: {first['msg']}") from None
    folder = path.parent
    while folder.name and not _VERSION_DIR.match(folder.name):
        folder = folder.parent
    match = _VERSION_DIR.match(folder.name)
    if match and folder.parent.name == "versions" and int(match[1]) != template.version:
        raise TemplateError(
            f"template {path} says version {template.version} "
            f"but sits in {folder.name}/"
        )
    return template


_Compiled = tuple[Template, Template]


def _compile(template: PromptTemplate, env: SandboxedEnvironment) -> _Compiled:
    """``template``'s system and body compiled, once its variables are checked:
    every one used is declared and every one declared is used."""
    where = template.source
    used: set[str] = set()
    trees = []
    for part, text in (("system", template.system), ("body", template.body)):
        try:
            tree = env.parse(text)
        except TemplateSyntaxError as exc:
            raise TemplateError(
                f"template {where} {part} line {exc.lineno}: {exc.message}"
            ) from None
        used |= meta.find_undeclared_variables(tree)
        trees.append(tree)
    declared = set(template.variables)
    shadowed = declared & set(env.globals)
    if shadowed:
        raise TemplateError(
            f"template {where}: variable names clash with Jinja2 globals: "
            f"{', '.join(sorted(shadowed))}"
        )
    if undeclared := ", ".join(sorted(used - declared)):
        raise TemplateError(f"template {where} uses undeclared variables: {undeclared}")
    if unused := ", ".join(sorted(declared - used)):
        raise TemplateError(f"template {where} declares unused variables: {unused}")
    return env.from_string(trees[0]), env.from_string(trees[1])


def parse_var_assignments(pairs: Sequence[str]) -> dict[str, str]:
    """``["KEY=VALUE", ...]`` from ``--var`` options as a dict (later wins)."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise TemplateError(f"--var expects KEY=VALUE, got {pair!r}")
        out[key.strip()] = value
    return out


def _read_folder(folder: Path) -> tuple[list[PromptTemplate], dict[str, int]]:
    """Every template file under ``folder``, in path order, and its pins."""
    found = [
        _load_file(path)
        for path in sorted(folder.rglob("*.yaml"))
        if not (path.name == "registry.yaml" and path.parent == folder)
    ]
    return found, _registry_pins(folder)


@cache
def _builtin_folder() -> tuple[list[PromptTemplate], dict[str, int]]:
    """The package's own templates and pins, read once per process (callers
    copy what they change)."""
    return _read_folder(BUILTIN_DIR)


_COMPILED: dict[str, _Compiled] = {}
"""Templates compiled by the process's one environment, by their whole content:
each is compiled once per process, whichever session renders it."""


def _registry_pins(folder: Path) -> dict[str, int]:
    path = folder / "registry.yaml"
    if not path.is_file():
        return {}
    try:
        data = _read_yaml(path) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise TemplateError(f"cannot read {path}: {exc}") from None
    latest = data.get("latest", {}) if isinstance(data, dict) else None
    if not isinstance(latest, dict) or not all(
        isinstance(k, str) and isinstance(v, int) for k, v in latest.items()
    ):
        raise TemplateError(f"{path}: 'latest' must map template names to versions")
    return dict(latest)


def _convert(name: str, kind: str, raw: str) -> object:
    text = raw.strip()
    if kind == "str":
        return raw
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            raise TemplateError(
                f"variable {name} must be an integer, got {raw!r}"
            ) from None
    if kind == "bool":
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise TemplateError(f"variable {name} must be true or false, got {raw!r}")
    if text.startswith("["):
        try:
            value = json.loads(text)
        except ValueError:
            raise TemplateError(f"variable {name}: invalid JSON list {raw!r}") from None
        if isinstance(value, list):
            return value
    return [item.strip() for item in text.split(",") if item.strip()]


class PromptLibrary:
    """Every template found in the built-in folder and the user's folders."""

    def __init__(
        self,
        templates: Mapping[tuple[str, int], PromptTemplate],
        pins: Mapping[str, int],
    ) -> None:
        self._templates = dict(templates)
        self._pins = dict(pins)

    @classmethod
    def load(cls, extra_dirs: Sequence[Path] = ()) -> PromptLibrary:
        """Built-ins, then each of ``extra_dirs`` (later ones win).

        A template of the user's folders is checked whole here (syntax and
        variables), so a mistake shows before any run; a built-in one, which the
        test suite checks, when it is first rendered. The built-ins ship with the
        package: they are read once per process."""
        builtin, pins = _builtin_folder()
        templates = {(t.name, t.version): t for t in builtin}
        pins = dict(pins)
        users: list[PromptTemplate] = []
        for extra in extra_dirs:
            folder = Path(extra).expanduser()
            if not folder.is_dir():
                raise TemplateError(f"template folder not found: {folder}")
            found, folder_pins = _read_folder(folder)
            templates.update({(t.name, t.version): t for t in found})
            users.extend(found)
            pins.update(folder_pins)
        for name, version in pins.items():
            if (name, version) not in templates:
                raise TemplateError(
                    f"registry pins {name}@{version}, which does not exist"
                )
        library = cls(templates, pins)
        for template in users:
            library._compiled_form(template)
        return library

    def _compiled_form(self, template: PromptTemplate) -> _Compiled:
        key = template.model_dump_json()
        compiled = _COMPILED.get(key)
        if compiled is None:
            compiled = _COMPILED[key] = _compile(template, _environment())
        return compiled

    def check(self) -> None:
        """Compile every version of every template (TemplateError on the first
        that does not: bad syntax, undeclared or unused variables)."""
        for template in self._templates.values():
            self._compiled_form(template)

    def names(self) -> builtins.list[str]:
        """Every template name, sorted."""
        return sorted({name for name, _ in self._templates})

    def list(self) -> list[PromptTemplate]:
        """The latest version of every template, sorted by category and name."""
        latest = [self.get(name) for name in self.names()]
        return sorted(latest, key=lambda t: (t.category, t.name))

    def versions(self, name: str) -> builtins.list[int]:
        """Versions available for ``name``, ascending."""
        return sorted(v for n, v in self._templates if n == name)

    def get(self, name: str) -> PromptTemplate:
        """``name`` (latest) or ``name@version``; TemplateError if unknown."""
        base, _, version_text = name.partition("@")
        versions = self.versions(base)
        if not versions:
            close = difflib.get_close_matches(base, self.names(), n=3, cutoff=0.5)
            hint = (
                f"did you mean {', '.join(close)}?" if close else "see `templates list`"
            )
            raise TemplateError(f"unknown template {base!r}", hint=hint)
        if not version_text:
            return self._templates[(base, self._pins.get(base, versions[-1]))]
        if not version_text.isdigit() or int(version_text) not in versions:
            available = ", ".join(f"{base}@{v}" for v in versions)
            raise TemplateError(
                f"unknown version {name!r}", hint=f"available: {available}"
            )
        return self._templates[(base, int(version_text))]

    def render(self, name: str, variables: Mapping[str, object]) -> RenderedPrompt:
        """Render ``name`` with ``variables`` (defaults fill the rest)."""
        template = self.get(name)
        unknown = sorted(set(variables) - set(template.variables))
        if unknown:
            raise TemplateError(
                f"unknown variable(s) {', '.join(unknown)} for template {template.id}",
                hint=f"it takes: {template.needs()}",
            )
        values: dict[str, object] = {}
        for var, spec in template.variables.items():
            if var not in variables:
                if spec.required:
                    raise TemplateError(
                        f"missing variable {var} for template {template.id}",
                        hint=f"it takes: {template.needs()}",
                    )
                values[var] = spec.effective_default()
                continue
            value = variables[var]
            if not type_ok(spec.type, value):
                raise TemplateError(
                    f"variable {var} of template {template.id} must be {spec.type}, "
                    f"got {type(value).__name__}"
                )
            values[var] = value
        compiled = self._compiled_form(template)
        try:
            system = compiled[0].render(values)
            user = compiled[1].render(values)
        except UndefinedError as exc:
            raise TemplateError(f"template {template.id}: {exc.message}") from None
        return RenderedPrompt(
            system=_BLANKS.sub("\n\n", system).strip(),
            user=_BLANKS.sub("\n\n", user).strip(),
            template_id=template.id,
        )

    def render_task(self, name: str, raw_vars: Mapping[str, str]) -> RenderedPrompt:
        """Render from ``--var KEY=VALUE`` strings, converted to declared types."""
        template = self.get(name)
        converted: dict[str, object] = {}
        for var, raw in raw_vars.items():
            spec = template.variables.get(var)
            converted[var] = raw if spec is None else _convert(var, spec.type, raw)
        return self.render(name, converted)
