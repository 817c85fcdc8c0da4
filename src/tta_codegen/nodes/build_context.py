"""build_context: the codebase context and maturity requirements for the prompt."""

from __future__ import annotations

import asyncio
from pathlib import Path

from langgraph.runtime import Runtime

from tta_codegen.gates.profiles import requirements_text
from tta_codegen.runtime import RunContext
from tta_codegen.state import CodegenState, ContextBundle


async def build_context(
    state: CodegenState, runtime: Runtime[RunContext]
) -> CodegenState:
    """Index the --context roots (and configured ones) and fill the token budget."""
    settings = runtime.context.settings
    request = state["request"]
    requirements = requirements_text(settings.gates.profile)
    roots = [Path(p) for p in request.context_paths] + list(settings.context.roots)
    if not roots:
        return {"context": ContextBundle(requirements=requirements)}
    from tta_codegen.context.build import build_context as build_bundle  # noqa: PLC0415 (index only when asked)

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
    )
    runtime.stream_writer(
        {"event": "context", "chunks": len(bundle.chunks), "tokens": bundle.tokens}
    )
    return {"context": bundle}
