"""Turn a ContextBundle into prompt text."""

from __future__ import annotations

import re

from tta_codegen.state import ContextBundle, ContextChunk

__all__ = ["render_context"]

_BACKTICKS = re.compile(r"`{3,}")


def _fence(text: str) -> str:
    longest = max((len(m) for m in _BACKTICKS.findall(text)), default=2)
    return "`" * max(3, longest + 1)


def _block(chunk: ContextChunk, language: str) -> str:
    fence = _fence(chunk.text)
    title = (
        chunk.path
        if chunk.kind == "pattern"
        else (
            f"{chunk.path}:{chunk.start_line}-{chunk.end_line}"
            + (f" ({chunk.symbol})" if chunk.symbol else "")
        )
    )
    return f"### {title}\n{fence}{language}\n{chunk.text}\n{fence}"


def render_context(bundle: ContextBundle) -> str:
    """Prompt text for the bundle's chunks ("" when there are none).

    The gate profile's requirements (``bundle.requirements``) are not included:
    prompts take them as a separate variable.
    """
    patterns = [c for c in bundle.chunks if c.kind == "pattern"]
    code = [c for c in bundle.chunks if c.kind != "pattern"]
    parts: list[str] = []
    if patterns:
        parts.append("## Architectural patterns of this codebase")
        parts.extend(_block(c, "markdown") for c in patterns)
    if code:
        parts.append(
            "## Relevant code from this codebase\n"
            "Follow the conventions these excerpts show and reuse their names, "
            "types and helpers where they fit."
        )
        parts.extend(_block(c, "python" if c.kind == "code" else "") for c in code)
    return "\n\n".join(parts)
