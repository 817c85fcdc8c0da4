"""``tta-codegen context``: show what would be injected into the prompt, and why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from tta_codegen.cli._common import settings_of

app = typer.Typer(
    help="Codebase context injection: see what a task would get.",
    no_args_is_help=True,
)


@app.callback()
def _group() -> None:
    """Codebase context injection: see what a task would get."""


@app.command("show")
def show_context(
    ctx: typer.Context,
    task: Annotated[str, typer.Argument(help="The task description.")],
    context: Annotated[
        list[Path] | None,
        typer.Option("--context", help="Folder or file to index (repeatable)."),
    ] = None,
    budget: Annotated[
        int | None, typer.Option("--budget", min=1, help="Token budget.")
    ] = None,
    context_type: Annotated[
        str | None,
        typer.Option("--type", help="agent_orchestration, data_layer, api or testing."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    text: Annotated[
        bool, typer.Option("--text", help="Also print the rendered prompt text.")
    ] = False,
) -> None:
    """Print the chunks the task would get: path:lines, score, why, tokens."""
    from tta_codegen.context import (
        CONTEXT_TYPES,
        chunk_cost,
        default_cache_dir,
        open_index,
        render_context,
        resolve_roots,
        select,
    )
    from tta_codegen.errors import InputError
    from tta_codegen.inputs import require_context

    if context_type is not None and context_type not in CONTEXT_TYPES:
        raise InputError(
            f"unknown context type {context_type!r}; "
            f"choose one of {', '.join(CONTEXT_TYPES)}"
        )
    settings = settings_of(ctx)
    require_context([p for p in context or [] if p.exists()])  # text is UTF-8
    roots = resolve_roots([*settings.context.roots, *(context or [])])
    if not roots:
        raise InputError("no context roots: pass --context PATH or set [context] roots")
    index = open_index(
        roots,
        cache_dir=default_cache_dir(settings.state_dir),
        max_file_bytes=settings.context.max_file_bytes,
    )
    bundle = select(
        index,
        task,
        roots=roots,
        budget_tokens=budget or settings.context.token_budget,
        pattern_docs=settings.context.pattern_docs,
        context_type=context_type,
    )
    stats = index.stats
    rows = [
        {
            "path": c.path,
            "start_line": c.start_line,
            "end_line": c.end_line,
            "symbol": c.symbol,
            "kind": c.kind,
            "score": c.score,
            "tokens": chunk_cost(c),
            "why": c.why,
        }
        for c in bundle.chunks
    ]
    if as_json:
        out: dict[str, object] = {
            "task": task,
            "budget": bundle.budget,
            "tokens": bundle.tokens,
            "index": {
                "files": stats.files,
                "rechunked": stats.rechunked,
                "reused": stats.reused,
                "skipped": stats.skipped,
                "chunks": stats.chunks,
                "seconds": round(stats.seconds, 3),
            },
            "chunks": rows,
        }
        if text:
            out["text"] = render_context(bundle)
        typer.echo(json.dumps(out, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(
        f"indexed {stats.files} files ({stats.rechunked} re-chunked, "
        f"{stats.reused} from cache, {stats.skipped} skipped) "
        f"in {stats.seconds:.2f} s; "
        f"context uses {bundle.tokens}/{bundle.budget} tokens",
        highlight=False,
    )
    table = Table()
    for column in ("where", "kind", "score", "tokens", "why"):
        table.add_column(column, overflow="fold")
    for row in rows:
        where = f"{row['path']}:{row['start_line']}-{row['end_line']}"
        if row["symbol"]:
            where += f" ({row['symbol']})"
        table.add_row(
            where,
            str(row["kind"]),
            f"{row['score']:.2f}",
            str(row["tokens"]),
            str(row["why"]),
        )
    console.print(table)
    if text:
        typer.echo(render_context(bundle))
