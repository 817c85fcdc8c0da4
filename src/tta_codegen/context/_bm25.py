"""The BM25 model over all chunks, saved on disk and reused while the corpus
(the ordered content hashes of every root) is unchanged."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import bm25s

from tta_codegen.context._cache import CACHE_VERSION, RootCache

__all__ = ["load_or_build"]

_log = logging.getLogger(__name__)


def _corpus_digest(caches: Sequence[tuple[RootCache, list[str]]]) -> str:
    digest = hashlib.sha1(f"v{CACHE_VERSION}".encode(), usedforsecurity=False)
    for _, order in caches:
        digest.update(" ".join(order).encode())
        digest.update(b"|")
    return digest.hexdigest()


def _corpus(caches: Sequence[tuple[RootCache, list[str]]]) -> list[list[str]]:
    corpus: list[list[str]] = []
    for cache, order in caches:
        tokens = cache.tokens()
        for content in order:
            terms = tokens.get(content)
            expected = len(cache.chunks[content])
            if terms is None or len(terms) != expected:
                _log.warning(
                    "index cache %s is inconsistent; rebuilding it", cache.folder
                )
                (cache.folder / "files.json").unlink(missing_ok=True)
                terms = [""] * expected
            corpus.extend(t.split() for t in terms)
    return corpus


def _save(model: bm25s.BM25, folder: Path, digest: str) -> None:
    staging = folder.with_name(f"{folder.name}.tmp{os.getpid()}")
    try:
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        model.save(str(staging))
        (staging / "corpus.json").write_text(json.dumps({"digest": digest}))
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(staging, folder)
    except OSError as exc:
        _log.warning("could not save the BM25 index in %s: %s", folder, exc)
        shutil.rmtree(staging, ignore_errors=True)


def load_or_build(
    cache_dir: Path,
    roots: Sequence[Path],
    caches: Sequence[tuple[RootCache, list[str]]],
) -> tuple[bm25s.BM25 | None, bool]:
    """The model for this corpus and whether it had to be (re)built."""
    digest = _corpus_digest(caches)
    roots_key = hashlib.sha1(
        "\n".join(str(r) for r in roots).encode(), usedforsecurity=False
    ).hexdigest()[:20]
    folder = cache_dir / "bm25" / roots_key
    try:
        saved = json.loads((folder / "corpus.json").read_text())
        if saved.get("digest") == digest:
            return bm25s.BM25.load(str(folder)), False
    except (OSError, ValueError, KeyError, EOFError) as exc:
        if not isinstance(exc, FileNotFoundError):
            _log.warning(
                "saved BM25 index in %s unusable (%s); rebuilding", folder, exc
            )
    corpus = _corpus(caches)
    if not any(corpus):
        return None, True
    model = bm25s.BM25()
    model.index(corpus, show_progress=False)
    _save(model, folder, digest)
    return model, True
