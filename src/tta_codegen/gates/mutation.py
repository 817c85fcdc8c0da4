"""A small built-in mutation pass: AST mutants of the functions in a module.

Mutants are made by parsing and unparsing only (the code is never executed
here); the sandbox runs the tests against them. Operators: comparison flips,
arithmetic swaps, boundary +1, boolean operator swaps, negated conditions,
return-value changes and removed statements, a handful per function, capped.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass

__all__ = ["Mutant", "make_mutants"]

_COMPARE_FLIPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_ARITH_SWAPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Add,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult,
    ast.Mod: ast.FloorDiv,
    ast.Pow: ast.Mult,
}
_NAMES = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.And: "and",
    ast.Or: "or",
}


@dataclass(frozen=True)
class Mutant:
    """One small change to the module that the tests should notice."""

    id: int
    function: str
    """Function the change is in."""
    line: int
    """Line of the change in the original code."""
    description: str
    """What was changed, e.g. ``'<' -> '<='``."""
    source: str
    """The whole mutated module."""


Edit = Callable[[ast.AST], str]
"""Mutates the node in place and describes the change."""


def _edits(node: ast.AST) -> Iterator[Edit]:
    """The mutations that apply to ``node`` (each applied to a fresh copy)."""
    if isinstance(node, ast.Compare) and type(node.ops[0]) in _COMPARE_FLIPS:

        def flip(n: ast.AST) -> str:
            assert isinstance(n, ast.Compare)
            old = type(n.ops[0])
            n.ops[0] = _COMPARE_FLIPS[old]()
            return f"{_NAMES[old]!r} -> {_NAMES[type(n.ops[0])]!r}"

        yield flip
    if isinstance(node, ast.BinOp | ast.AugAssign) and type(node.op) in _ARITH_SWAPS:

        def swap(n: ast.AST) -> str:
            assert isinstance(n, ast.BinOp | ast.AugAssign)
            old = type(n.op)
            n.op = _ARITH_SWAPS[old]()
            return f"{_NAMES[old]!r} -> {_NAMES[type(n.op)]!r}"

        yield swap
    if (
        isinstance(node, ast.Constant)
        and type(node.value) is int
        and not isinstance(node.value, bool)
    ):

        def bump(n: ast.AST) -> str:
            assert isinstance(n, ast.Constant) and isinstance(n.value, int)
            n.value = n.value + 1
            return f"constant {n.value - 1} -> {n.value}"

        yield bump
    if isinstance(node, ast.BoolOp):

        def boolswap(n: ast.AST) -> str:
            assert isinstance(n, ast.BoolOp)
            old = type(n.op)
            n.op = ast.Or() if old is ast.And else ast.And()
            return f"{_NAMES[old]!r} -> {_NAMES[type(n.op)]!r}"

        yield boolswap
    if isinstance(node, ast.If | ast.While):

        def negate(n: ast.AST) -> str:
            assert isinstance(n, ast.If | ast.While)
            n.test = ast.UnaryOp(op=ast.Not(), operand=n.test)
            return "condition negated"

        yield negate
    if isinstance(node, ast.Return) and node.value is not None:
        yield from _return_edits(node.value)


def _return_edits(value: ast.expr) -> Iterator[Edit]:
    if isinstance(value, ast.Constant) and isinstance(value.value, bool):

        def flip_bool(n: ast.AST) -> str:
            assert isinstance(n, ast.Return) and isinstance(n.value, ast.Constant)
            n.value.value = not n.value.value
            return f"return {not n.value.value} -> return {n.value.value}"

        yield flip_bool
    elif not (isinstance(value, ast.Constant) and value.value is None):

        def return_none(n: ast.AST) -> str:
            assert isinstance(n, ast.Return)
            n.value = ast.Constant(value=None)
            return "return value replaced by None"

        yield return_none


def _removable(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        return False  # a docstring
    return isinstance(stmt, ast.Assign | ast.AugAssign | ast.Expr | ast.AnnAssign)


def _points(tree: ast.Module) -> list[tuple[str, int, int, int]]:
    """(function, node index in walk order, edit index, line) for every mutation."""
    index = {id(node): i for i, node in enumerate(ast.walk(tree))}
    found: list[tuple[str, int, int, int]] = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            line = getattr(node, "lineno", func.lineno)
            if node is not func:
                for k, _ in enumerate(_edits(node)):
                    found.append((func.name, index[id(node)], k, line))
            body = getattr(node, "body", None)
            if isinstance(body, list) and len(body) > 1:
                for s, stmt in enumerate(body):
                    if _removable(stmt):
                        found.append((func.name, index[id(node)], -1 - s, stmt.lineno))
    return found


def _apply(tree: ast.Module, node_index: int, edit: int) -> tuple[str, str] | None:
    copy_tree = copy.deepcopy(tree)
    node = list(ast.walk(copy_tree))[node_index]
    if edit < 0:
        body: list[ast.stmt] = getattr(node, "body")  # noqa: B009
        removed = body[-1 - edit]
        body[-1 - edit] = ast.Pass()
        description = f"statement removed: {ast.unparse(removed)[:60]}"
    else:
        description = list(_edits(node))[edit](node)
    ast.fix_missing_locations(copy_tree)
    try:
        source = ast.unparse(copy_tree)
        compile(source, "<mutant>", "exec", dont_inherit=True)  # parse only, no exec
    except (SyntaxError, ValueError, RecursionError):
        return None
    return description, source


def make_mutants(code: str, *, limit: int) -> list[Mutant]:
    """Up to ``limit`` mutants of ``code``, spread round-robin over its functions."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    by_function: dict[str, list[tuple[int, int, int]]] = {}
    for function, node_index, edit, line in _points(tree):
        by_function.setdefault(function, []).append((node_index, edit, line))
    order: list[tuple[str, int, int, int]] = []
    queues = [list(points) for points in by_function.values()]
    names = list(by_function)
    while any(queues) and len(order) < limit * 2:
        for name, queue in zip(names, queues, strict=True):
            if queue:
                order.append((name, *queue.pop(_spread(len(queue)))))
    mutants: list[Mutant] = []
    seen: set[str] = {ast.unparse(tree)}
    for function, node_index, edit, line in order:
        applied = _apply(tree, node_index, edit)
        if applied is None or applied[1] in seen:
            continue
        seen.add(applied[1])
        mutants.append(Mutant(len(mutants), function, line, applied[0], applied[1]))
        if len(mutants) >= limit:
            break
    return mutants


def _spread(size: int) -> int:
    """Take points from the middle out, so a capped run samples each function."""
    return size // 2
