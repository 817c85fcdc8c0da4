"""A module as its top-level pieces (and a class as its members), with source."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Literal

__all__ = ["Piece", "class_members", "pieces"]

Kind = Literal["import", "def", "class", "assign", "docstring", "other"]


@dataclass(frozen=True)
class Piece:
    """One statement of a module or class body, with the lines around it."""

    kind: Kind
    name: str | None
    """Function, class or assigned name; None for imports and other statements."""
    lead: str
    """Blank lines and comments between the previous piece and this one."""
    body: str
    """The statement's own lines (decorators included)."""
    node: ast.stmt

    @property
    def text(self) -> str:
        """Lead and body together."""
        return self.lead + self.body


def _kind_and_name(node: ast.stmt) -> tuple[Kind, str | None]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        return "import", None
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return "def", node.name
    if isinstance(node, ast.ClassDef):
        return "class", node.name
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        if isinstance(target, ast.Name):
            return "assign", target.id
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return "assign", node.target.id
    if (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    ):
        return "docstring", None
    return "other", None


def _split(body: list[ast.stmt], lines: list[str], start: int) -> list[Piece]:
    found: list[Piece] = []
    previous_end = start
    for node in body:
        first = min([node.lineno, *(d.lineno for d in _decorators(node))]) - 1
        end = node.end_lineno or node.lineno
        kind, name = _kind_and_name(node)
        lead = "".join(lines[previous_end:first])
        found.append(Piece(kind, name, lead, "".join(lines[first:end]), node))
        previous_end = end
    return found


def pieces(source: str) -> list[Piece]:
    """The module's top-level statements in order; SyntaxError if it does not parse.

    Comments and blank lines before a statement belong to it; what follows the
    last statement is dropped.
    """
    tree = ast.parse(source)
    return _split(tree.body, source.splitlines(keepends=True), 0)


def class_members(source: str, node: ast.ClassDef) -> tuple[str, list[Piece]]:
    """A class's header (decorators, ``class`` line, up to its first member) and
    its members, each with its own source (taken from the module ``source``)."""
    lines = source.splitlines(keepends=True)
    first = node.body[0]
    first_line = min([first.lineno, *(d.lineno for d in _decorators(first))]) - 1
    start = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
    header = "".join(lines[start:first_line])
    return header, _split(node.body, lines, first_line)


def _decorators(node: ast.stmt) -> list[ast.expr]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return node.decorator_list
    return []
