"""The file operations of a change set: stage, roll forward, roll back.

Each step is idempotent, so recovery may repeat a step that a killed process
had half done (or that a killed recovery had half done).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tta_codegen.changes._journal import Entry, Journal, fsync_dir
from tta_codegen.changes._paths import file_digest

__all__ = [
    "Staged",
    "Step",
    "StepHook",
    "can_roll_forward",
    "roll_back",
    "roll_forward",
    "side_file",
    "stage",
]

Step = Literal["prepared", "staged", "committed", "replaced", "finished"]
"""Points of an apply: journal written, new contents and backups on disk,
commit point passed, one target replaced (or deleted), everything done."""
StepHook = Callable[[Step, str], None]
"""Called after each step with the step and the file it concerns (or "")."""

_NO_LINK = {errno.EPERM, errno.EMLINK, errno.EXDEV, errno.ENOTSUP, errno.EACCES}


@dataclass(frozen=True)
class Staged:
    """One journal entry with what is needed to stage it."""

    entry: Entry
    after: str | None
    """The new text (None: delete)."""
    mode: int
    """Permission bits the new file gets."""
    owner: tuple[int, int] | None
    """uid and gid of the file it replaces (kept when we may set them)."""


def side_file(target: Path, journal_id: str, kind: Literal["new", "old"]) -> Path:
    """A temporary or backup name beside ``target`` (same folder: same disk,
    so renames are atomic and links possible)."""
    return target.with_name(f".{target.name[:200]}.{journal_id}.tta-{kind}")


def _parents(paths: Iterable[str]) -> list[Path]:
    return sorted({Path(p).parent for p in paths})


def _fsync_parents(paths: Iterable[str]) -> None:
    for folder in _parents(paths):
        if folder.is_dir():
            fsync_dir(folder)


def _chown(fd_or_path: int | str, owner: tuple[int, int] | None) -> None:
    if owner is not None and os.geteuid() == 0:
        with contextlib.suppress(PermissionError):
            os.chown(fd_or_path, *owner)


def _write_temp(
    path: Path, text: str, mode: int, owner: tuple[int, int] | None
) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(text.encode("utf-8"))
        handle.flush()
        _chown(handle.fileno(), owner)
        os.fchmod(handle.fileno(), mode)
        os.fsync(handle.fileno())


def _keep_backup(target: Path, backup: Path, owner: tuple[int, int] | None) -> None:
    """A hard link to the old file (free, keeps mode and owner), else a copy."""
    try:
        os.link(target, backup, follow_symlinks=False)
        return
    except OSError as exc:
        if exc.errno not in _NO_LINK:
            raise
    shutil.copy2(target, backup)
    _chown(str(backup), owner)
    with open(backup, "rb") as handle:
        os.fsync(handle.fileno())


def stage(journal: Journal, items: Sequence[Staged]) -> None:
    """Make the new folders, write every new content beside its target and keep
    a backup of every old one; all durable before the commit point."""
    for folder in journal.created_dirs:
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder)  # 0777 less the umask, like any new folder
        fsync_dir(Path(folder).parent)
    for item in items:
        entry = item.entry
        if entry.temp is not None and item.after is not None:
            _write_temp(Path(entry.temp), item.after, item.mode, item.owner)
        if entry.backup is not None:
            _keep_backup(Path(entry.target), Path(entry.backup), item.owner)
    _fsync_parents(e.target for e in journal.entries)


def can_roll_forward(journal: Journal) -> bool:
    """True when every new content is still staged or already in place."""
    return all(
        entry.temp is None
        or Path(entry.temp).exists()
        or file_digest(Path(entry.target)) == entry.after_digest
        for entry in journal.entries
    )


def roll_forward(journal: Journal, on_step: StepHook | None = None) -> None:
    """Put every staged content in place (rename) and delete what goes; then
    drop the backups. Repeating it after a kill finishes the job."""
    for entry in journal.entries:
        target = Path(entry.target)
        if entry.temp is None:
            target.unlink(missing_ok=True)
        elif Path(entry.temp).exists():
            os.replace(entry.temp, target)
        if on_step is not None:
            on_step("replaced", entry.target)
    _fsync_parents(e.target for e in journal.entries)
    for entry in journal.entries:
        if entry.backup is not None:
            Path(entry.backup).unlink(missing_ok=True)
    _fsync_parents(e.target for e in journal.entries)


def _restore(entry: Entry, committed: bool) -> bool:
    """Put one target back; False when its old content is lost."""
    target = Path(entry.target)
    if entry.backup is not None:
        backup = Path(entry.backup)
        if backup.exists():
            if committed:  # before the commit the target was never touched
                os.replace(backup, target)
            backup.unlink(missing_ok=True)
            return True
        return file_digest(target) == entry.before_digest
    if target.exists() and file_digest(target) == entry.after_digest:
        target.unlink()
    return True


def roll_back(journal: Journal) -> list[str]:
    """Put every target back as it was, drop the staged contents and the
    folders made for new files. Returns the targets that could not be put back."""
    committed = journal.state == "committed"
    lost: list[str] = []
    for entry in journal.entries:
        if entry.temp is not None:
            Path(entry.temp).unlink(missing_ok=True)
        if not _restore(entry, committed):
            lost.append(entry.target)
    for folder in reversed(journal.created_dirs):
        with contextlib.suppress(OSError):  # not empty: someone else's files
            os.rmdir(folder)
    _fsync_parents([*(e.target for e in journal.entries), *journal.created_dirs])
    return lost
