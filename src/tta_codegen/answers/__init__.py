"""Reading what models answer: one module, its tests, or edits to several files.

``read_module_answer`` turns an answer into the complete file asked for (or says
why it cannot, so the model is asked again); ``apply_edits`` applies an answer's
SEARCH/REPLACE blocks, unified diff or whole files to a set of files, strictly.
Formats and outcomes: docs/answers.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tta_codegen._lazy import lazy_exports

if TYPE_CHECKING:
    from tta_codegen.answers.edits import (
        EditOutcome,
        apply_edits,
        normalise_path,
        unified_diff,
    )
    from tta_codegen.answers.fences import Block, blocks
    from tta_codegen.answers.module_answer import ModuleAnswer, read_module_answer
    from tta_codegen.answers.notes import AnswerNote

__all__ = [
    "AnswerNote",
    "Block",
    "EditOutcome",
    "ModuleAnswer",
    "apply_edits",
    "blocks",
    "normalise_path",
    "read_module_answer",
    "unified_diff",
]

# loaded when first used: a run reads its first answer after the request left
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "AnswerNote": "tta_codegen.answers.notes",
        "Block": "tta_codegen.answers.fences",
        "EditOutcome": "tta_codegen.answers.edits",
        "ModuleAnswer": "tta_codegen.answers.module_answer",
        "apply_edits": "tta_codegen.answers.edits",
        "blocks": "tta_codegen.answers.fences",
        "normalise_path": "tta_codegen.answers.edits",
        "read_module_answer": "tta_codegen.answers.module_answer",
        "unified_diff": "tta_codegen.answers.edits",
    },
)
