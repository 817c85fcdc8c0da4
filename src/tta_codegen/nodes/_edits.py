"""The way edit runs ask a model to change files: render, stream, apply edits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from langgraph.runtime import Runtime

from tta_codegen.findings import Finding
from tta_codegen.models import ChatMessage
from tta_codegen.nodes._llm import chat
from tta_codegen.runtime import RunContext
from tta_codegen.state import CodegenState, LLMCall

__all__ = [
    "EditDraft",
    "allowed_files",
    "ask_for_edits",
    "change_diff",
    "file_items",
]


@dataclass(frozen=True)
class EditDraft:
    """The files after an answer's edits, and what reading it found."""

    files: dict[str, str | None]
    """Every touched file's draft, by relative path."""
    findings: list[Finding]
    calls: list[LLMCall]
    changed: bool
    """True when the answer changed at least one file."""


def allowed_files(state: CodegenState) -> set[str]:
    """The files the run may change: those named, and those it created."""
    return set(state.get("originals", {})) | set(state.get("files", {}))


def file_items(files: Mapping[str, str | None]) -> list[dict[str, object]]:
    """The files as prompt items (path and text), deleted ones left out."""
    return [
        {"path": path, "text": text}
        for path, text in sorted(files.items())
        if text is not None
    ]


async def ask_for_edits(
    state: CodegenState,
    runtime: Runtime[RunContext],
    *,
    node: str,
    template: str,
    variables: Mapping[str, object],
) -> EditDraft:
    """Ask for edits with ``template`` and apply them strictly to the run's files."""
    prompt = runtime.context.prompts.render(template, variables)
    messages = [ChatMessage("system", prompt.system), ChatMessage("user", prompt.user)]
    result = await chat(state, runtime, node, prompt.template_id, messages, [])
    from tta_codegen.answers import apply_edits  # noqa: PLC0415 - after the request left

    current = {p: t for p, t in state.get("files", {}).items() if t is not None}
    request = state["request"]
    root = Path(request.root or ".")
    # generate --out-dir may replace files with consent; else new files only
    may_replace = not request.edit_files and (request.force or request.review)
    outcome = apply_edits(
        result.text,
        current,
        allowed=allowed_files(state),
        may_create=lambda path: may_replace or not (root / path).exists(),
    )
    files = {**state.get("files", {}), **outcome.contents}
    findings = [note.finding(path="") for note in outcome.notes]
    return EditDraft(
        files=files,
        findings=findings,
        calls=[result.call],
        changed=not outcome.needs_new_answer and bool(outcome.contents),
    )


def change_diff(state: CodegenState) -> str:
    """The unified diff of every file the run changed so far."""
    from tta_codegen.answers import unified_diff  # noqa: PLC0415

    originals = state.get("originals", {})
    return "".join(
        unified_diff(path, originals.get(path), text)
        for path, text in sorted(state.get("files", {}).items())
        if originals.get(path) != text
    )
