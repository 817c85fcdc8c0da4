"""The value types of a change set: what a run wants each file to become."""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ChangeSet", "FileChange", "FileDiff", "digest", "digest_text"]


def digest(data: bytes) -> str:
    """The content digest used to notice changes: sha256, hex."""
    return hashlib.sha256(data).hexdigest()


def digest_text(text: str | None) -> str | None:
    """The digest of a file holding ``text`` (UTF-8); None for no file."""
    return None if text is None else digest(text.encode("utf-8"))


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FileChange(_Value):
    """One file: its content before the run and the content the run wants."""

    path: str
    """Absolute path of the file."""
    before: str | None
    """The file's exact text when the run read it; None: it did not exist."""
    after: str | None
    """The text the run wants; None: delete the file."""
    mode: int | None = None
    """Permission bits the file had before (set by ``apply``); a file created by
    this change gets them, else 0666 less the umask. Lets undo bring back a
    deleted executable as it was."""

    @property
    def kind(self) -> str:
        """created, deleted, modified or unchanged."""
        if self.before is None:
            return "unchanged" if self.after is None else "created"
        if self.after is None:
            return "deleted"
        return "unchanged" if self.before == self.after else "modified"

    def inverse(self) -> FileChange:
        """The change that puts the file back as it was before this one."""
        return FileChange(
            path=self.path, before=self.after, after=self.before, mode=self.mode
        )


class FileDiff(_Value):
    """A unified diff of one file, with its line counts."""

    path: str
    """The file, as shown in the diff header (relative to the set's root)."""
    kind: str
    """created, deleted, modified or unchanged."""
    diff: str
    """Unified diff text (empty when unchanged)."""
    added: int
    """Lines added."""
    removed: int
    """Lines removed."""


class ChangeSet(_Value):
    """Files a run changes together: all of them are written, or none."""

    root: str
    """Absolute folder every path must stay inside (symlinks resolved)."""
    changes: tuple[FileChange, ...] = Field(default=())
    """One entry per file, in the order they were produced."""

    @property
    def paths(self) -> tuple[str, ...]:
        """Every file of the set, in order."""
        return tuple(change.path for change in self.changes)

    def relative(self, path: str) -> str:
        """``path`` as shown to people: relative to the root when inside it."""
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return path

    def inverse(self) -> ChangeSet:
        """The set that puts every file back as it was (used by undo)."""
        return ChangeSet(
            root=self.root, changes=tuple(c.inverse() for c in self.changes)
        )

    def diffs(self, context: int = 3) -> list[FileDiff]:
        """A unified diff per file (difflib), with added/removed line counts."""
        return [self._diff(change, context) for change in self.changes]

    def _diff(self, change: FileChange, context: int) -> FileDiff:
        name = self.relative(change.path)
        old = (change.before or "").splitlines(keepends=True)
        new = (change.after or "").splitlines(keepends=True)
        lines = list(
            difflib.unified_diff(
                old,
                new,
                fromfile="/dev/null" if change.before is None else f"a/{name}",
                tofile="/dev/null" if change.after is None else f"b/{name}",
                n=context,
            )
        )
        body = lines[2:]
        added = sum(1 for line in body if line.startswith("+"))
        removed = sum(1 for line in body if line.startswith("-"))
        text = "".join(
            line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
            for line in lines
        )
        return FileDiff(
            path=name, kind=change.kind, diff=text, added=added, removed=removed
        )

    def diff_text(self) -> str:
        """Every file's diff, one after the other (for a terminal or a review)."""
        return "".join(d.diff for d in self.diffs())


def change_set_of(
    root: str, originals: Mapping[str, str | None], files: Mapping[str, str | None]
) -> ChangeSet:
    """The change from ``originals`` to ``files`` (both by path relative to
    ``root``): every file whose text differs, created, modified or deleted."""
    base = Path(root)
    return ChangeSet(
        root=str(base),
        changes=tuple(
            FileChange(path=str(base / rel), before=originals.get(rel), after=text)
            for rel, text in sorted(files.items())
            if text != originals.get(rel)
        ),
    )
