"""The root ``tta-codegen`` app: global options and command registration."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tta_codegen.cli import batch, context, models, openhands, runs, templates, trace
from tta_codegen.cli import generate as generate_cmds
from tta_codegen.cli.mcp import mcp_command
from tta_codegen.cli.validate import validate_command

__all__ = ["app", "main"]

app = typer.Typer(
    name="tta-codegen",
    help="Turn a task description into validated, tested Python.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="Config file (default: ./tta-codegen.toml or $TTA_CODEGEN_CONFIG).",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """tta-codegen: LLM code generation with quality gates, tests and checkpoints."""
    from tta_codegen.cli._common import fail  # noqa: PLC0415
    from tta_codegen.errors import CodegenError  # noqa: PLC0415
    from tta_codegen.settings import Settings  # noqa: PLC0415

    try:
        ctx.obj = Settings.load(config)
    except CodegenError as exc:
        fail(exc)


app.command("generate")(generate_cmds.generate)
app.command("resume")(generate_cmds.resume)
app.command("batch")(batch.batch)
app.command("validate")(validate_command)
app.command("mcp")(mcp_command)
app.add_typer(runs.app, name="runs", help="Past and interrupted runs.")
app.add_typer(trace.app, name="trace", help="A run's span tree, without Jaeger.")
app.add_typer(templates.app, name="templates", help="The prompt library.")
app.add_typer(context.app, name="context", help="Codebase context injection.")
app.add_typer(models.app, name="models", help="Model catalog and selection.")
app.add_typer(openhands.app, name="openhands", help="The postponed OpenHands path.")


def main() -> None:
    """Console-script entry point."""
    app()
