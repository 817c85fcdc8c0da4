"""Dropping tests that were found flaky (source edit by AST positions only)."""

from __future__ import annotations

import ast

__all__ = ["drop_tests"]


def drop_tests(tests: str, names: list[str] | tuple[str, ...]) -> str:
    """``tests`` without the named test functions (``test_x`` or ``TestC.test_x``).

    Only whole ``def`` blocks (with their decorators) are removed; everything
    else is kept byte for byte. Unknown names are ignored.
    """
    wanted = set(names)
    tree = ast.parse(tests)
    spans: list[tuple[int, int]] = []

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                visit(node.body, f"{prefix}{node.name}.")
            elif (
                isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                and f"{prefix}{node.name}" in wanted
                and node.end_lineno is not None
            ):
                first = min([d.lineno for d in node.decorator_list] + [node.lineno])
                spans.append((first, node.end_lineno))

    visit(tree.body, "")
    lines = tests.splitlines(keepends=True)
    for first, last in sorted(spans, reverse=True):
        del lines[first - 1 : last]
    return "".join(lines)
