"""``apply``, ``undo`` and ``recover``: files change all at once or not at all.

``apply`` checks under the journal folder's lock that no file changed since the
run read it, then: writes a ``prepared`` journal; stages every new content in a
temporary file beside its target (fsync) and keeps a backup (hard link) of every
old one; rewrites the journal ``committed`` (the commit point); renames each
temporary file into place and deletes what goes; drops the backups and the
journal. A process killed before the commit point leaves files untouched and
``recover`` rolls the staging back; killed after it, ``recover`` rolls forward.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tta_codegen.changes._journal import (
    Entry,
    Journal,
    journal_lock,
    list_journals,
    new_journal_id,
    read_journal,
    remove_journal,
    write_journal,
)
from tta_codegen.changes._model import ChangeSet, FileChange, digest_text
from tta_codegen.changes._paths import file_digest, inside_root, resolve_root
from tta_codegen.changes._steps import (
    Staged,
    StepHook,
    can_roll_forward,
    roll_back,
    roll_forward,
    side_file,
    stage,
)
from tta_codegen.errors import ChangeError, ConflictError, RecoveryError
from tta_codegen.files import current_umask

__all__ = ["Recovered", "UndoOutcome", "apply", "journal_dir_of", "recover", "undo"]


@dataclass(frozen=True)
class _Target:
    change: FileChange
    path: Path
    """Resolved target."""
    mode: int | None
    """Permission bits of the file there now (None: no file)."""
    owner: tuple[int, int] | None


@dataclass(frozen=True)
class Recovered:
    """One interrupted change set that ``recover`` finished or rolled back."""

    journal: str
    """Its journal id."""
    direction: Literal["forward", "back"]
    """forward: every file got its new content; back: every file is as before."""
    paths: tuple[str, ...]
    """The files it concerned."""


@dataclass(frozen=True)
class UndoOutcome:
    """What ``undo`` did."""

    restored: tuple[FileChange, ...]
    """Files put back (their ``after`` is what they hold now)."""
    already_undone: bool
    """Every file was already as it was before the run: nothing was written."""


def _targets(change_set: ChangeSet) -> list[_Target]:
    root = resolve_root(change_set.root)
    seen: dict[Path, str] = {}
    found: list[_Target] = []
    for change in change_set.changes:
        if not Path(change.path).is_absolute():
            raise ChangeError(f"a change set path must be absolute: {change.path}")
        path = inside_root(root, change.path)
        if path in seen:
            raise ChangeError(f"{change.path} and {seen[path]} are the same file")
        seen[path] = change.path
        try:
            info = path.stat()
        except FileNotFoundError:
            found.append(_Target(change, path, None, None))
            continue
        except OSError as exc:  # a parent that is a file, a name too long...
            raise ChangeError(f"cannot write {change.path}: {exc.strerror}") from exc
        owner = (info.st_uid, info.st_gid)
        found.append(_Target(change, path, info.st_mode & 0o7777, owner))
    return found


def _check_conflicts(
    targets: Sequence[_Target], expected: Mapping[str, str | None] | None, what: str
) -> None:
    changed = []
    for target in targets:
        path = target.change.path
        if expected is not None and path in expected:
            wanted = expected[path]
        else:
            wanted = digest_text(target.change.before)
        if file_digest(target.path) != wanted:
            changed.append(path)
    if changed:
        raise ConflictError(
            f"{len(changed)} file(s) changed on disk {what}: {', '.join(changed)}; "
            "nothing was written",
            paths=tuple(changed),
            hint="look at the changes on disk, then run again on the current files",
        )


def _missing_dirs(path: Path) -> list[str]:
    missing: list[str] = []
    folder = path.parent
    while not folder.exists():
        missing.append(str(folder))
        folder = folder.parent
    return list(reversed(missing))


def _plan(targets: Sequence[_Target], journal_id: str) -> tuple[Journal, list[Staged]]:
    umask = current_umask()
    entries: list[Entry] = []
    items: list[Staged] = []
    dirs: list[str] = []
    for target in targets:
        change, path = target.change, target.path
        if change.after is not None:
            dirs += [d for d in _missing_dirs(path) if d not in dirs]
        entry = Entry(
            target=str(path),
            temp=None
            if change.after is None
            else str(side_file(path, journal_id, "new")),
            backup=None
            if target.mode is None
            else str(side_file(path, journal_id, "old")),
            before_digest=file_digest(path),
            after_digest=digest_text(change.after),
        )
        mode = target.mode
        if mode is None:
            mode = change.mode if change.mode is not None else 0o666 & ~umask
        entries.append(entry)
        items.append(Staged(entry, change.after, mode, target.owner))
    journal = Journal(
        id=journal_id,
        state="prepared",
        entries=tuple(entries),
        created_dirs=tuple(dirs),
    )
    return journal, items


def _as_applied(change_set: ChangeSet, targets: Sequence[_Target]) -> ChangeSet:
    """The set as written: each change records the mode its file had before."""
    return change_set.model_copy(
        update={
            "changes": tuple(
                t.change.model_copy(update={"mode": t.mode})
                if t.mode is not None
                else t.change
                for t in targets
            )
        }
    )


def _failed(journal_dir: Path, journal: Journal, exc: OSError) -> ChangeError:
    """Roll back after a failed write; the error to raise."""
    lost = roll_back(journal)
    where = exc.filename or ""
    if lost:
        return RecoveryError(
            f"writing {where} failed ({exc.strerror}) and {', '.join(lost)} could "
            "not be put back",
            hint=f"the journal {journal.id} in {journal_dir} is kept; see "
            "docs/changes.md",
        )
    remove_journal(journal_dir, journal.id)
    return ChangeError(f"cannot write {where}: {exc.strerror}; nothing was changed")


def apply(
    change_set: ChangeSet,
    *,
    journal_dir: Path,
    expected: Mapping[str, str | None] | None = None,
    on_step: StepHook | None = None,
) -> ChangeSet:
    """Write every file of the set, or none (even if the process is killed).

    ``expected`` is the ``snapshot`` taken when the files were read (a path
    missing from it is expected to hold its ``before`` text). A file that
    differs raises ``ConflictError`` naming it, and nothing is written. Every
    path must stay inside ``change_set.root``. Returns the set as applied (each
    change records its file's mode, for undo). ``on_step`` sees each step.
    """
    targets = _targets(change_set)
    with journal_lock(journal_dir):
        _check_conflicts(targets, expected, "since they were read")
        active = [t for t in targets if t.change.kind != "unchanged"]
        if active:
            _write_all(journal_dir, active, on_step)
    return _as_applied(change_set, targets)


def _write_all(
    journal_dir: Path, targets: Sequence[_Target], on_step: StepHook | None
) -> None:
    journal, items = _plan(targets, new_journal_id())
    write_journal(journal_dir, journal)
    _notify(on_step, "prepared")
    try:
        stage(journal, items)
    except OSError as exc:
        raise _failed(journal_dir, journal, exc) from exc
    except BaseException:
        roll_back(journal)
        remove_journal(journal_dir, journal.id)
        raise
    _notify(on_step, "staged")
    journal = journal.committed()
    write_journal(journal_dir, journal)
    _notify(on_step, "committed")
    try:
        roll_forward(journal, on_step)
    except OSError as exc:
        raise _failed(journal_dir, journal, exc) from exc
    remove_journal(journal_dir, journal.id)
    _notify(on_step, "finished")


def _notify(
    on_step: StepHook | None,
    step: Literal["prepared", "staged", "committed", "finished"],
) -> None:
    if on_step is not None:
        on_step(step, "")


def undo(
    change_set: ChangeSet, *, journal_dir: Path, on_step: StepHook | None = None
) -> UndoOutcome:
    """Put every file of an applied set back as it was before (delete the files
    it created, bring back those it deleted), all or nothing.

    Refused with ``ConflictError`` (nothing touched) when a file no longer
    holds what the set wrote, e.g. after a human edit. When every file already
    holds its ``before`` text there is nothing to do (``already_undone``).
    """
    paths = change_set.paths
    now = {p: file_digest(Path(p)) for p in paths}
    if all(now[c.path] == digest_text(c.before) for c in change_set.changes):
        return UndoOutcome(restored=(), already_undone=True)
    written = {c.path: digest_text(c.after) for c in change_set.changes}
    inverse = change_set.inverse()
    try:
        apply(inverse, journal_dir=journal_dir, expected=written, on_step=on_step)
    except ConflictError as exc:
        raise ConflictError(
            f"{len(exc.paths)} file(s) changed since the run wrote them: "
            f"{', '.join(exc.paths)}; nothing was undone",
            paths=exc.paths,
            hint="undo would lose those edits: put them aside, or revert by hand",
        ) from None
    return UndoOutcome(
        restored=tuple(c for c in inverse.changes if c.kind != "unchanged"),
        already_undone=False,
    )


def recover(journal_dir: Path, *, on_step: StepHook | None = None) -> list[Recovered]:
    """Finish or roll back change sets a killed process left half applied.

    Call it when any command that writes starts: without a journal it costs one
    directory listing. A committed set whose new contents are all staged rolls
    forward; any other rolls back to the backups. RecoveryError (the journal is
    kept) when a file's old content is gone. ``on_step`` sees each file
    replaced while rolling forward.
    """
    if not list_journals(journal_dir):
        return []
    done: list[Recovered] = []
    with journal_lock(journal_dir):
        for path in list_journals(journal_dir):
            done.append(_recover_one(journal_dir, read_journal(path), on_step))
        for stale in journal_dir.glob(".*.tmp"):
            stale.unlink(missing_ok=True)
    return done


def _recover_one(
    journal_dir: Path, journal: Journal, on_step: StepHook | None
) -> Recovered:
    paths = tuple(e.target for e in journal.entries)
    if journal.state == "committed" and can_roll_forward(journal):
        roll_forward(journal, on_step)
        remove_journal(journal_dir, journal.id)
        return Recovered(journal.id, "forward", paths)
    lost = roll_back(journal)
    if lost:
        raise RecoveryError(
            f"an interrupted change set could not be rolled back: the old content "
            f"of {', '.join(lost)} is gone",
            hint=f"journal {journal.id} in {journal_dir} is kept; see docs/changes.md",
        )
    remove_journal(journal_dir, journal.id)
    return Recovered(journal.id, "back", paths)


def journal_dir_of(state_dir: Path) -> Path:
    """Where the change journals of a tta-codegen state folder live."""
    return state_dir / "changes"
