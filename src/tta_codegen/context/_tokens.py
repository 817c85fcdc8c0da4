"""Code-aware tokenization shared by indexing and queries.

Identifiers are split on ``snake_case`` and ``CamelCase`` boundaries and kept
whole as well, so ``RedisPool`` matches "redis pool" and ``redis_pool`` alike.
"""

from __future__ import annotations

import functools
import re
from itertools import chain

__all__ = ["split_identifier", "tokenize"]

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")

_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "if",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "this",
        "that",
        "to",
        "with",
        "self",
        "cls",
        "def",
        "return",
        "none",
        "true",
        "false",
        "import",
        "not",
        "pass",
        "class",
        "async",
        "await",
        "lambda",
        "else",
        "elif",
        "try",
        "except",
        "finally",
        "raise",
        "while",
        "yield",
        "del",
        "global",
        "nonlocal",
        "assert",
        "str",
        "int",
        "bool",
        "float",
        "list",
        "dict",
        "tuple",
        "set",
        "any",
        "object",
        "args",
        "kwargs",
    ]
)


def _stem(word: str) -> str:
    """A deliberately light stemmer: plurals only (retries -> retry)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def split_identifier(identifier: str) -> list[str]:
    """The lower-case parts of an identifier (``getHTTPResponse`` -> get, http,
    response)."""
    parts: list[str] = []
    for piece in identifier.split("_"):
        if piece:
            parts.extend(p.lower() for p in _CAMEL.findall(piece))
    return parts


@functools.lru_cache(maxsize=262_144)
def _word_terms(word: str) -> tuple[str, ...]:
    """Terms of one identifier (memoized: code repeats its names a lot)."""
    lower = word.lower()
    if word.isalpha() and (word.islower() or word[1:].islower()):
        return (_stem(lower),) if lower not in _STOP and len(lower) > 1 else ()
    parts = split_identifier(word)
    terms = [_stem(p) for p in parts if p not in _STOP and len(p) > 1]
    if len(parts) > 1:
        terms.append(lower.strip("_"))
    return tuple(terms)


def tokenize(text: str) -> list[str]:
    """Search terms of ``text``: identifier parts plus whole compound names."""
    return list(chain.from_iterable(map(_word_terms, _WORD.findall(text))))
