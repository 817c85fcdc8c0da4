"""The MCP server: one ``Codegen`` session for its lifetime, the tools on it,
served over stdio or streamable HTTP."""

from __future__ import annotations

import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from mcp.server.mcpserver import MCPServer
from opentelemetry.trace import Tracer

from tta_codegen.engine import Codegen
from tta_codegen.errors import InputError
from tta_codegen.mcp.arguments import Workspace
from tta_codegen.mcp.errors import known_arguments_only, one_line_errors
from tta_codegen.mcp.info_tools import InfoTools
from tta_codegen.mcp.run_tools import RunTools
from tta_codegen.mcp.runs import RunService
from tta_codegen.mcp.transport import BearerTokenGate, HttpPlan
from tta_codegen.settings import Settings
from tta_codegen.telemetry import setup_tracing

__all__ = ["build_server", "open_server", "serve"]

INSTRUCTIONS = """\
tta-codegen generates Python modules with tests that pass quality gates, and
changes existing files (edit) checked by the gates and the repository's tests.
generate and edit start a run and wait up to wait_s seconds; a longer run answers
status 'running' and goes on in the server: follow it with run_status.
With review=true a run stops at 'awaiting_review': read its code, then call
resume with decision 'approve' or 'reject'. validate checks existing code."""


def _version() -> str:
    try:
        return version("tta-codegen")
    except PackageNotFoundError:
        return "0"


def build_server(service: RunService, workspace: Workspace) -> MCPServer:
    """An MCP server whose tools use ``service``'s session."""
    server: MCPServer = MCPServer(
        "tta-codegen",
        version=_version(),
        instructions=INSTRUCTIONS,
        log_level="WARNING",
        # known_arguments_only reads the tools registered below when called
        middleware=[one_line_errors, known_arguments_only(lambda: server)],
    )
    RunTools(service, service.session.settings, workspace).register(server)
    InfoTools(service.session, workspace).register(server)
    return server


@asynccontextmanager
async def open_server(
    settings: Settings, *, tracer: Tracer, workspace: Workspace
) -> AsyncIterator[MCPServer]:
    """Open the session and the run service; cancel runs still going on exit
    (they are checkpointed and resumable)."""
    async with (
        Codegen.open(settings, tracer=tracer) as session,
        RunService(session) as service,
    ):
        yield build_server(service, workspace)


def _listen(plan: HttpPlan) -> socket.socket:
    family = socket.AF_INET6 if ":" in plan.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((plan.host, plan.port))
    except OSError as exc:
        sock.close()
        raise InputError(
            f"cannot listen on {plan.host}:{plan.port}: {exc.strerror}"
        ) from None
    return sock


async def _serve_http(server: MCPServer, plan: HttpPlan, sock: socket.socket) -> None:
    import uvicorn  # noqa: PLC0415

    app = server.streamable_http_app(host=plan.host)
    gated = app if plan.token is None else BearerTokenGate(app, plan.token)
    config = uvicorn.Config(gated, log_level="warning", lifespan="on")
    auth = "bearer token required" if plan.token else "no token"
    print(f"tta-codegen MCP server on {plan.url} ({auth})", file=sys.stderr)
    await uvicorn.Server(config).serve(sockets=[sock])


async def serve(settings: Settings, plan: HttpPlan | None, *, root: Path) -> None:
    """Serve until the client goes away (stdio) or the process is stopped (HTTP).
    Over HTTP, tool paths must stay inside ``root``."""
    sock = None if plan is None else _listen(plan)
    workspace = Workspace(root.resolve(), confined=plan is not None)
    with setup_tracing(settings) as tracing:
        async with open_server(
            settings, tracer=tracing.tracer(), workspace=workspace
        ) as server:
            if plan is None or sock is None:
                await server.run_stdio_async()
            else:
                await _serve_http(server, plan, sock)
