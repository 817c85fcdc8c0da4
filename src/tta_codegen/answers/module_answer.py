"""One module (or its tests) out of a model's answer, however it was written.

Handled: prose around the code; several blocks (module, usage example, tests);
module and tests in one answer; no fence; a fence cut off; an answer cut at the
token limit; placeholders and left-out definitions (merged back from the previous
draft when clearly partial); a unified diff or SEARCH/REPLACE blocks against the
previous draft; tests importing the module under another name; refusals and
empty answers; CRLF, a byte-order mark, tab indentation. Every repair or problem
is an ``AnswerNote`` the caller turns into a finding.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from tta_codegen.answers._text import expand_tabs, normalise, parses
from tta_codegen.answers.fences import Block, blocks, unterminated_block
from tta_codegen.answers.notes import AnswerNote
from tta_codegen.answers.partial import assess, merge
from tta_codegen.answers.patches import (
    Mismatch,
    apply_hunks,
    apply_replacement,
    parse_search_replace,
    parse_unified_diff,
)
from tta_codegen.finish_reasons import RUNAWAY

__all__ = ["ModuleAnswer", "read_module_answer"]

Target = Literal["code", "tests"]

_REFUSAL = re.compile(
    r"\b(?:I\s*(?:can(?:no|')t|am (?:not able|unable)|won't|will not)\s+"
    r"(?:help|assist|do|write|provide|comply)|I'm (?:sorry|afraid)|as an AI)\b",
    re.IGNORECASE,
)
_TEST_HINT = re.compile(
    r"^\s*(?:async\s+)?def test_|^\s*import pytest|^\s*from pytest", re.M
)
_KNOWN_TOP = frozenset(sys.stdlib_module_names) | {
    "pytest",
    "hypothesis",
    "unittest",
    "mock",
    "typing_extensions",
    "pydantic",
    "numpy",
    "pandas",
    "requests",
    "httpx",
    "redis",
    "fastapi",
    "sqlalchemy",
}


@dataclass(frozen=True)
class ModuleAnswer:
    """What an answer gave for the file asked for."""

    source: str | None
    """The complete file, or None when the answer cannot be used as one."""
    notes: tuple[AnswerNote, ...] = ()
    """Repairs made (warning/info) and problems (error: ask again)."""
    tests: str | None = None
    """Tests sent along with a module (used when none exist yet)."""
    partial: str | None = None
    """What arrived of an answer cut short, for a request to continue it."""

    @property
    def needs_new_answer(self) -> bool:
        """The answer cannot be used: ask the model again."""
        return self.source is None


def _is_tests(code: str) -> bool:
    return bool(_TEST_HINT.search(code))


def _looks_like_code(code: str) -> bool:
    """Prose that happens to parse (a name, a sentence) is not a module."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return False
    return any(
        not isinstance(node, ast.Expr) or isinstance(node.value, ast.Call)
        for node in tree.body
    )


@lru_cache(maxsize=16)
def _definitions(code: str) -> int:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return 0
    return sum(
        isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        for n in tree.body
    )


def _choose(candidates: list[Block], target: Target, module: str) -> Block | None:
    """The block that is the file asked for: it parses; tests for tests (naming
    the module), else the one defining the most (not a usage example)."""
    python = [b for b in candidates if b.is_python and b.text.strip()]
    if target == "tests":
        pool = [b for b in python if _is_tests(b.text)] or python
    else:
        pool = [b for b in python if not _is_tests(b.text)] or python
    if len(pool) == 1:
        return pool[0]  # nothing to rank (and a long block is parsed once less)

    def rank(block: Block) -> tuple[bool, bool, int, int]:
        return (
            parses(block.text),
            module in block.text if target == "tests" else True,
            _definitions(block.text),
            len(block.text),
        )

    return max(pool, key=rank, default=None)


def _edit_previous(
    text: str, previous: str
) -> tuple[str, AnswerNote] | AnswerNote | None:
    """The previous draft with the answer's SEARCH/REPLACE blocks or diff
    applied; a problem note when they do not apply; None when there are none."""
    replacements = parse_search_replace(text)
    if replacements:
        current, exact = previous, True
        for replacement in replacements:
            applied = apply_replacement(current, replacement)
            if isinstance(applied, Mismatch):
                return AnswerNote(
                    "edit-mismatch",
                    "error",
                    applied.describe("the draft")
                    + "; send SEARCH text copied exactly, or the whole file",
                )
            current, exact = applied[0], exact and applied[1]
        how = "exactly" if exact else "ignoring trailing whitespace"
        return current, AnswerNote(
            "edit-applied",
            "info",
            f"{len(replacements)} SEARCH/REPLACE block(s) applied to the draft {how}",
        )
    diff = text
    for block in blocks(text):
        if block.is_diff:
            diff = block.text
            break
    files = parse_unified_diff(diff)
    if not files:
        return None
    hunks = [h for hs in files.values() for h in hs]
    applied_diff = apply_hunks(previous, hunks)
    if isinstance(applied_diff, Mismatch):
        return AnswerNote(
            "diff-mismatch",
            "error",
            applied_diff.describe("the draft") + "; send the whole file instead",
        )
    return applied_diff, AnswerNote(
        "diff-applied", "info", f"a unified diff of {len(hunks)} hunk(s) was applied"
    )


def _rename_import(tests: str, module: str) -> tuple[str, AnswerNote | None]:
    """Tests importing the module under another name, pointed at ``module``."""
    try:
        tree = ast.parse(tests)
    except SyntaxError:
        return tests, None
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
    if module in names:
        return tests, None
    local = sorted(n for n in names if n not in _KNOWN_TOP)
    if len(local) != 1:
        return tests, None
    other = local[0]
    fixed = re.sub(
        rf"^(\s*from\s+){re.escape(other)}(\s+import\b)",
        rf"\g<1>{module}\2",
        tests,
        flags=re.M,
    )
    fixed = re.sub(
        rf"^(\s*import\s+){re.escape(other)}\b",
        rf"\g<1>{module} as {other}",
        fixed,
        flags=re.M,
    )
    if not parses(fixed):
        return tests, None
    return fixed, AnswerNote(
        "import-renamed",
        "warning",
        f"the tests imported {other!r}; they now import the module {module!r}",
    )


def _finish(
    source: str,
    previous: str | None,
    target: Target,
    module: str,
    notes: list[AnswerNote],
) -> ModuleAnswer:
    """Repairs on a parsing candidate: tabs, partial answers, import names."""
    source, tab_notes = expand_tabs(source)
    notes += tab_notes
    if not source.endswith("\n"):
        source += "\n"
    partiality = assess(source, previous)
    if partiality.is_partial and previous is not None and partiality.clearly_partial:
        merged = merge(source, previous)
        if merged is not None:
            restored = [*partiality.dropped, *partiality.stubbed]
            kept = (
                ", ".join(restored)
                if restored
                else "the code the placeholders stood for"
            )
            notes.append(
                AnswerNote(
                    "names-restored",
                    "warning",
                    "the answer sent only part of the file; kept from the previous "
                    f"draft: {kept}",
                )
            )
            source = merged
            partiality = assess(source, previous)
    if partiality.placeholders or partiality.stubbed:
        where = ", ".join(map(str, partiality.placeholders)) or ", ".join(
            partiality.stubbed
        )
        notes.append(
            AnswerNote(
                "placeholder",
                "error",
                f"the answer holds placeholders for code it left out ({where}); "
                "send the complete file",
            )
        )
        return ModuleAnswer(None, tuple(notes))
    if partiality.dropped and partiality.is_partial:
        notes.append(
            AnswerNote(
                "names-dropped",
                "error",
                f"the answer left out {', '.join(partiality.dropped)}, which the "
                "previous draft had; send the complete file",
            )
        )
        return ModuleAnswer(None, tuple(notes))
    if target == "tests":
        source, renamed = _rename_import(source, module)
        if renamed:
            notes.append(renamed)
    return ModuleAnswer(source, tuple(notes))


def read_module_answer(
    text: str,
    *,
    module_name: str,
    previous: str | None = None,
    finish_reason: str | None = None,
    target: Target = "code",
) -> ModuleAnswer:
    """The file ``target`` (the module, or its tests) out of ``text``.

    ``previous`` is the current draft of that file (None for a first draft): edits
    apply to it and left-out definitions come back from it. ``finish_reason`` is
    the provider's; ``length`` means the answer was cut at the token limit,
    ``runaway`` that it ran on far past it and was not read to its end.
    """
    text, notes = normalise(text)
    if not text.strip():
        notes.append(
            AnswerNote(
                "empty",
                "error",
                "the answer was empty; answer with "
                "the complete file in one ```python block",
            )
        )
        return ModuleAnswer(None, tuple(notes))
    if finish_reason == RUNAWAY:
        notes.append(
            AnswerNote(
                "answer-too-long",
                "error",
                "the answer ran on far past the output token limit "
                "(generation.max_output_tokens) and the rest was not read; answer "
                "with the complete file only, within the limit",
            )
        )
        return ModuleAnswer(None, tuple(notes))
    if finish_reason == "length":
        cut = unterminated_block(text) or _choose(blocks(text), target, module_name)
        notes.append(
            AnswerNote(
                "truncated",
                "error",
                "the answer was cut at the output token limit; it is not used as a "
                "whole file",
            )
        )
        return ModuleAnswer(None, tuple(notes), partial=cut.text if cut else text)
    if previous is not None:
        edited = _edit_previous(text, previous)
        if isinstance(edited, AnswerNote):
            return ModuleAnswer(None, (*notes, edited))
        if edited is not None:
            return _finish(
                edited[0], previous, target, module_name, [*notes, edited[1]]
            )
    found = blocks(text)
    chosen = _choose(found, target, module_name)
    tests_too = None
    if target == "code":
        extra = _choose(found, "tests", module_name)
        if extra is not None and extra is not chosen and _is_tests(extra.text):
            tests_too = extra.text
    if chosen is None:
        bare = text.strip()
        if parses(bare) and _looks_like_code(bare):
            chosen = Block("python", bare + "\n", None, 0)
        else:
            cut = unterminated_block(text)
            if cut is not None and cut.is_python and cut.text.strip():
                notes.append(
                    AnswerNote(
                        "truncated",
                        "error",
                        "the answer's code block was never closed: it looks cut off",
                    )
                )
                return ModuleAnswer(None, tuple(notes), partial=cut.text)
            code = "refusal" if _REFUSAL.search(text) else "no-python"
            message = (
                "the model declined the task"
                if code == "refusal"
                else "the answer held no Python file"
            )
            notes.append(
                AnswerNote(
                    code,
                    "error",
                    f"{message}; answer with the complete "
                    "file in one ```python fenced block",
                )
            )
            return ModuleAnswer(None, tuple(notes))
    if not parses(chosen.text) and not parses(expand_tabs(chosen.text)[0]):
        if _ends_mid_statement(chosen.text):
            notes.append(
                AnswerNote(
                    "truncated", "error", "the file ends in the middle of a statement"
                )
            )
            return ModuleAnswer(None, tuple(notes), partial=chosen.text)
        # a syntax error: the syntax gate reports it with its line
        return ModuleAnswer(chosen.text, tuple(notes), tests=tests_too)
    answer = _finish(chosen.text, previous, target, module_name, notes)
    return ModuleAnswer(answer.source, answer.notes, tests=tests_too)


def _ends_mid_statement(code: str) -> bool:
    last = code.rstrip().split("\n")[-1] if code.strip() else ""
    return bool(
        last.rstrip().endswith(
            (",", "(", "[", "{", ":", "\\", "=", "+", "-", "and", "or")
        )
        or code.count('"""') % 2
    )
