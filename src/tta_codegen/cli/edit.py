"""``edit``: change existing files of a repository for a task."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tta_codegen.cli._common import settings_of
from tta_codegen.cli.generate import run_request
from tta_codegen.cli.options import (
    FormatOption,
    JsonOption,
    ModelOption,
    NoStreamOption,
    QuietOption,
    ThreadIdOption,
)

__all__ = ["edit"]


def edit(
    ctx: typer.Context,
    task: Annotated[str, typer.Argument(help="The change to make.")],
    files: Annotated[
        list[Path],
        typer.Argument(help="The files the run may change (new files may be added)."),
    ],
    root: Annotated[
        Path | None,
        typer.Option(
            help="Repository root (default: the git root above the first file).",
            file_okay=False,
        ),
    ] = None,
    context: Annotated[
        list[Path] | None,
        typer.Option("--context", help="More folders or files to draw context from."),
    ] = None,
    thread_id: ThreadIdOption = None,
    model: ModelOption = None,
    max_iterations: Annotated[
        int | None,
        typer.Option(min=0, max=20, help="Refinement rounds after the first edit."),
    ] = None,
    review: Annotated[
        bool, typer.Option(help="Stop for approval (with the diffs) before writing.")
    ] = False,
    json_output: JsonOption = False,
    output_format: FormatOption = None,
    no_stream: NoStreamOption = False,
    quiet: QuietOption = False,
) -> None:
    """Change FILES for TASK: edits checked by the gates and the repository's own
    tests, written all at once (or not at all); `runs undo` puts them back."""
    from tta_codegen.engine import new_thread_id  # noqa: PLC0415
    from tta_codegen.formats.choice import choose_format  # noqa: PLC0415
    from tta_codegen.inputs import build_edit_request  # noqa: PLC0415

    settings = settings_of(ctx)
    chosen = choose_format(output_format, json_output)
    request = build_edit_request(
        settings,
        task=task,
        files=files,
        root=root,
        model=model,
        max_iterations=max_iterations,
        review=review,
        context=context or [],
    )
    run_request(
        settings,
        request,
        None,
        thread_id or new_thread_id(),
        output_format=chosen,
        show_tokens=not no_stream,
        quiet=quiet,
    )
