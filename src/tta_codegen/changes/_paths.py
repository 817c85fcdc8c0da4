"""Where a change set may write, and reading files exactly as they are."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path, PurePath

from tta_codegen.changes._model import digest
from tta_codegen.errors import InputError, UnsafePathError

__all__ = ["inside_root", "read_original", "resolve_root", "snapshot"]


def resolve_root(root: str | Path) -> Path:
    """The root folder with symlinks resolved; it must exist."""
    path = Path(root)
    if not path.is_absolute():
        raise UnsafePathError(f"the change set's root must be absolute: {root}")
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        raise UnsafePathError(f"the change set's root does not exist: {root}") from exc
    if not resolved.is_dir():
        raise UnsafePathError(f"the change set's root is not a folder: {root}")
    return resolved


def inside_root(root: str | Path, path: str | Path) -> Path:
    """``path`` (absolute, or relative to ``root``) with symlinks resolved, or
    UnsafePathError when it leaves ``root`` or is not a (future) regular file."""
    base = resolve_root(root)
    given = PurePath(path)
    if ".." in given.parts:
        raise UnsafePathError(f"{path}: '..' is not allowed in a path to write")
    full = Path(root) / given if not given.is_absolute() else Path(given)
    try:
        resolved = full.resolve(strict=False)
    except (OSError, RuntimeError) as exc:  # a symlink loop
        raise UnsafePathError(f"{path}: cannot be resolved ({exc})") from exc
    if resolved == base or not resolved.is_relative_to(base):
        raise UnsafePathError(
            f"{path} is outside {root}",
            hint="only files inside the project folder can be written",
        )
    if resolved.exists() and not resolved.is_file():
        raise UnsafePathError(f"{path} exists and is not a regular file")
    return resolved


def _read_bytes(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except IsADirectoryError as exc:
        raise InputError(f"{path} is a folder, not a file") from exc
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc


def read_original(path: str | Path) -> str | None:
    """A file's exact text (UTF-8, line endings untouched) for ``FileChange.before``;
    None when it does not exist."""
    data = _read_bytes(Path(path))
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text") from exc


def file_digest(path: Path) -> str | None:
    """The digest of a file's bytes, None when it does not exist."""
    data = _read_bytes(path)
    return None if data is None else digest(data)


def snapshot(paths: Iterable[str | Path]) -> dict[str, str | None]:
    """Content digests of ``paths`` now (None for a missing file), keyed by the
    path as given: take it when a run reads its files, pass it to ``apply``."""
    return {os.fspath(p): file_digest(Path(p)) for p in paths}
