"""Helpers to build change sets over a project on disk and to look at it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tta_codegen.changes import ChangeSet, FileChange, read_original


def change_set(root: Path, files: Mapping[str, str | None]) -> ChangeSet:
    """Each ``root/name`` from what it holds now to ``files[name]`` (None: delete)."""
    return ChangeSet(
        root=str(root),
        changes=tuple(
            FileChange(
                path=str(root / name), before=read_original(root / name), after=after
            )
            for name, after in files.items()
        ),
    )


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` (relative name -> text), hidden ones included."""
    return {
        p.relative_to(root).as_posix(): p.read_text()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def side_files(root: Path) -> list[str]:
    """Temporary and backup files a change set may leave beside its targets."""
    return sorted(p.name for p in root.rglob("*") if ".tta-" in p.name)
