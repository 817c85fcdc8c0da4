"""Reading what models answer: one module, its tests, or edits to several files.

``read_module_answer`` turns an answer into the complete file asked for (or says
why it cannot, so the model is asked again); ``apply_edits`` applies an answer's
SEARCH/REPLACE blocks, unified diff or whole files to a set of files, strictly.
Formats and outcomes: docs/answers.md.
"""

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
