"""Pull the Python code out of a model's answer.

Models wrap code in fenced blocks, add prose around it, send several blocks, or
send bare code. ``extract_python`` copes with all of those and returns None when
nothing usable is there; the caller turns that into a finding, never a crash.
"""

from __future__ import annotations

import ast
import re

__all__ = ["extract_python"]

_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w+.-]*)[^\n]*\n"
    r"(?P<body>.*?)"
    r"^(?P=indent)(?P=fence)[ \t]*$",
    re.DOTALL | re.MULTILINE,
)
_PYTHON_TAGS = {"python", "py", "python3", ""}


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return True


def _unterminated_block(text: str) -> str | None:
    """The body of a python fence that was opened but never closed (an answer
    cut off by the token limit)."""
    fences = list(
        re.finditer(r"^[ \t]*(`{3,}|~{3,})[ \t]*(\S*)[ \t]*$", text, re.MULTILINE)
    )
    if len(fences) % 2 == 0:
        return None
    last = fences[-1]
    if last.group(2).lower() not in _PYTHON_TAGS:
        return None
    return text[last.end() :].lstrip("\n")


def extract_python(text: str, *, prefer: str | None = None) -> str | None:
    """The most plausible Python module in ``text``, or None.

    Rules, in order: fenced blocks tagged python (or untagged) are candidates; a
    block that parses beats one that does not; among those, one mentioning
    ``prefer`` (e.g. the module name for a tests file) wins, then the longest.
    With no fence at all, the whole answer counts if it parses as Python.
    """
    blocks = [
        m.group("body")
        for m in _FENCE.finditer(text)
        if m.group("lang").lower() in _PYTHON_TAGS
    ]
    if not blocks:
        stripped = text.strip()
        if stripped and _parses(stripped) and _looks_like_code(stripped):
            return stripped + "\n"
        truncated = _unterminated_block(text)
        return truncated if truncated and truncated.strip() else None

    def rank(block: str) -> tuple[bool, bool, int]:
        return (_parses(block), prefer is not None and prefer in block, len(block))

    best = max(blocks, key=rank)
    return best if best.strip() else None


def _looks_like_code(text: str) -> bool:
    """Prose that happens to parse (a single name, a sentence) is not a module."""
    tree = ast.parse(text)
    return any(
        not isinstance(node, ast.Expr) or isinstance(node.value, ast.Call)
        for node in tree.body
    )
