"""On-disk cache of chunked files, keyed by file content hash.

One folder per root under ``<cache_dir>/roots/``: ``files.json`` maps each path
to its size, mtime and content hash (so an unchanged file is not even read),
``chunks.json`` maps a content hash to the chunk metadata found in it, and
``tokens.json`` holds the search terms, read only when the BM25 index must be
rebuilt. Writes are atomic (temp file + rename).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tta_codegen.files import atomic_write

__all__ = ["CACHE_VERSION", "ChunkRecord", "FileRecord", "RootCache"]

CACHE_VERSION = 1

ChunkRecord = tuple[int, int, str, tuple[str, ...], str]
"""start_line, end_line, symbol, symbols, kind."""


@dataclass(slots=True)
class FileRecord:
    """What the cache knows about one file."""

    size: int
    mtime_ns: int
    digest: str


@dataclass
class RootCache:
    """The cached index of one root."""

    folder: Path
    files: dict[str, FileRecord] = field(default_factory=dict)
    chunks: dict[str, list[ChunkRecord]] = field(default_factory=dict)
    """Content hash -> chunks (an empty list for skipped files)."""
    _tokens: dict[str, list[str]] | None = None

    @classmethod
    def for_root(cls, cache_dir: Path, root: Path) -> RootCache:
        """Load the cache of ``root`` (empty when absent, stale or unreadable)."""
        key = hashlib.sha1(str(root).encode(), usedforsecurity=False).hexdigest()
        cache = cls(cache_dir / "roots" / key[:20])
        meta = _read_json(cache.folder / "chunks.json")
        files = _read_json(cache.folder / "files.json")
        if (
            meta.get("version") != CACHE_VERSION
            or files.get("version") != CACHE_VERSION
        ):
            return cache
        cache.files = {p: FileRecord(*rec) for p, rec in files["files"].items()}
        cache.chunks = {
            h: [(c[0], c[1], c[2], tuple(c[3]), c[4]) for c in recs]
            for h, recs in meta["chunks"].items()
        }
        return cache

    def tokens(self) -> dict[str, list[str]]:
        """Content hash -> one space-joined term string per chunk."""
        if self._tokens is None:
            data = _read_json(self.folder / "tokens.json")
            self._tokens = (
                data.get("tokens", {}) if data.get("version") == CACHE_VERSION else {}
            )
        return self._tokens

    def save(self, tokens: dict[str, list[str]]) -> None:
        """Write the cache, keeping only hashes still referenced by a file."""
        live = {rec.digest for rec in self.files.values()}
        self.folder.mkdir(parents=True, exist_ok=True)
        files = {p: [r.size, r.mtime_ns, r.digest] for p, r in self.files.items()}
        chunks = {h: self.chunks[h] for h in live if h in self.chunks}
        kept = {h: tokens[h] for h in live if h in tokens}
        self._tokens = kept
        _write_json(
            self.folder / "files.json", {"version": CACHE_VERSION, "files": files}
        )
        _write_json(
            self.folder / "chunks.json", {"version": CACHE_VERSION, "chunks": chunks}
        )
        _write_json(
            self.folder / "tokens.json", {"version": CACHE_VERSION, "tokens": kept}
        )


def _read_json(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: object) -> None:
    atomic_write(path, json.dumps(data, separators=(",", ":")))
