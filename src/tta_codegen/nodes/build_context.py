"""build_context: the codebase context and maturity requirements for the prompt
(and, for an edit run, the files it may change, read once)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from langgraph.runtime import Runtime

from tta_codegen.gates.profiles import requirements_text
from tta_codegen.runtime import RunContext
from tta_codegen.state import CodegenRequest, CodegenState, ContextBundle


def read_edit_files(request: CodegenRequest) -> dict[str, str | None]:
    """Each file an edit run may change, as it is now, by path relative to the
    root (the base of the change, and of the check that nobody changed it)."""
    from tta_codegen.changes import read_original  # noqa: PLC0415

    assert request.root is not None
    root = Path(request.root)
    return {
        Path(path).relative_to(root).as_posix(): read_original(path)
        for path in request.edit_files
    }


async def build_context(
    state: CodegenState, runtime: Runtime[RunContext]
) -> CodegenState:
    """Index the --context roots (and configured ones) and fill the token budget."""
    settings = runtime.context.settings
    request = state["request"]
    requirements = requirements_text(settings.gates.profile)
    update: CodegenState = {}
    if request.is_edit:
        originals = read_edit_files(request)
        update = {"originals": originals, "files": dict(originals)}
    roots = [Path(p) for p in request.context_paths] + list(settings.context.roots)
    if not roots:
        return {**update, "context": ContextBundle(requirements=requirements)}
    from tta_codegen.context.build import build_context as build_bundle  # noqa: PLC0415

    bundle = await asyncio.to_thread(
        build_bundle,
        request.task,
        roots,
        budget_tokens=settings.context.token_budget,
        cache_dir=settings.state_dir / "context-index",
        pattern_docs=settings.context.pattern_docs,
        context_type=request.context_type,
        requirements=requirements,
        max_file_bytes=settings.context.max_file_bytes,
        with_repo_map=request.is_edit,
    )
    runtime.stream_writer(
        {"event": "context", "chunks": len(bundle.chunks), "tokens": bundle.tokens}
    )
    return {**update, "context": bundle}
