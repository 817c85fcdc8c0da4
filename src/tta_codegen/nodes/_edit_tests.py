"""Where an edit run's new tests go, and the import names they test."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

__all__ = ["import_name", "new_tests_path"]


def import_name(path: str) -> str:
    """``shop/orders.py`` -> ``shop.orders`` (``src/`` layouts drop ``src``)."""
    parts = list(PurePosixPath(path).with_suffix("").parts)
    if parts and parts[0] == "src":
        parts = parts[1:]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def new_tests_path(root: Path, changed: list[str], thread_id: str) -> str:
    """A new test file for the change (relative to ``root``): in the repository's
    ``tests/`` folder when it has one, else beside the first changed module;
    never the name of a file that exists."""
    first = PurePosixPath(changed[0]) if changed else PurePosixPath("change.py")
    folder = PurePosixPath("tests") if (root / "tests").is_dir() else first.parent
    candidate = (folder / f"test_{first.stem}_change.py").as_posix()
    if (root / candidate).exists():
        candidate = (folder / f"test_{first.stem}_change_{thread_id[:8]}.py").as_posix()
    return candidate
