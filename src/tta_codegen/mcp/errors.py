"""Tool errors: one actionable line, in MCP terms, with every secret scrubbed.

``tool_errors()`` turns our ``CodegenError`` tree into the SDK's ``ToolError``
(an ``isError`` result the model reads). ``one_line_errors`` is server
middleware that rewrites every error result still leaving the server (the SDK's
own argument-validation errors are several lines of pydantic text) into one
redacted line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from mcp.server.context import (
    CallNext,
    HandlerResult,
    ServerMiddleware,
    ServerRequestContext,
)
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, TextContent

from tta_codegen.errors import CodegenError
from tta_codegen.telemetry.redact import redact

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

__all__ = [
    "compact_validation_text",
    "error_line",
    "known_arguments_only",
    "one_line_errors",
    "tool_errors",
]

log = logging.getLogger(__name__)

# build_request speaks in CLI options; MCP callers know the tool's argument names
_ARGUMENT_NAMES = (
    ("--tests-out", "tests_out_path"),
    ("--existing-tests", "existing_tests_path"),
    ("--out", "out_path"),
    ("--var", "template_vars"),
    ("--template", "template"),
    ("--context", "context_paths"),
    ("--model", "model"),
)
_PYDANTIC_ERROR = re.compile(
    r"^(?P<loc>\S[^\n]*)\n  (?P<msg>[^\n]+?)(?: \[type=[^\n]*)?$", re.MULTILINE
)
_VALIDATION_HEAD = re.compile(r"\d+ validation errors? for \w+")


def error_line(error: CodegenError) -> str:
    """``error`` as one line naming its code, in the tools' argument names."""
    text = error.message if error.hint is None else f"{error.message} ({error.hint})"
    for option, argument in _ARGUMENT_NAMES:
        text = text.replace(option, argument)
    return redact(f"error[{error.code}]: {' '.join(text.split())}")


@contextmanager
def tool_errors() -> Iterator[None]:
    """Raise our errors as ToolError (one line); anything unexpected as a
    ToolError naming its type, with the details (redacted) in the server log."""
    try:
        yield
    except CodegenError as exc:
        raise ToolError(error_line(exc)) from None
    except ToolError:
        raise
    except Exception as exc:
        log.error("tool failed: %s: %s", type(exc).__name__, redact(str(exc)))
        raise ToolError(
            f"internal error ({type(exc).__name__}); the server log has details"
        ) from None


def compact_validation_text(text: str) -> str:
    """Pydantic's multi-line validation text as ``field: problem; ...``."""
    if not _VALIDATION_HEAD.search(text):
        return " ".join(text.split())
    head = text.split(":", 1)[0]
    problems = [
        f"{m['loc']}: {m['msg']}"
        for m in _PYDANTIC_ERROR.finditer(text)
        if not m["loc"].startswith("For further")
    ]
    return f"{head}: invalid arguments: {'; '.join(problems)}"


def _rewrite_content(content: list[Any]) -> None:
    for block in content:
        if isinstance(block, dict) and block.get("type") == "text":
            block["text"] = redact(compact_validation_text(str(block.get("text", ""))))
        elif isinstance(block, TextContent):
            block.text = redact(compact_validation_text(block.text))


def known_arguments_only(
    server_of: Callable[[], MCPServer],
) -> ServerMiddleware[Any]:
    """Server middleware: a ``tools/call`` with an argument the tool does not
    take is refused naming it (the SDK would drop it silently: ``out`` for
    ``out_path`` ran and wrote nothing)."""

    async def refuse_unknown(
        ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        params = ctx.params or {}
        arguments = params.get("arguments") or {}
        if ctx.method == "tools/call" and isinstance(arguments, dict) and arguments:
            tools = {tool.name: tool for tool in await server_of().list_tools()}
            tool = tools.get(str(params.get("name")))
            known = (
                set((tool.input_schema or {}).get("properties", {})) if tool else set()
            )
            unknown = sorted(set(arguments) - known) if tool else []
            if unknown:
                text = (
                    f"error[TTA100]: {tool.name if tool else ''} takes no argument "
                    f"{', '.join(map(repr, unknown))}; its arguments: "
                    f"{', '.join(sorted(known))}"
                )
                return CallToolResult(
                    content=[TextContent(type="text", text=text)], is_error=True
                )
        return await call_next(ctx)

    return refuse_unknown


async def one_line_errors(
    ctx: ServerRequestContext[Any, Any], call_next: CallNext
) -> HandlerResult:
    """Server middleware: every ``tools/call`` error result becomes one line."""
    result = await call_next(ctx)
    if ctx.method != "tools/call":
        return result
    if isinstance(result, dict) and result.get("isError"):
        _rewrite_content(result.get("content") or [])
    elif isinstance(result, CallToolResult) and result.is_error:
        _rewrite_content(list(result.content))
    return result
