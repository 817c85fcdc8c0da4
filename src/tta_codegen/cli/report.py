"""``tta-codegen report``: the success metrics over the run history."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from tta_codegen.cli._common import out_console, run_async, settings_of

__all__ = ["report"]


def report(
    ctx: typer.Context,
    since: Annotated[
        str,
        typer.Option(help="Window: 30d, 12h, 2w, a date (2026-11-01) or all."),
    ] = "30d",
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON object.")
    ] = False,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html", dir_okay=False, help="Also write a self-contained HTML report."
        ),
    ] = None,
    root: Annotated[
        Path,
        typer.Option(
            file_okay=False,
            help="Folder that relative output paths of runs are read under.",
        ),
    ] = Path("."),
    edit_threshold: Annotated[
        float,
        typer.Option(
            min=0.0, max=1.0, help="Changed share that still counts as minimal editing."
        ),
    ] = 0.10,
) -> None:
    """Runs, pass rates, time, tokens, cost against the daily budget, models,
    fallbacks, mutation scores and how much people edited generated files."""
    from tta_codegen.errors import InputError  # noqa: PLC0415
    from tta_codegen.files import atomic_write  # noqa: PLC0415
    from tta_codegen.report.build import build_report, parse_since  # noqa: PLC0415

    now = datetime.now(UTC)
    settings = settings_of(ctx)
    window = parse_since(since, now)
    built = run_async(
        build_report(
            settings,
            since=window,
            root=root,
            edit_threshold=edit_threshold,
            now=now,
        )
    )
    if html is not None:
        from tta_codegen.report.render_html import render_html  # noqa: PLC0415

        try:
            atomic_write(html, render_html(built))
        except OSError as exc:
            raise InputError(f"cannot write --html {html}: {exc}") from None
    if json_output:
        from tta_codegen.report.render_json import report_json  # noqa: PLC0415

        print(json.dumps(report_json(built)))
        return
    from tta_codegen.report.render_text import report_renderables  # noqa: PLC0415

    console = out_console()
    for item in report_renderables(built):
        console.print(item)
    if html is not None:
        console.print(f"HTML report: {html}", markup=False)
