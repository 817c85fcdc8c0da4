"""Rank indexed chunks for a task: BM25, symbol-name matches, context type."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tta_codegen.context._index import CodeIndex, IndexedChunk
from tta_codegen.context._tokens import split_identifier, tokenize
from tta_codegen.context._types import CONTEXT_TYPES

__all__ = ["CONTEXT_TYPES", "Hit", "rank"]


_CANDIDATES = 150
_TYPE_WEIGHT = 0.3
_SYMBOL_WEIGHT = 0.5
_PATH_WEIGHT = 0.2
_SYMBOL_MIN_SHARE = 0.66
"""A symbol matches when at least this share of its name parts are in the task."""
_DOC_FACTOR = 0.8
_RELATIVE_FLOOR = 0.3
"""Chunks scoring below this share of the best one are left out."""


@dataclass(frozen=True, slots=True)
class Hit:
    """A ranked chunk and why it ranked."""

    chunk: IndexedChunk
    score: float
    why: str


def _unique(terms: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(terms))


@functools.lru_cache(maxsize=65_536)
def _symbol_terms(symbol: str) -> frozenset[str]:
    return frozenset(tokenize(" ".join(split_identifier(symbol.rsplit(".", 1)[-1]))))


@functools.lru_cache(maxsize=65_536)
def _path_terms(label: str) -> frozenset[str]:
    return frozenset(tokenize(label.replace("/", " ")))


def _symbol_match(chunk: IndexedChunk, task_terms: set[str]) -> tuple[float, str]:
    best, name = 0.0, ""
    for symbol in chunk.symbols:
        parts = _symbol_terms(symbol)
        if not parts:
            continue
        share = len(parts & task_terms) / len(parts)
        if share > best:
            best, name = share, symbol
    return (best, name) if best >= _SYMBOL_MIN_SHARE else (0.0, "")


def rank(index: CodeIndex, task: str, context_type: str | None = None) -> list[Hit]:
    """Chunks relevant to ``task``, best first, each with a ``why``."""
    query = _unique(tokenize(task))
    base = index.scores(query)
    if not len(base) or float(base.max()) <= 0.0:
        return []
    boost = index.type_scores(context_type)
    top = float(base.max())
    count = min(_CANDIDATES, int(np.count_nonzero(base)))
    candidates = np.argpartition(-base, count - 1)[:count]
    task_terms = set(query)
    boost_top = float(boost.max()) or 1.0
    scored: list[tuple[float, int, str]] = []
    for i in candidates.tolist():
        chunk = index.chunks[i]
        score = float(base[i]) / top
        reasons = [f"bm25 {score:.2f}"]
        if boost[i] > 0:
            score += _TYPE_WEIGHT * float(boost[i]) / boost_top
            reasons.append(f"{context_type} terms")
        share, symbol = _symbol_match(chunk, task_terms)
        if symbol:
            score += _SYMBOL_WEIGHT * share
            reasons.append(f"symbol {symbol}")
        path_hits = sorted(_path_terms(chunk.label) & task_terms)
        if path_hits:
            score += _PATH_WEIGHT
            reasons.append("path matches " + ", ".join(path_hits[:3]))
        if chunk.kind == "doc":
            score *= _DOC_FACTOR
        scored.append((score, i, "; ".join(reasons)))
    scored.sort(key=lambda s: (-s[0], s[1]))
    floor = scored[0][0] * _RELATIVE_FLOOR
    return [Hit(index.chunks[i], s, why) for s, i, why in scored if s >= floor]
