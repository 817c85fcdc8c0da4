"""build_context: what the prompt gets from the user's codebase, and why.

Pattern documents come first (bounded to a third of the budget), then the
best-ranked chunks until the token budget is full.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tta_codegen.context._index import CodeIndex
from tta_codegen.context._rank import rank
from tta_codegen.context._tokens import tokenize
from tta_codegen.errors import InputError
from tta_codegen.state import ContextBundle, ContextChunk
from tta_codegen.tokens import estimate_tokens

__all__ = [
    "LABEL_TOKENS",
    "build_context",
    "chunk_cost",
    "default_cache_dir",
    "open_index",
    "resolve_roots",
    "select",
]

LABEL_TOKENS = 12
"""Tokens charged per chunk for its label and fence in the rendered prompt."""
_PATTERN_SHARE = 3
"""Pattern documents may use at most budget // this."""
_MAX_MISSES = 25


def default_cache_dir(state_dir: Path) -> Path:
    """Where the index cache lives: ``<state_dir>/context-index``."""
    return state_dir / "context-index"


def resolve_roots(roots: Sequence[Path]) -> list[Path]:
    """Absolute, de-duplicated roots; InputError naming a missing one."""
    out: list[Path] = []
    for root in roots:
        path = Path(root).expanduser()
        if not path.exists():
            raise InputError(f"context path not found: {root}")
        resolved = path.resolve()
        if resolved not in out:
            out.append(resolved)
    return out


def open_index(
    roots: Sequence[Path], *, cache_dir: Path, max_file_bytes: int = 512_000
) -> CodeIndex:
    """The index of ``roots`` (its ``stats`` say what was re-chunked)."""
    return CodeIndex.open(
        resolve_roots(roots), cache_dir, max_file_bytes=max_file_bytes
    )


def build_context(
    task: str,
    roots: Sequence[Path],
    *,
    budget_tokens: int,
    cache_dir: Path,
    pattern_docs: Sequence[str] = (),
    context_type: str | None = None,
    requirements: str = "",
    max_file_bytes: int = 512_000,
    with_repo_map: bool = False,
) -> ContextBundle:
    """Index ``roots`` (cached under ``cache_dir``) and pick context for ``task``
    (with a map of the repository's symbols when ``with_repo_map``)."""
    resolved = resolve_roots(roots)
    if not resolved:
        return ContextBundle(budget=budget_tokens, requirements=requirements)
    index = CodeIndex.open(resolved, cache_dir, max_file_bytes=max_file_bytes)
    bundle = select(
        index,
        task,
        roots=resolved,
        budget_tokens=budget_tokens,
        pattern_docs=pattern_docs,
        context_type=context_type,
        requirements=requirements,
    )
    if with_repo_map:
        bundle = bundle.model_copy(update={"repo_map": repo_map(index)})
    return bundle


def repo_map(index: CodeIndex, *, max_chars: int = 6000) -> str:
    """One line per indexed Python file: its path and its top-level symbols."""
    symbols: dict[str, list[str]] = {}
    for chunk in index.chunks:
        if chunk.label.endswith(".py"):
            names = symbols.setdefault(chunk.label, [])
            if chunk.symbol and "." not in chunk.symbol and chunk.symbol not in names:
                names.append(chunk.symbol)
    lines = [f"{path}: {', '.join(names)}" for path, names in sorted(symbols.items())]
    text = ""
    for line in lines:
        if len(text) + len(line) > max_chars:
            return text + "...\n"
        text += line + "\n"
    return text


def _read_lines(path: Path, cache: dict[Path, list[str]]) -> list[str]:
    if path not in cache:
        try:
            cache[path] = path.read_text(
                encoding="utf-8", errors="replace"
            ).splitlines()
        except OSError:
            cache[path] = []
    return cache[path]


def _pattern_chunks(
    roots: Sequence[Path], pattern_docs: Sequence[str], allowance: int
) -> list[ContextChunk]:
    out: list[ContextChunk] = []
    for root in roots:
        if not root.is_dir():
            continue
        for rel in pattern_docs:
            path = root / rel
            if not path.is_file() or allowance <= LABEL_TOKENS:
                continue
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            kept: list[str] = []
            used = LABEL_TOKENS
            for line in lines:
                cost = estimate_tokens(line + "\n")
                if used + cost > allowance:
                    break
                kept.append(line)
                used += cost
            if not kept:
                continue
            truncated = len(kept) < len(lines)
            why = "pattern document" + (
                " (truncated to fit the budget)" if truncated else ""
            )
            out.append(
                ContextChunk(
                    path=f"{root.name}/{rel}",
                    start_line=1,
                    end_line=len(kept),
                    kind="pattern",
                    why=why,
                    text="\n".join(kept),
                )
            )
            allowance -= used
    return out


def chunk_cost(chunk: ContextChunk) -> int:
    """Tokens a chunk costs in the prompt (text plus label)."""
    return estimate_tokens(chunk.text) + LABEL_TOKENS


def select(
    index: CodeIndex,
    task: str,
    *,
    roots: Sequence[Path],
    budget_tokens: int,
    pattern_docs: Sequence[str] = (),
    context_type: str | None = None,
    requirements: str = "",
) -> ContextBundle:
    """Fill ``budget_tokens`` with pattern documents, then the best chunks."""
    chunks = _pattern_chunks(roots, pattern_docs, budget_tokens // _PATTERN_SHARE)
    used = sum(chunk_cost(c) for c in chunks)
    pattern_paths = {(root / rel).resolve() for root in roots for rel in pattern_docs}
    query = set(tokenize(task))
    files: dict[Path, list[str]] = {}
    misses = 0
    for hit in rank(index, task, context_type):
        if hit.chunk.path in pattern_paths:
            continue
        lines = _read_lines(hit.chunk.path, files)
        text = "\n".join(lines[hit.chunk.start_line - 1 : hit.chunk.end_line])
        cost = estimate_tokens(text) + LABEL_TOKENS
        if used + cost > budget_tokens:
            misses += 1
            if misses > _MAX_MISSES:
                break
            continue
        terms = sorted(query & set(tokenize(text)))
        why = f"terms: {', '.join(terms[:6])}; {hit.why}" if terms else hit.why
        chunks.append(
            ContextChunk(
                path=hit.chunk.label,
                start_line=hit.chunk.start_line,
                end_line=hit.chunk.end_line,
                symbol=hit.chunk.symbol,
                kind="doc" if hit.chunk.kind == "doc" else "code",
                score=round(hit.score, 4),
                why=why,
                text=text,
            )
        )
        used += cost
    return ContextBundle(
        chunks=tuple(chunks),
        tokens=used,
        budget=budget_tokens,
        requirements=requirements,
    )
