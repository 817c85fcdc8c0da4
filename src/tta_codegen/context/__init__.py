"""Codebase indexing and retrieval for context injection.

``build_context`` indexes the context roots (AST-aware chunks, cached on disk by
content hash), ranks chunks for the task (BM25 + symbol names + context type)
and fills a token budget; ``render_context`` turns the result into prompt text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tta_codegen._lazy import lazy_exports

if TYPE_CHECKING:
    from tta_codegen.context._index import CodeIndex, IndexedChunk, IndexStats
    from tta_codegen.context._tokens import tokenize
    from tta_codegen.context._types import CONTEXT_TYPES
    from tta_codegen.context.build import (
        build_context,
        chunk_cost,
        default_cache_dir,
        open_index,
        resolve_roots,
        select,
    )
    from tta_codegen.context.render import render_context

__all__ = [
    "CONTEXT_TYPES",
    "CodeIndex",
    "IndexStats",
    "IndexedChunk",
    "build_context",
    "chunk_cost",
    "default_cache_dir",
    "open_index",
    "render_context",
    "resolve_roots",
    "select",
    "tokenize",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "CONTEXT_TYPES": "tta_codegen.context._types",
        "CodeIndex": "tta_codegen.context._index",
        "IndexStats": "tta_codegen.context._index",
        "IndexedChunk": "tta_codegen.context._index",
        "build_context": "tta_codegen.context.build",
        "chunk_cost": "tta_codegen.context.build",
        "default_cache_dir": "tta_codegen.context.build",
        "open_index": "tta_codegen.context.build",
        "render_context": "tta_codegen.context.render",
        "resolve_roots": "tta_codegen.context.build",
        "select": "tta_codegen.context.build",
        "tokenize": "tta_codegen.context._tokens",
    },
)
