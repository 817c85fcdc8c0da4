"""The on-disk index cache: unchanged repo -> no re-chunking; a change -> one file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tta_codegen.context import open_index

pytestmark = pytest.mark.unit


def _open(repo: Path, cache: Path):  # type: ignore[no-untyped-def]
    return open_index([repo], cache_dir=cache, max_file_bytes=20_000)


def test_second_run_over_an_unchanged_repo_rechunks_nothing(
    repo: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    first = _open(repo, cache)
    assert first.stats.rechunked == first.stats.files == 7
    assert first.stats.bm25_rebuilt
    second = _open(repo, cache)
    assert second.stats.rechunked == 0
    assert second.stats.reused == 7
    assert not second.stats.bm25_rebuilt
    assert second.chunks == first.chunks
    query = ["circuit", "breaker"]
    assert second.scores(query).tolist() == first.scores(query).tolist()


def test_a_changed_file_rechunks_only_itself(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _open(repo, cache)
    target = repo / "util" / "strings.py"
    target.write_text(
        target.read_text()
        + "\n\ndef shout(text: str) -> str:\n    return text.upper()\n"
    )
    index = _open(repo, cache)
    assert index.stats.rechunked == 1
    assert index.stats.bm25_rebuilt
    assert "shout" in {c.symbol for c in index.chunks}
    assert index.scores(["shout"]).max() > 0


def test_touching_a_file_without_changing_it_does_not_rechunk(
    repo: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    _open(repo, cache)
    target = repo / "data" / "users.py"
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    index = _open(repo, cache)
    assert index.stats.rechunked == 0
    assert not index.stats.bm25_rebuilt


def test_deleted_and_added_files_are_reflected(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _open(repo, cache)
    (repo / "util" / "strings.py").unlink()
    (repo / "util" / "numbers.py").write_text(
        "def clamp(x: int) -> int:\n    return x\n"
    )
    index = _open(repo, cache)
    labels = {c.label for c in index.chunks}
    assert "repo/util/strings.py" not in labels
    assert "repo/util/numbers.py" in labels
    assert index.stats.rechunked == 1


def test_a_corrupt_cache_is_rebuilt_not_fatal(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _open(repo, cache)
    for path in cache.rglob("*.json"):
        path.write_text("{not json")
    index = _open(repo, cache)
    assert index.stats.rechunked == 7
    assert index.scores(["breaker"]).max() > 0
