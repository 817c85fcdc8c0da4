"""Edit distance after generation: how much people changed the files a run wrote.

For each path, only the newest run's write counts (a later run overwriting the
file is not a human edit). The current text comes from disk, or, for a file no
longer in the working tree, from ``git show HEAD:<path>``.
"""

from __future__ import annotations

import difflib
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tta_codegen.processes import run_process
from tta_codegen.report.records import FileKind, RunRecord, WrittenFile

__all__ = [
    "FileEdit",
    "Source",
    "changed_share",
    "latest_writes",
    "measure_edits",
    "read_current",
]

Source = Literal["disk", "git", "missing"]
_GIT_TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class FileEdit:
    """One generated file and how much of it changed since the run wrote it."""

    thread_id: str
    """The run that wrote it last."""
    path: str
    """The path as resolved for reading."""
    kind: FileKind
    """code or tests."""
    source: Source
    """Where the current text came from."""
    changed_share: float | None
    """0 (untouched) to 1 (rewritten); None when the file is gone."""


def changed_share(written: str, current: str) -> float:
    """1 - difflib's similarity ratio over lines: the share of lines changed."""
    before, after = written.splitlines(), current.splitlines()
    if not before and not after:
        return 0.0
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return round(1.0 - matcher.ratio(), 6)


def _resolve(path: str, root: Path) -> Path:
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else root / candidate


def latest_writes(
    records: Sequence[RunRecord], root: Path
) -> list[tuple[RunRecord, WrittenFile, Path]]:
    """The newest run's write of every path (relative paths under ``root``)."""
    newest: dict[Path, tuple[RunRecord, WrittenFile, Path]] = {}
    for record in sorted(records, key=lambda r: r.finished_at):
        for written in record.files:
            resolved = _resolve(written.path, root)
            newest[resolved] = (record, written, resolved)
    return sorted(newest.values(), key=lambda item: str(item[2]))


async def _git_head_text(path: Path) -> str | None:
    git = shutil.which("git")
    folder = path.parent
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    if git is None:
        return None
    top = await run_process(
        [git, "rev-parse", "--show-toplevel"], cwd=folder, timeout_s=_GIT_TIMEOUT_S
    )
    if top.returncode != 0:
        return None
    try:
        relative = path.resolve().relative_to(Path(top.stdout.strip()).resolve())
    except ValueError:
        return None
    shown = await run_process(
        [git, "show", f"HEAD:{relative.as_posix()}"],
        cwd=top.stdout.strip(),
        timeout_s=_GIT_TIMEOUT_S,
    )
    return shown.stdout if shown.returncode == 0 else None


async def read_current(path: Path) -> tuple[str | None, Source]:
    """The file's text now: from disk, else from git's HEAD, else missing."""
    try:
        return path.read_text(encoding="utf-8", errors="replace"), "disk"
    except OSError:
        pass
    text = await _git_head_text(path)
    return (text, "git") if text is not None else (None, "missing")


async def measure_edits(records: Sequence[RunRecord], root: Path) -> list[FileEdit]:
    """How much each file the runs wrote has changed since (newest write per path)."""
    edits: list[FileEdit] = []
    for record, written, resolved in latest_writes(records, root):
        current, source = await read_current(resolved)
        edits.append(
            FileEdit(
                thread_id=record.thread_id,
                path=str(resolved),
                kind=written.kind,
                source=source,
                changed_share=None
                if current is None
                else changed_share(written.text, current),
            )
        )
    return edits
