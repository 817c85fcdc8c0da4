"""``tta-codegen mcp``: serve the tools to MCP clients (editors, agents)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Annotated

import typer

from tta_codegen.cli._common import run_async, settings_of

__all__ = ["MCP_INSTALL", "mcp_command"]

MCP_INSTALL = "pip install 'tta-codegen[mcp]'"


def mcp_command(
    ctx: typer.Context,
    http: Annotated[
        str | None,
        typer.Option(
            "--http",
            metavar="HOST:PORT",
            help="Serve streamable HTTP at http://HOST:PORT/mcp (default: stdio).",
        ),
    ] = None,
    allow_remote: Annotated[
        bool,
        typer.Option(
            "--allow-remote",
            help="Allow a non-loopback --http bind; needs TTA_CODEGEN_MCP_TOKEN.",
        ),
    ] = False,
) -> None:
    """Run the MCP server: generate, validate, resume, run_status and more."""
    from tta_codegen.errors import ConfigError, ExitCode, InputError  # noqa: PLC0415

    if importlib.util.find_spec("mcp") is None:
        raise ConfigError(
            "the MCP server needs the mcp extra, which is not installed",
            hint=f"run: {MCP_INSTALL}",
        )
    from tta_codegen.mcp.transport import TOKEN_ENV, plan_http  # noqa: PLC0415

    settings = settings_of(ctx)
    if allow_remote and http is None:
        raise InputError("--allow-remote only applies with --http HOST:PORT")
    plan = (
        None
        if http is None
        else plan_http(http, allow_remote=allow_remote, token=os.environ.get(TOKEN_ENV))
    )
    from tta_codegen.mcp.server import serve  # noqa: PLC0415 - loads the engine

    try:
        run_async(serve(settings, plan, root=Path.cwd()))
    except KeyboardInterrupt:
        raise typer.Exit(ExitCode.INTERRUPTED) from None
