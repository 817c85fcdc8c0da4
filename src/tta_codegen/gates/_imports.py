"""The import graph of a project's own modules, read with ``ast`` (never run).

Every ``.py`` file under the root gets a dotted name the way Python would see
it: the folders above it that hold an ``__init__.py`` are its packages, and the
first folder without one is its import root (``src/``, ``tests/``, the project
folder). Imports are resolved to the project's own modules; everything else
(the standard library, third-party packages) is left out.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["SKIPPED_DIRS", "ImportGraph", "ModuleFile", "module_name_of"]

SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        "env",
        "node_modules",
        "build",
        "dist",
        "site-packages",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
    }
)
"""Folders never scanned (virtual environments, caches, build output)."""
MAX_SOURCE_BYTES = 1 << 20
"""Larger files are taken as generated and not parsed."""


@dataclass(frozen=True)
class ModuleFile:
    """One Python file of the project and its dotted name."""

    path: Path
    """Absolute path."""
    name: str
    """Dotted module name (``shop.pricing`` for ``shop/pricing/__init__.py``)."""
    import_root: Path
    """The folder on ``sys.path`` under which ``name`` imports."""

    @property
    def is_package(self) -> bool:
        """True for a package's ``__init__.py``."""
        return self.path.name == "__init__.py"


def _disk_package(folder: Path) -> bool:
    return (folder / "__init__.py").is_file()


def module_name_of(
    path: Path, is_package: Callable[[Path], bool] = _disk_package
) -> ModuleFile:
    """The dotted name of ``path`` (which may not exist yet); ``is_package``
    says whether a folder holds an ``__init__.py`` (default: ask the disk)."""
    parts = [] if path.name == "__init__.py" else [path.stem]
    folder = path.parent
    while is_package(folder) and folder.parent != folder:
        parts.insert(0, folder.name)
        folder = folder.parent
    return ModuleFile(path=path, name=".".join(parts), import_root=folder)


def _python_files(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith(".")
        )
        for name in sorted(filenames):
            if name.endswith(".py"):
                yield Path(dirpath) / name


def _absolute(node: ast.ImportFrom, module: ModuleFile) -> str | None:
    """The absolute module an ``ImportFrom`` names (relative ones resolved)."""
    if node.level == 0:
        return node.module
    package = (
        module.name.split(".") if module.is_package else module.name.split(".")[:-1]
    )
    if node.level - 1 > len(package):
        return None
    base = package[: len(package) - (node.level - 1)]
    if node.module:
        base = [*base, *node.module.split(".")]
    return ".".join(base) or None


def _with_parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def imported_names(source: str, module: ModuleFile) -> set[str]:
    """Every module name ``source`` may import (``import a.b`` also imports
    ``a``; ``from a import b`` may import ``a.b``), whether it exists or not."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names.update(_with_parents(alias.name))
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module)
            if base is None:
                continue
            names.update(_with_parents(base))
            names.update(f"{base}.{alias.name}" for alias in node.names)
        elif _is_import_module_call(node):
            assert isinstance(node, ast.Call)
            first = node.args[0]
            assert isinstance(first, ast.Constant) and isinstance(first.value, str)
            names.update(_with_parents(first.value))
    return names


def _is_type_checking(test: ast.expr) -> bool:
    """``TYPE_CHECKING`` or ``typing.TYPE_CHECKING``."""
    name = test.attr if isinstance(test, ast.Attribute) else getattr(test, "id", "")
    return name == "TYPE_CHECKING"


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, except the bodies of ``if TYPE_CHECKING:`` (never run)."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))


def lazy_exports(source: str, module: ModuleFile) -> dict[str, str]:
    """Names a package ``__init__`` imports only under ``if TYPE_CHECKING:``
    (the mirror of a lazy ``__getattr__`` re-export): name -> module."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    found: dict[str, str] = {}
    for node in tree.body:
        if not (isinstance(node, ast.If) and _is_type_checking(node.test)):
            continue
        for inner in node.body:
            if isinstance(inner, ast.ImportFrom):
                base = _absolute(inner, module)
                for alias in inner.names if base else []:
                    found[alias.asname or alias.name] = f"{base}"
    return found


def _is_import_module_call(node: ast.AST) -> bool:
    """``importlib.import_module("a.b")`` or ``import_module("a.b")``."""
    if not isinstance(node, ast.Call) or not node.args:
        return False
    func = node.func
    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    first = node.args[0]
    return (
        called == "import_module"
        and isinstance(first, ast.Constant)
        and isinstance(first.value, str)
    )


@dataclass
class ImportGraph:
    """The project's modules and which of them each file imports.

    ``overlay`` replaces file contents (None: the file is gone), so the graph
    can describe a proposed edit before it is written.
    """

    root: Path
    overlay: Mapping[Path, str | None] = field(default_factory=dict)
    modules: dict[str, list[ModuleFile]] = field(default_factory=dict)
    """Dotted name -> the files with that name (two test folders may each
    have a ``conftest``)."""
    files: dict[Path, ModuleFile] = field(default_factory=dict)
    """Every Python file -> its module."""
    _edges: dict[Path, set[str]] = field(default_factory=dict)
    _lazy: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def scan(
        cls, root: Path, overlay: Mapping[Path, str | None] | None = None
    ) -> ImportGraph:
        """Read every Python file under ``root`` (with ``overlay`` applied)."""
        graph = cls(root=root.resolve(), overlay=dict(overlay or {}))
        paths = set(_python_files(graph.root))
        paths |= {p for p, text in graph.overlay.items() if p.suffix == ".py"}
        paths -= {p for p, text in graph.overlay.items() if text is None}
        for path in sorted(paths):
            module = module_name_of(path, lambda d: d / "__init__.py" in paths)
            graph.files[path] = module
            graph.modules.setdefault(module.name, []).append(module)
        return graph

    def source(self, path: Path) -> str:
        """The text of a file, as the overlay has it."""
        if path in self.overlay:
            return self.overlay[path] or ""
        try:
            if path.stat().st_size > MAX_SOURCE_BYTES:
                return ""
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def imports_of(self, path: Path) -> set[str]:
        """The project modules ``path`` imports directly (names that exist);
        ``from pkg import name`` of a lazily re-exported name counts as an
        import of the module the name comes from."""
        if path not in self._edges:
            module = self.files.get(path) or module_name_of(path)
            found = imported_names(self.source(path), module)
            edges = {n for n in found if n in self.modules}
            for name in found - edges:
                parent, _, attr = name.rpartition(".")
                target = self._lazy_exports(parent).get(attr)
                if target in self.modules:
                    edges.add(target)
            self._edges[path] = edges
        return self._edges[path]

    def _lazy_exports(self, package: str) -> dict[str, str]:
        if package not in self._lazy:
            self._lazy[package] = {
                name: target
                for module in self.modules.get(package, [])
                if module.is_package
                for name, target in lazy_exports(
                    self.source(module.path), module
                ).items()
            }
        return self._lazy[package]

    def files_of(self, names: Iterable[str]) -> list[Path]:
        """The files of the named modules."""
        return [m.path for n in names for m in self.modules.get(n, [])]

    def closure(self, path: Path, *, transitive: bool = True) -> set[str]:
        """Modules ``path`` depends on: its imports and, transitively, theirs.
        With ``transitive=False``: its imports and what the packages among them
        import in their ``__init__`` (one level of re-exports)."""
        direct = self.imports_of(path)
        if not transitive:
            found = set(direct)
            for name in direct:
                for module in self.modules.get(name, []):
                    if module.is_package:
                        found |= self.imports_of(module.path)
            return found
        seen: set[str] = set()
        todo = list(direct)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            for file in self.files_of([name]):
                todo.extend(self.imports_of(file) - seen)
        return seen
