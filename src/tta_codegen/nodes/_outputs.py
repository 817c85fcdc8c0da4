"""Writing a run's accepted files: never over a file nobody allowed to be
replaced, and a write that fails is an error the run resumes from."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tta_codegen.changes import ChangeSet
from tta_codegen.errors import ExistingFileError, WriteError
from tta_codegen.files import atomic_write

__all__ = ["claim_existing", "write_files"]


def write_files(
    files: Mapping[Path, str], *, may_replace: bool, thread_id: str
) -> None:
    """Write each file atomically. ExistingFileError (nothing written) when one
    exists with other content and ``may_replace`` is off; WriteError when the
    operating system refuses a write."""
    if not may_replace:
        _refuse(
            tuple(str(p) for p, text in files.items() if _differs(p, text)), thread_id
        )
    for path, text in files.items():
        try:
            atomic_write(path, text)
        except OSError as exc:
            raise WriteError(
                f"cannot write {path}: {exc.strerror or exc}; the run's work is kept",
                hint=f"fix it, then `tta-codegen resume {thread_id}`",
            ) from None


def claim_existing(
    change_set: ChangeSet, *, may_replace: bool, thread_id: str
) -> ChangeSet:
    """``change_set`` with the files it would create that exist by now taken
    as what they replace (when ``may_replace``), else ExistingFileError."""
    found = {
        c.path: Path(c.path).read_text(encoding="utf-8")
        for c in change_set.changes
        if c.before is None and Path(c.path).is_file()
    }
    if not found:
        return change_set
    if not may_replace:
        _refuse(tuple(found), thread_id)
    changes = tuple(
        c.model_copy(update={"before": found[c.path]}) if c.path in found else c
        for c in change_set.changes
    )
    return change_set.model_copy(update={"changes": changes})


def _differs(path: Path, text: str) -> bool:
    if not path.exists():
        return False
    try:
        return path.read_text(encoding="utf-8") != text
    except (OSError, UnicodeDecodeError):
        return True


def _refuse(existing: tuple[str, ...], thread_id: str) -> None:
    if existing:
        raise ExistingFileError(
            f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''}"
            ": nothing was written",
            paths=existing,
            hint=f"move it away and `tta-codegen resume {thread_id}`, "
            "or start again with --force",
        )
