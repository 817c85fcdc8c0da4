"""The root ``tta-codegen`` app: global options, command registration, and the
one place where errors become a message and an exit code."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.exceptions import Abort, Exit, TyperException

from tta_codegen.cli import batch, context, models, openhands, runs, templates, trace
from tta_codegen.cli import fleet as fleet_cmds
from tta_codegen.cli import generate as generate_cmds
from tta_codegen.cli.demo import demo as demo_command
from tta_codegen.cli.edit import edit as edit_command
from tta_codegen.cli.mcp import mcp_command
from tta_codegen.cli.report import report as report_command
from tta_codegen.cli.undo import undo_command
from tta_codegen.cli.validate import validate_command

__all__ = ["app", "main"]

DEBUG_ENV = "TTA_CODEGEN_DEBUG"
"""Set to 1 to see the (redacted) traceback of an unexpected error."""


def print_error(code: str, message: str, hint: str | None) -> None:
    """One line on stderr (redacted: no key survives), plus a hint line."""
    from tta_codegen.telemetry.redact import redact  # noqa: PLC0415

    print(f"error[{code}]: {redact(message)}", file=sys.stderr)
    if hint:
        print(f"  hint: {redact(hint)}", file=sys.stderr)


def print_traceback(exc: BaseException) -> None:
    """The traceback of ``exc`` on stderr, redacted like every error line."""
    import traceback  # noqa: PLC0415

    from tta_codegen.telemetry.redact import redact  # noqa: PLC0415

    print(redact("".join(traceback.format_exception(exc))), end="", file=sys.stderr)


class _ErrorEdge(TyperGroup):
    """Every command runs inside this: a ``CodegenError`` is printed the same
    way everywhere and exits with its class's exit code; anything unexpected
    is one redacted line too (the traceback only with TTA_CODEGEN_DEBUG=1)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        from tta_codegen.cli._arguments import (  # noqa: PLC0415
            config_first,
            require_utf8_arguments,
        )
        from tta_codegen.errors import CodegenError  # noqa: PLC0415

        try:
            require_utf8_arguments(args)
        except CodegenError as exc:
            print_error(exc.code, exc.message, exc.hint)
            raise typer.Exit(exc.exit_code) from None
        return super().parse_args(ctx, config_first(args))

    def invoke(self, ctx: Any) -> Any:  # typer's internal click Context
        from tta_codegen.errors import CodegenError, ExitCode  # noqa: PLC0415

        try:
            return super().invoke(ctx)
        except CodegenError as exc:
            print_error(exc.code, exc.message, exc.hint)
            raise typer.Exit(exc.exit_code) from None
        except (Exit, Abort, TyperException):
            raise
        except BrokenPipeError:  # `tta-codegen ... | head`: the reader left
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(ExitCode.SUCCEEDED) from None
        except Exception as exc:
            if os.environ.get(DEBUG_ENV) == "1":
                print_traceback(exc)
            print_error(
                "TTA999",
                f"unexpected {type(exc).__name__}: {exc}",
                f"a bug in tta-codegen; rerun with {DEBUG_ENV}=1 for the traceback "
                "and report it",
            )
            raise typer.Exit(ExitCode.GATES_FAILED) from None


app = typer.Typer(
    name="tta-codegen",
    cls=_ErrorEdge,
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
            help="Config file (default: ./tta-codegen.toml or $TTA_CODEGEN_CONFIG);"
            " before or after the command name.",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """tta-codegen: LLM code generation with quality gates, tests and checkpoints."""
    from tta_codegen.settings import Settings  # noqa: PLC0415

    if config is not None or not isinstance(ctx.obj, Settings):
        ctx.obj = Settings.load(config)  # a program may pass its own as ``obj``


app.command("demo")(demo_command)
app.command("generate")(generate_cmds.generate)
app.command("edit")(edit_command)
app.command("resume")(generate_cmds.resume)
app.command("batch")(batch.batch)
app.command("validate")(validate_command)
app.command("mcp")(mcp_command)
app.command("report")(report_command)
runs.app.command("undo")(undo_command)
app.command("worker")(fleet_cmds.worker)
app.command("submit")(fleet_cmds.submit)
runs.app.command("watch")(fleet_cmds.watch)
runs.app.command("cancel")(fleet_cmds.cancel)
app.add_typer(runs.app, name="runs", help="Past and interrupted runs.")
app.add_typer(trace.app, name="trace", help="A run's span tree, without Jaeger.")
app.add_typer(templates.app, name="templates", help="The prompt library.")
app.add_typer(context.app, name="context", help="Codebase context injection.")
app.add_typer(models.app, name="models", help="Model catalog and selection.")
app.add_typer(openhands.app, name="openhands", help="The postponed OpenHands path.")


_STARTUP_GC_THRESHOLD = 50_000
"""Allocations between young collections (Python's default is 700). Start-up
imports build a few hundred thousand long-lived objects; collecting as they come
cost a tenth of the time to the first LLM request (docs/benchmarks.md)."""


def main() -> None:
    """Console-script entry point."""
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(_STARTUP_GC_THRESHOLD, older, oldest)
    app()
