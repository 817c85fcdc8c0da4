"""The part of a repository copied into the sandbox to run some of its tests.

It holds the chosen test files and the conftest files above them, every
project module they import (the whole top-level package of each, data files
included), the ``__init__.py`` files of test packages, the non-Python files
beside the tests (data they read) and the pytest configuration. Paths keep
their place relative to the repository root, so node ids match between a run
on the original files and a run on the edited ones.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tta_codegen.gates._imports import SKIPPED_DIRS, ImportGraph
from tta_codegen.gates._selection import conftests_for

__all__ = ["CONFIG_FILES", "Payload", "build_payload"]

CONFIG_FILES = ("pyproject.toml", "setup.cfg", "pytest.ini", "tox.ini")
"""Files at the root that may hold pytest's configuration."""
MAX_DATA_FILE = 1 << 20
"""Data files larger than this are not copied."""
MAX_TOTAL = 64 << 20
"""Bytes copied at most; what is beyond is left out (and said)."""


@dataclass(frozen=True)
class Payload:
    """Files for the sandbox (relative path -> text) and how to run them."""

    files: dict[str, str]
    tests: tuple[str, ...]
    """Test files to run, relative to the root."""
    import_roots: tuple[str, ...]
    """Folders (relative) that go on ``sys.path``."""
    left_out: tuple[str, ...] = ()
    """Files not copied (too large, not text)."""


def _walk(folder: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d not in SKIPPED_DIRS]
        for name in filenames:
            yield Path(dirpath) / name


def _package_tree(graph: ImportGraph, module_names: Iterable[str]) -> set[Path]:
    """Every file of the top-level packages (or single modules) named."""
    found: set[Path] = set()
    for module in (m for n in module_names for m in graph.modules.get(n, [])):
        top = module.name.split(".")[0]
        folder = module.import_root / top
        if folder.is_dir() and folder.is_relative_to(graph.root):
            found |= set(_walk(folder))
        found.add(module.path)
    return found


def _test_support(graph: ImportGraph, tests: Iterable[Path]) -> set[Path]:
    """``__init__.py`` files of test packages and the files beside the tests
    that are not Python (data the tests read)."""
    found: set[Path] = set()
    for test in tests:
        module = graph.files.get(test)
        top = module.import_root if module is not None else test.parent
        for folder in test.parents:
            if not folder.is_relative_to(top) or folder == top:
                break
            found.add(folder / "__init__.py")
        if test.parent != graph.root:  # not the whole repository's files
            found |= {
                p
                for p in _walk(test.parent)
                if p.suffix != ".py" and not p.name.startswith(".")
            }
    return found


def _read(graph: ImportGraph, path: Path) -> str | None:
    if path in graph.overlay:
        return graph.overlay[path]
    try:
        if path.stat().st_size > MAX_DATA_FILE:
            return None
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def build_payload(graph: ImportGraph, tests: Iterable[Path]) -> Payload:
    """What the sandbox needs to run ``tests`` as ``graph`` sees the files
    (its overlay applied: edited files carry their new text)."""
    tests = sorted(tests)
    conftests = conftests_for(tests, graph.root)
    needed = {*tests, *conftests}
    modules: set[str] = set()
    for path in needed:
        modules |= graph.closure(path)
    wanted = needed | _package_tree(graph, modules) | _test_support(graph, needed)
    wanted |= {graph.root / name for name in CONFIG_FILES}
    files: dict[str, str] = {}
    left_out: list[str] = []
    total = 0
    for path in sorted(wanted):
        if path in graph.overlay and graph.overlay[path] is None:
            continue
        if not (path in graph.overlay or path.is_file()):
            continue
        text = _read(graph, path)
        relative = path.relative_to(graph.root).as_posix()
        if text is None or total + len(text) > MAX_TOTAL:
            left_out.append(relative)
            continue
        total += len(text)
        files[relative] = text
    roots = {
        module.import_root.relative_to(graph.root).as_posix()
        for path, module in graph.files.items()
        if module.import_root.is_relative_to(graph.root)
        and path.relative_to(graph.root).as_posix() in files
    }
    return Payload(
        files=files,
        tests=tuple(t.relative_to(graph.root).as_posix() for t in tests),
        import_roots=tuple(sorted(roots, key=lambda r: (r == ".", r))),
        left_out=tuple(left_out),
    )
