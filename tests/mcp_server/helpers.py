"""Drive the MCP server as a client would, with the SDK's client: over stdio to
a real ``tta-codegen mcp`` process, or connected in memory to the same server
(the same tools and session, without a process start per test)."""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp_types import CallToolResult, TextContent
from opentelemetry.trace import NoOpTracer
from tests.cli_runner import cli_env

from tta_codegen.mcp import open_server
from tta_codegen.mcp.arguments import Workspace
from tta_codegen.settings import Settings

SECRET = "sk-or-v1-test-secret-0123456789abcdef"  # set by the config_file fixture


@dataclass
class Session:
    """A connected client plus everything the server sent back."""

    client: Client
    log: Path | None
    """The server's stderr (None in memory)."""
    seen: list[str] = field(default_factory=list)
    """Every tool answer and progress message, as text."""

    async def call(
        self, tool: str, progress: list[str] | None = None, **arguments: Any
    ) -> CallToolResult:
        """Call ``tool``; progress messages go to ``progress`` when given."""

        async def on_progress(
            value: float, total: float | None, message: str | None
        ) -> None:
            self.seen.append(message or "")
            if progress is not None:
                progress.append(message or "")

        result = await self.client.call_tool(
            tool,
            arguments,
            progress_callback=on_progress if progress is not None else None,
        )
        self.seen.extend(text_of(result).splitlines())
        self.seen.append(json.dumps(result.structured_content))
        return result


def text_of(result: CallToolResult) -> str:
    """The text blocks of a result, joined."""
    return "\n".join(b.text for b in result.content if isinstance(b, TextContent))


def structured(result: CallToolResult) -> dict[str, Any]:
    """The structured content of a successful result."""
    assert not result.is_error, text_of(result)
    assert result.structured_content is not None
    return result.structured_content


@asynccontextmanager
async def stdio_session(config: Path, cwd: Path) -> AsyncIterator[Session]:
    """Spawn ``tta-codegen --config CONFIG mcp`` in ``cwd`` and connect."""
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "tta_codegen", "--config", str(config), "mcp"],
        env=cli_env(),
        cwd=cwd,
    )
    log = cwd / "mcp-server.log"
    with log.open("w") as errlog:
        async with Client(stdio_client(params, errlog=errlog)) as client:
            yield Session(client, log)


@asynccontextmanager
async def mcp_session(config: Path, cwd: Path) -> AsyncIterator[Session]:
    """The server ``tta-codegen --config CONFIG mcp`` serves in ``cwd``, connected
    in memory."""
    settings = Settings.load(config)
    workspace = Workspace(cwd.resolve())
    async with (
        open_server(settings, tracer=NoOpTracer(), workspace=workspace) as server,
        Client(server) as client,
    ):
        yield Session(client, None)
