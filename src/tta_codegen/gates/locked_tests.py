"""Existing tests are locked: an edit may add test files, never weaken old ones.

``locked_test_findings`` checks a proposed ``ChangeSet``: changing or deleting
an existing test file, ``conftest.py`` or a file under a ``tests`` folder is a
blocking finding that names the tests it removes. New test files are allowed.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

from tta_codegen.changes import ChangeSet, FileChange
from tta_codegen.findings import Finding
from tta_codegen.gates._selection import is_test_file

__all__ = ["LOCKED_GATE", "is_locked_path", "locked_test_findings", "defined_tests"]

LOCKED_GATE = "locked"
"""The gate of these findings (blocking in every profile)."""
TEST_FOLDERS = frozenset({"tests", "test", "testing"})


def is_locked_path(path: Path, root: Path) -> bool:
    """True for a test file, a ``conftest.py``, or a Python file under a test
    folder (helpers and fixtures the tests rely on)."""
    if path.suffix != ".py":
        return False
    if is_test_file(path) or path.name == "conftest.py":
        return True
    try:
        parts = path.relative_to(root).parts[:-1]
    except ValueError:
        parts = path.parts[:-1]
    return any(part in TEST_FOLDERS for part in parts)


def defined_tests(source: str) -> list[str]:
    """The tests a file defines as pytest would name them: ``test_x`` and
    ``TestClass::test_y`` (empty when the file does not parse)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if node.name.startswith("test"):
                names.append(node.name)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            names += [
                f"{node.name}::{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                and item.name.startswith("test")
            ]
    return names


def _only_adds(before: str, after: str) -> bool:
    """Every top-level statement of ``before`` is still in ``after``, unchanged."""
    try:
        old = ast.parse(before).body
        new = ast.parse(after).body
    except (SyntaxError, ValueError):
        return False
    kept = Counter(ast.dump(node) for node in new)
    kept.subtract(ast.dump(node) for node in old)
    return all(count >= 0 for count in kept.values())


def _finding(change: FileChange, name: str) -> Finding:
    assert change.before is not None
    removed = sorted(
        set(defined_tests(change.before)) - set(defined_tests(change.after or ""))
    )
    what = "deleted" if change.after is None else "changed"
    message = f"locked test file {what}: {name}"
    if removed:
        message += f" (removes {', '.join(removed)})"
    return Finding(
        gate=LOCKED_GATE,
        severity="error",
        code="locked-test-changed",
        message=message + "; existing tests must stay as they are: add new test "
        "files instead",
        path=name,
        target="tests",
    )


def locked_test_findings(
    change_set: ChangeSet, *, allow_additions: bool = False
) -> list[Finding]:
    """One blocking finding per existing test file the set changes or deletes
    ("locked test file changed"), naming the test functions it removes.

    ``allow_additions=True`` lets a change through that only adds to a test
    file (every statement it had is still there, unchanged).
    """
    root = Path(change_set.root)
    found: list[Finding] = []
    for change in change_set.changes:
        path = Path(change.path)
        if change.before is None or change.kind == "unchanged":
            continue
        if not is_locked_path(path, root):
            continue
        additive = change.after is not None and _only_adds(change.before, change.after)
        if allow_additions and additive:
            continue
        found.append(_finding(change, change_set.relative(change.path)))
    return found
