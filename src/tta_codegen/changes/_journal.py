"""The intent journal of a change set, and the lock that serialises writers.

A journal names every target with the temporary file holding its new content
and the backup (a hard link, else a copy) of its old content. It is written
``prepared`` before anything else exists, and rewritten ``committed`` once every
temporary file and backup is on disk: that rewrite is the commit point.
"""

from __future__ import annotations

import fcntl
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from tta_codegen.errors import RecoveryError

__all__ = [
    "Entry",
    "Journal",
    "fsync_dir",
    "journal_lock",
    "list_journals",
    "new_journal_id",
    "read_journal",
    "remove_journal",
    "write_journal",
]

SUFFIX = ".journal.json"
LOCK_NAME = "lock"


class Entry(BaseModel):
    """One target of a change set, as the journal records it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    target: str
    """The file to change (resolved, absolute)."""
    temp: str | None
    """Where its new content is staged; None: the target is deleted."""
    backup: str | None
    """Where its old content is kept; None: the target did not exist."""
    before_digest: str | None
    """Digest of the old content (None: no file)."""
    after_digest: str | None
    """Digest of the new content (None: no file)."""


class Journal(BaseModel):
    """The intent of one change set; present on disk only while it is applied."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    """Unique per apply; also part of every temporary and backup name."""
    state: Literal["prepared", "committed"]
    """prepared: roll back on recovery; committed: roll forward."""
    entries: tuple[Entry, ...]
    """Every target, in order."""
    created_dirs: tuple[str, ...] = ()
    """Folders made for new files, outermost first (removed on roll-back if empty)."""

    def committed(self) -> Journal:
        """The same journal past its commit point."""
        return self.model_copy(update={"state": "committed"})


def new_journal_id() -> str:
    """A short unique id (also used in temporary file names)."""
    return secrets.token_hex(6)


def fsync_dir(path: Path) -> None:
    """Make a folder's entries (renames, new and removed files) durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _path_of(journal_dir: Path, journal_id: str) -> Path:
    return journal_dir / f"{journal_id}{SUFFIX}"


def write_journal(journal_dir: Path, journal: Journal) -> None:
    """Write (or replace) the journal durably: temp file, fsync, rename, fsync dir."""
    target = _path_of(journal_dir, journal.id)
    temp = journal_dir / f".{journal.id}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, journal.model_dump_json().encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, target)
    fsync_dir(journal_dir)


def remove_journal(journal_dir: Path, journal_id: str) -> None:
    """Delete the journal: the change set is fully applied or fully undone."""
    _path_of(journal_dir, journal_id).unlink(missing_ok=True)
    fsync_dir(journal_dir)


def list_journals(journal_dir: Path) -> list[Path]:
    """Journals left in the folder (cheap: one directory listing)."""
    try:
        with os.scandir(journal_dir) as entries:
            return sorted(Path(e.path) for e in entries if e.name.endswith(SUFFIX))
    except FileNotFoundError:
        return []


def read_journal(path: Path) -> Journal:
    """Load one journal; RecoveryError when it cannot be understood."""
    try:
        return Journal.model_validate_json(path.read_bytes())
    except (OSError, ValidationError) as exc:
        raise RecoveryError(
            f"cannot read the change journal {path}",
            hint="the files it names may be half changed: inspect them, then "
            "delete the journal",
        ) from exc


@contextmanager
def journal_lock(journal_dir: Path) -> Iterator[None]:
    """Hold the folder's lock (one writer or recoverer at a time); the kernel
    releases it when the holder dies, even on kill -9."""
    journal_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(journal_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
