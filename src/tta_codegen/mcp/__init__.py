"""tta-codegen as an MCP server (``tta-codegen mcp``), on the official MCP SDK.

What belongs here: the server and its transports (``server``, ``transport``),
the tools (``run_tools``: generate, resume, run_status; ``info_tools``:
validate, list_templates, list_models), runs that outlive a tool call
(``runs``), and how results, progress and errors are shaped for clients
(``reports``, ``progress``, ``errors``, ``schemas``, ``arguments``).

Names are imported lazily, so the CLI can refuse a bad ``--http`` bind before
the engine is loaded.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tta_codegen.mcp.server import build_server, open_server, serve
    from tta_codegen.mcp.transport import TOKEN_ENV, HttpPlan, plan_http

__all__ = ["TOKEN_ENV", "HttpPlan", "build_server", "open_server", "plan_http", "serve"]

_WHERE = {
    "TOKEN_ENV": "tta_codegen.mcp.transport",
    "HttpPlan": "tta_codegen.mcp.transport",
    "plan_http": "tta_codegen.mcp.transport",
    "build_server": "tta_codegen.mcp.server",
    "open_server": "tta_codegen.mcp.server",
    "serve": "tta_codegen.mcp.server",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'tta_codegen.mcp' has no attribute {name!r}")
