"""Split a source file into retrievable chunks.

Python is split along its syntax tree: each top-level function, each class
(with its methods, or split into a header and one chunk per method when it is
large), and the module-level statements between them (docstring, imports,
constants). Markdown and other text is split at headings or blank-line windows.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass

__all__ = ["MAX_CHUNK_LINES", "RawChunk", "chunk_file"]

MAX_CHUNK_LINES = 120
"""Classes longer than this are split into a header and their methods; any
other span longer than this is cut into windows."""

_TEXT_WINDOW = 60


@dataclass(frozen=True, slots=True)
class RawChunk:
    """A chunk as found in one file, before it is tied to a path."""

    start_line: int
    end_line: int
    symbol: str
    """Qualified name (``Class.method``) or empty for module-level text."""
    symbols: tuple[str, ...]
    """Every name defined inside (methods of a class, nested functions)."""
    kind: str
    """``code`` or ``doc``."""
    text: str


def chunk_file(suffix: str, text: str) -> list[RawChunk]:
    """Chunks of a file with extension ``suffix`` (``.py``, ``.md``...)."""
    lines = text.splitlines()
    if not lines:
        return []
    if suffix in (".py", ".pyi"):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return _windows(lines, 1, len(lines), "code")
        return _python_chunks(tree, lines)
    if suffix in (".md", ".rst"):
        return _heading_chunks(lines)
    return _windows(lines, 1, len(lines), "doc")


def _span(node: ast.stmt) -> tuple[int, int]:
    decorators = getattr(node, "decorator_list", [])
    start = min([node.lineno, *(d.lineno for d in decorators)])
    return start, node.end_lineno or node.lineno


def _names_inside(node: ast.AST) -> tuple[str, ...]:
    """Names defined directly in a class body (methods, nested classes)."""
    if not isinstance(node, ast.ClassDef):
        return ()
    return tuple(
        n.name
        for n in node.body
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    )


def _text(lines: list[str], start: int, end: int) -> str:
    return "\n".join(lines[start - 1 : end])


def _windows(
    lines: list[str], start: int, end: int, kind: str, symbol: str = ""
) -> list[RawChunk]:
    size = MAX_CHUNK_LINES if kind == "code" else _TEXT_WINDOW
    out: list[RawChunk] = []
    for lo in range(start, end + 1, size):
        hi = min(end, lo + size - 1)
        body = _text(lines, lo, hi)
        if body.strip():
            symbols = (symbol,) if symbol else ()
            out.append(RawChunk(lo, hi, symbol, symbols, kind, body))
    return out


def _python_chunks(tree: ast.Module, lines: list[str]) -> list[RawChunk]:
    out: list[RawChunk] = []
    loose: list[tuple[int, int]] = []
    for node in tree.body:
        start, end = _span(node)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            out.extend(_definition(node, start, end, lines, node.name))
        elif isinstance(node, ast.ClassDef):
            out.extend(_class_chunks(node, start, end, lines))
        elif loose and start <= loose[-1][1] + 2:
            loose[-1] = (loose[-1][0], end)
        else:
            loose.append((start, end))
    for start, end in loose:
        out.extend(_windows(lines, start, end, "code"))
    out.sort(key=lambda c: c.start_line)
    return out


def _definition(
    node: ast.AST, start: int, end: int, lines: list[str], qualname: str
) -> list[RawChunk]:
    if end - start + 1 > MAX_CHUNK_LINES:
        return _windows(lines, start, end, "code", qualname)
    symbols = (qualname, *_names_inside(node))
    return [RawChunk(start, end, qualname, symbols, "code", _text(lines, start, end))]


def _class_chunks(
    node: ast.ClassDef, start: int, end: int, lines: list[str]
) -> list[RawChunk]:
    if end - start + 1 <= MAX_CHUNK_LINES:
        return _definition(node, start, end, lines, node.name)
    methods = [
        n for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    first = _span(methods[0])[0] if methods else end + 1
    header_end = min(first - 1, start + MAX_CHUNK_LINES - 1)
    method_names = tuple(f"{node.name}.{m.name}" for m in methods)
    out = [
        RawChunk(
            start,
            header_end,
            node.name,
            (node.name, *method_names),
            "code",
            _text(lines, start, header_end),
        )
    ]
    for method in methods:
        m_start, m_end = _span(method)
        out.extend(
            _definition(method, m_start, m_end, lines, f"{node.name}.{method.name}")
        )
    return out


def _heading_chunks(lines: list[str]) -> list[RawChunk]:
    starts = [
        i + 1
        for i, line in enumerate(lines)
        if line.startswith("#") or (i == 0 and line.strip())
    ]
    if not starts or starts[0] != 1:
        starts.insert(0, 1)
    bounds = [*starts[1:], len(lines) + 1]
    out: list[RawChunk] = []
    for lo, nxt in zip(starts, bounds, strict=True):
        title = lines[lo - 1].lstrip("#").strip()
        out.extend(_windows(lines, lo, nxt - 1, "doc", title))
    return out
