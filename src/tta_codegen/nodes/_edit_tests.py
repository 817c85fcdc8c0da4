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


def new_tests_path(
    root: Path, changed: list[str], thread_id: str, *, new_package: bool = False
) -> str:
    """A new test file for the change (relative to ``root``): in ``tests/`` when
    the repository has that folder or the run creates a package, else beside the
    first changed module; named after it (a package after its folder); never
    the name of a file that exists."""
    first = PurePosixPath(changed[0]) if changed else PurePosixPath("change.py")
    stem = first.parent.name if first.stem == "__init__" else first.stem
    use_tests = new_package or (root / "tests").is_dir()
    folder = PurePosixPath("tests") if use_tests else first.parent
    name = f"test_{stem}.py" if new_package else f"test_{stem}_change.py"
    candidate = (folder / name).as_posix()
    if (root / candidate).exists():
        candidate = (folder / f"test_{stem}_{thread_id[:8]}.py").as_posix()
    return candidate
