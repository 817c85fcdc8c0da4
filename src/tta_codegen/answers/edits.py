"""Edits to several files in one answer, applied strictly to the files given.

Accepted shapes, each marked with its file's path (see ``fences``): SEARCH/REPLACE
blocks, a unified diff (several files), or whole files. An edit whose text does
not match the current file exactly is a problem naming the file and showing the
nearest lines (the model is asked again); an edit to a file outside the allowed
set is refused; new files only when allowed; deletions only through a diff to
``/dev/null``.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from tta_codegen.answers._text import normalise
from tta_codegen.answers.fences import blocks
from tta_codegen.answers.notes import AnswerNote
from tta_codegen.answers.patches import (
    Hunk,
    Mismatch,
    apply_hunks,
    apply_replacement,
    parse_search_replace,
    parse_unified_diff,
)

__all__ = ["EditOutcome", "apply_edits", "normalise_path", "unified_diff"]

_MARKERS = re.compile(r"^(?:<{7}|={7}|>{7}|@@ -\d)", re.MULTILINE)


@dataclass
class EditOutcome:
    """The files after the answer's edits, and what went wrong or was repaired."""

    contents: dict[str, str | None] = field(default_factory=dict)
    """New text per touched file (None: deleted)."""
    notes: list[AnswerNote] = field(default_factory=list)

    @property
    def needs_new_answer(self) -> bool:
        """Some edit did not apply (or nothing was edited): ask again."""
        return not self.contents or any(n.needs_new_answer for n in self.notes)


def normalise_path(path: str) -> str | None:
    """``path`` as a clean relative POSIX path, or None when it escapes the root."""
    clean = posixpath.normpath(path.replace("\\", "/").strip())
    clean = clean.removeprefix("./")
    if clean.startswith(("/", "../")) or clean in ("..", ".", ""):
        return None
    return clean


def unified_diff(path: str, before: str | None, after: str | None) -> str:
    """A unified diff of one file (``/dev/null`` for a created or deleted file)."""
    return "".join(
        difflib.unified_diff(
            (before or "").splitlines(keepends=True),
            (after or "").splitlines(keepends=True),
            fromfile=f"a/{path}" if before is not None else "/dev/null",
            tofile=f"b/{path}" if after is not None else "/dev/null",
        )
    )


class _Applier:
    def __init__(
        self,
        files: Mapping[str, str],
        allowed: set[str],
        may_create: bool | Callable[[str], bool],
    ) -> None:
        self.files = files
        self.allowed = allowed
        self.may_create = may_create
        self.out = EditOutcome()

    def current(self, path: str) -> str | None:
        if path in self.out.contents:
            return self.out.contents[path]
        return self.files.get(path)

    def target(self, raw: str | None) -> str | None:
        """The allowed path an edit is for, or None (with a problem noted)."""
        if raw is None:
            self.problem(
                "no-path",
                "an edit does not say which file it is for; put "
                "the path on the line before its block",
            )
            return None
        path = normalise_path(raw)
        if path is None:
            self.problem("path-outside", f"{raw}: outside the repository; refused")
            return None
        if path in self.allowed or path in self.out.contents:
            return path  # one of the run's files, or one this answer created
        creatable = path not in self.files and (
            self.may_create(path) if callable(self.may_create) else self.may_create
        )
        if not creatable:
            listed = ", ".join(sorted(self.allowed))
            self.problem(
                "file-not-allowed",
                f"{path}: not one of the files this run may change ({listed}); refused",
            )
            return None
        return path

    def problem(self, code: str, message: str) -> None:
        self.out.notes.append(AnswerNote(code, "error", message))

    def mismatch(self, path: str, miss: Mismatch) -> None:
        self.problem(
            "edit-mismatch",
            miss.describe(path) + "; copy the SEARCH text exactly from the file",
        )


def apply_edits(
    answer: str,
    files: Mapping[str, str],
    *,
    allowed: set[str],
    may_create: bool | Callable[[str], bool] = False,
) -> EditOutcome:
    """Apply the edits in ``answer`` to ``files`` (relative path -> text).

    ``allowed`` are the relative paths the run may change; a new file needs
    ``may_create`` (True, or a function saying yes for that path: e.g. only
    paths that do not exist yet). Returns the new contents of every touched
    file and notes.
    """
    text, notes = normalise(answer)
    run = _Applier(files, allowed, may_create)
    run.out.notes.extend(notes)
    replacements = parse_search_replace(text)
    if replacements:
        for replacement in replacements:
            path = run.target(replacement.path)
            if path is None:
                continue
            applied = apply_replacement(run.current(path) or "", replacement)
            if isinstance(applied, Mismatch):
                run.mismatch(path, applied)
                continue
            run.out.contents[path] = applied[0]
            if not applied[1]:
                run.out.notes.append(
                    AnswerNote(
                        "edit-whitespace",
                        "info",
                        f"{path}: a SEARCH block matched ignoring trailing whitespace",
                    )
                )
        return run.out
    diff_text = next((b.text for b in blocks(text) if b.is_diff), text)
    diffs = parse_unified_diff(diff_text)
    if diffs:
        _apply_diffs(run, diffs)
        return run.out
    for block in blocks(text):
        if not block.is_python and block.path is None:
            continue
        path = run.target(block.path)
        if path is None:
            continue
        if _MARKERS.search(block.text):
            run.problem(
                "malformed-edit",
                f"{path}: the block holds edit markers (SEARCH/REPLACE or diff) but "
                "not in a form that can be applied; each SEARCH and REPLACE part "
                "must be whole lines",
            )
            continue
        run.out.contents[path] = block.text
    if not run.out.contents and not run.out.notes:
        run.problem(
            "no-edits",
            "the answer held no edits: send SEARCH/REPLACE blocks, "
            "a unified diff or whole files, each with its path",
        )
    return run.out


def _apply_diffs(run: _Applier, diffs: dict[str, list[Hunk]]) -> None:
    for key, hunks in diffs.items():
        deleting = key.startswith("-")
        path = run.target(key[1:] if deleting else key)
        if path is None:
            continue
        if deleting:
            run.out.contents[path] = None
            continue
        applied = apply_hunks(run.current(path) or "", hunks)
        if isinstance(applied, Mismatch):
            run.mismatch(path, applied)
        else:
            run.out.contents[path] = applied
