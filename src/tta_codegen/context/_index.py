"""The searchable index of the context roots: chunks plus a BM25 model.

``CodeIndex.open`` re-chunks only files whose content hash is not in the cache
and reuses the saved BM25 model when the set of chunked contents is unchanged.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import bm25s
import numpy as np
import numpy.typing as npt

from tta_codegen.context._bm25 import load_or_build
from tta_codegen.context._cache import ChunkRecord, FileRecord, RootCache
from tta_codegen.context._chunk import chunk_file
from tta_codegen.context._files import discover, looks_generated
from tta_codegen.context._tokens import tokenize
from tta_codegen.context._types import CONTEXT_TYPES

__all__ = ["CodeIndex", "IndexStats", "IndexedChunk"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IndexedChunk:
    """One chunk of one file in the index."""

    path: Path
    label: str
    """Path shown to the model."""
    start_line: int
    end_line: int
    symbol: str
    symbols: tuple[str, ...]
    kind: str


@dataclass(frozen=True, slots=True)
class IndexStats:
    """What opening the index cost."""

    files: int
    """Indexable files found under the roots."""
    rechunked: int
    """Files read and chunked this time (new or changed content)."""
    reused: int
    """Files whose chunks came from the cache."""
    skipped: int
    """Files skipped as binary or generated."""
    chunks: int
    bm25_rebuilt: bool
    """False when the saved BM25 model matched the corpus."""
    seconds: float


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _chunk_content(
    path: Path, data: bytes
) -> tuple[list[ChunkRecord], list[str], bool]:
    """Chunks and their terms; ``skipped`` for binaries and generated files."""
    if b"\0" in data[:8192]:
        return [], [], True
    text = data.decode("utf-8", errors="replace")
    if looks_generated(text[:8000]):
        return [], [], True
    records: list[ChunkRecord] = []
    terms: list[str] = []
    for raw in chunk_file(path.suffix, text):
        records.append(
            (raw.start_line, raw.end_line, raw.symbol, raw.symbols, raw.kind)
        )
        terms.append(" ".join(tokenize(raw.text)))
    return records, terms, False


@dataclass
class _RootResult:
    cache: RootCache
    order: list[str] = field(default_factory=list)
    """Content hash of each file, in discovery order."""
    chunks: list[IndexedChunk] = field(default_factory=list)
    rechunked: int = 0
    skipped: int = 0


def _index_root(cache: RootCache, root: Path, max_file_bytes: int) -> _RootResult:
    """Chunks of one root; only files whose content is not cached are chunked."""
    result = _RootResult(cache)
    seen: dict[str, FileRecord] = {}
    new_tokens: dict[str, list[str]] = {}
    dirty = False
    for source in discover(root, max_file_bytes):
        key = str(source.path)
        rec = cache.files.get(key)
        if (
            rec is None
            or (rec.size, rec.mtime_ns) != (source.size, source.mtime_ns)
            or rec.digest not in cache.chunks
        ):
            try:
                data = source.path.read_bytes()
            except OSError:
                continue
            rec = FileRecord(source.size, source.mtime_ns, _digest(data))
            dirty = True
            if rec.digest not in cache.chunks:
                records, terms, was_skipped = _chunk_content(source.path, data)
                cache.chunks[rec.digest] = records
                new_tokens[rec.digest] = terms
                result.rechunked += 1
                result.skipped += was_skipped
        seen[key] = rec
        result.order.append(rec.digest)
        result.chunks.extend(
            IndexedChunk(source.path, source.label, start, end, symbol, symbols, kind)
            for start, end, symbol, symbols, kind in cache.chunks[rec.digest]
        )
    if dirty or set(seen) != set(cache.files):
        tokens = {**cache.tokens(), **new_tokens}
        cache.files = seen
        cache.save(tokens)
    return result


class CodeIndex:
    """Chunks of every indexed file and a BM25 model over their terms."""

    def __init__(
        self, chunks: list[IndexedChunk], model: bm25s.BM25 | None, stats: IndexStats
    ) -> None:
        self.chunks = chunks
        self.stats = stats
        self._model = model
        self._vocab: dict[str, int] = model.vocab_dict if model is not None else {}
        self._type_scores: dict[str, npt.NDArray[np.float32]] = {}

    @classmethod
    def open(
        cls, roots: Sequence[Path], cache_dir: Path, *, max_file_bytes: int
    ) -> CodeIndex:
        """Index ``roots`` (folders or files), reusing ``cache_dir``."""
        started = time.perf_counter()
        results = [
            _index_root(RootCache.for_root(cache_dir, root), root, max_file_bytes)
            for root in roots
        ]
        model, rebuilt = load_or_build(
            cache_dir, roots, [(r.cache, r.order) for r in results]
        )
        chunks = [chunk for r in results for chunk in r.chunks]
        files = sum(len(r.order) for r in results)
        rechunked = sum(r.rechunked for r in results)
        stats = IndexStats(
            files=files,
            rechunked=rechunked,
            reused=files - rechunked,
            skipped=sum(r.skipped for r in results),
            chunks=len(chunks),
            bm25_rebuilt=rebuilt,
            seconds=time.perf_counter() - started,
        )
        return cls(chunks, model, stats)

    def scores(self, terms: Sequence[str]) -> npt.NDArray[np.float32]:
        """BM25 score of every chunk for the query ``terms``."""
        known = [t for t in terms if t in self._vocab]
        if self._model is None or not known:
            return np.zeros(len(self.chunks), dtype=np.float32)
        return np.asarray(self._model.get_scores(known), dtype=np.float32)

    def type_scores(self, context_type: str | None) -> npt.NDArray[np.float32]:
        """BM25 scores for a context type's boost terms (computed once per type)."""
        key = context_type or ""
        if key not in self._type_scores:
            terms = dict.fromkeys(tokenize(" ".join(CONTEXT_TYPES.get(key, ()))))
            self._type_scores[key] = self.scores(list(terms))
        return self._type_scores[key]
