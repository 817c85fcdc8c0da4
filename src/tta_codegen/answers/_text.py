"""Text clean-up every answer gets first: BOM, line endings, tab indentation."""

from __future__ import annotations

import ast
import re
from functools import lru_cache

from tta_codegen.answers.notes import AnswerNote

__all__ = ["expand_tabs", "normalise", "parses"]

_LEADING_TABS = re.compile(r"^[ \t]*\t[ \t]*", re.MULTILINE)


@lru_cache(maxsize=16)
def parses(source: str) -> bool:
    """True when ``source`` is syntactically valid Python (remembered: one
    answer's blocks are asked about several times)."""
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return True


def normalise(text: str) -> tuple[str, list[AnswerNote]]:
    """``text`` without a byte-order mark and with ``\\n`` line endings."""
    notes: list[AnswerNote] = []
    if text.startswith("\ufeff"):
        text = text.lstrip("\ufeff")
        notes.append(AnswerNote("bom-removed", "info", "a byte-order mark was removed"))
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        notes.append(
            AnswerNote("crlf-normalised", "info", "CRLF line endings became LF")
        )
    return text, notes


def expand_tabs(source: str) -> tuple[str, list[AnswerNote]]:
    """Tab indentation as four spaces, when the result still parses (a mix of
    tabs and spaces is a TabError, and ruff flags tabs anyway)."""
    if "\t" not in source or not _LEADING_TABS.search(source):
        return source, []
    expanded = _LEADING_TABS.sub(lambda m: m.group(0).expandtabs(4), source)
    if not parses(expanded):
        return source, []
    return expanded, [
        AnswerNote("tabs-expanded", "info", "tab indentation became four spaces")
    ]
