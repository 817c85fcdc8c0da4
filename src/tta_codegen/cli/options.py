"""Options several commands share (``generate``, ``submit``, ``edit``,
``resume``, ``runs watch``), declared once so their names and help agree."""

from __future__ import annotations

from typing import Annotated

import typer

from tta_codegen.formats.choice import OutputFormat

__all__ = [
    "ContextTypeOption",
    "FormatOption",
    "JsonOption",
    "ModelOption",
    "NoStreamOption",
    "QuietOption",
    "ReviewOption",
    "TaskArgument",
    "TemplateOption",
    "ThreadIdOption",
    "VarOption",
]

TaskArgument = Annotated[
    str, typer.Argument(help="What to build (or extra notes for --template).")
]
TemplateOption = Annotated[str | None, typer.Option(help="Prompt-library template.")]
VarOption = Annotated[
    list[str] | None,
    typer.Option("--var", help="Template variable KEY=VALUE (repeatable)."),
]
ThreadIdOption = Annotated[str | None, typer.Option(help="Thread id to use.")]
ModelOption = Annotated[
    str | None, typer.Option(help="Pin this model id (no fallback to others).")
]
ReviewOption = Annotated[
    bool, typer.Option(help="Stop for human approval before writing files.")
]
ContextTypeOption = Annotated[
    str | None,
    typer.Option(help="agent_orchestration, data_layer, api or testing."),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print the result as one JSON object on stdout.")
]
FormatOption = Annotated[
    OutputFormat | None,
    typer.Option("--format", help="Print the result as json, sarif or junit."),
]
NoStreamOption = Annotated[
    bool, typer.Option("--no-stream", help="Do not show streamed tokens.")
]
QuietOption = Annotated[bool, typer.Option(help="No progress output at all.")]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Replace files that exist where a run writes.")
]
