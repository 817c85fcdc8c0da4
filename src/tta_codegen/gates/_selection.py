"""Which of a project's tests exercise a set of changed files.

A test file is chosen when it imports a changed module (directly, through a
package ``__init__`` that re-exports it, or through any project module it
imports), or when a ``conftest.py`` above it imports a changed module and the
test uses one of that conftest's fixtures (any test when a fixture is autouse).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tta_codegen.gates._imports import ImportGraph, module_name_of

__all__ = ["conftests_for", "is_test_file", "tests_for"]


def is_test_file(path: Path) -> bool:
    """pytest's default test file names: ``test_*.py`` and ``*_test.py``."""
    name = path.name
    return name.endswith(".py") and (
        name.startswith("test_") or name.endswith("_test.py")
    )


def conftests_for(tests: Iterable[Path], root: Path) -> list[Path]:
    """The ``conftest.py`` files that apply to ``tests``: in each test's folder
    and every folder above it up to ``root``."""
    root = root.resolve()
    found: set[Path] = set()
    for test in tests:
        for folder in test.parents:
            if (folder / "conftest.py").is_file():
                found.add(folder / "conftest.py")
            if folder == root or not folder.is_relative_to(root):
                break
    return sorted(found)


@dataclass(frozen=True)
class _Fixtures:
    names: frozenset[str]
    autouse: bool


def _is_fixture(decorator: ast.expr) -> tuple[bool, bool, str | None]:
    """(is a fixture, autouse, name=) of one decorator."""
    call = decorator if isinstance(decorator, ast.Call) else None
    target = call.func if call is not None else decorator
    name = (
        target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    )
    if name != "fixture":
        return False, False, None
    autouse, alias = False, None
    for keyword in call.keywords if call is not None else []:
        value = keyword.value
        if keyword.arg == "autouse" and isinstance(value, ast.Constant):
            autouse = bool(value.value)
        if keyword.arg == "name" and isinstance(value, ast.Constant):
            alias = str(value.value)
    return True, autouse, alias


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def fixtures_of(source: str) -> _Fixtures:
    """The fixtures a conftest defines, and whether one of them is autouse."""
    tree = _parse(source)
    names: set[str] = set()
    autouse = False
    for node in ast.walk(tree) if tree is not None else []:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            is_fixture, auto, alias = _is_fixture(decorator)
            if is_fixture:
                names.add(alias or node.name)
                autouse = autouse or auto
    return _Fixtures(frozenset(names), autouse)


def names_used(source: str) -> set[str]:
    """Parameter names of every function, and ``usefixtures("...")`` strings:
    the fixtures a test file (or a conftest's fixtures) may ask for."""
    tree = _parse(source)
    used: set[str] = set()
    for node in ast.walk(tree) if tree is not None else []:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            used.update(
                a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)
            )
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", "") == "usefixtures"
        ):
            used.update(
                a.value
                for a in node.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            )
    return used


def _changed_modules(graph: ImportGraph, changed: Iterable[Path]) -> set[str]:
    names: set[str] = set()
    for path in changed:
        module = graph.files.get(path) or module_name_of(path)
        names.add(module.name)
    return names


def _by_conftests(
    graph: ImportGraph,
    tests: Sequence[Path],
    changed: set[Path],
    modules: set[str],
    transitive: bool,
) -> set[Path]:
    """Tests under a conftest that imports a changed module and that use one
    of its fixtures (or all of them, for an autouse fixture)."""
    conftests = [p for p in graph.files if p.name == "conftest.py"]
    affected: dict[Path, _Fixtures] = {}
    for conftest in conftests:
        if (
            conftest in changed
            or graph.closure(conftest, transitive=transitive) & modules
        ):
            affected[conftest] = fixtures_of(graph.source(conftest))
    # a fixture of another conftest that asks for an affected fixture is affected
    names = {n for f in affected.values() for n in f.names}
    grew = True
    while grew:
        grew = False
        for conftest in conftests:
            defined = fixtures_of(graph.source(conftest))
            if defined.names - names and names_used(graph.source(conftest)) & names:
                names |= defined.names
                grew = True
    selected: set[Path] = set()
    for conftest, fixtures in affected.items():
        folder = conftest.parent
        for test in tests:
            if not test.is_relative_to(folder):
                continue
            if fixtures.autouse or names_used(graph.source(test)) & names:
                selected.add(test)
    return selected


def tests_for(
    changed: Sequence[Path],
    root: Path,
    *,
    transitive: bool = True,
    graph: ImportGraph | None = None,
) -> list[Path]:
    """The existing test files under ``root`` that exercise the ``changed``
    files (absolute, or relative to ``root``), sorted.

    ``transitive=False`` keeps to direct imports plus one level of package
    ``__init__`` re-exports; the default follows imports through the
    project's own modules, so a caller's tests are chosen too. A changed test
    file is chosen itself. ``graph`` reuses a scan of ``root``.
    """
    root = root.resolve()
    graph = graph or ImportGraph.scan(root)
    wanted = {p if p.is_absolute() else root / p for p in changed}
    wanted = {p.resolve() for p in wanted}
    modules = _changed_modules(graph, wanted)
    tests = sorted(p for p in graph.files if is_test_file(p) and p.is_file())
    selected = {
        t
        for t in tests
        if t in wanted or graph.closure(t, transitive=transitive) & modules
    }
    selected |= _by_conftests(graph, tests, wanted, modules, transitive)
    return sorted(selected)


tests_for.__test__ = False  # type: ignore[attr-defined]  # not a test to collect
