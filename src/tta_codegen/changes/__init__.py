"""All-or-nothing writes of a set of files, with recovery and undo.

A run reads its files (``read_original`` + ``snapshot``), proposes a
``ChangeSet`` (before and after text per file), and ``apply`` writes every file
or none, even when the process is killed mid-write; ``recover`` finishes or rolls
back what a killed process left; ``undo`` puts the files back as they were,
unless someone edited them since. See docs/changes.md.
"""

from __future__ import annotations

from tta_codegen.changes._model import (
    ChangeSet,
    FileChange,
    FileDiff,
    change_set_of,
    digest_text,
)
from tta_codegen.changes._paths import inside_root, read_original, snapshot
from tta_codegen.changes._steps import Step, StepHook
from tta_codegen.changes.apply import (
    Recovered,
    UndoOutcome,
    apply,
    journal_dir_of,
    recover,
    undo,
)

__all__ = [
    "ChangeSet",
    "FileChange",
    "FileDiff",
    "Recovered",
    "Step",
    "StepHook",
    "UndoOutcome",
    "apply",
    "change_set_of",
    "digest_text",
    "inside_root",
    "journal_dir_of",
    "read_original",
    "recover",
    "snapshot",
    "undo",
]
