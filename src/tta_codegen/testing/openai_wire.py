"""The OpenAI chat completions wire format as the fake server speaks it: the
replies a test scripts, the requests it records, and the JSON and SSE bodies
built from them."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tta_codegen.tokens import estimate_tokens

__all__ = ["RecordedRequest", "Reply", "SentStream", "completion_body", "stream_chunks"]


@dataclass(frozen=True)
class Reply:
    """What the fake server answers to one chat completion request."""

    content: str = ""
    """The assistant message text."""
    status: int = 200
    """HTTP status; anything but 200 sends an OpenAI-style error body."""
    retry_after_s: float | None = None
    """Sent as the Retry-After header (with 429 or 503)."""
    delay_s: float = 0.0
    """Wait before sending the response headers (server latency)."""
    chunk_delay_s: float = 0.0
    """Wait between streamed chunks."""
    drop_after_chunks: int | None = None
    """Close the connection abruptly after this many streamed chunks."""
    prompt_tokens: int | None = None
    """Usage reported; estimated from the request when None."""
    completion_tokens: int | None = None
    """Usage reported; estimated from the content when None."""
    cost_usd: float | None = None
    """Reported as ``usage.cost`` (OpenRouter style) when set."""
    model: str | None = None
    """Model name in the response; the requested one when None."""
    tool_calls: list[dict[str, Any]] | None = None
    """OpenAI tool calls ({"name": ..., "arguments": {...}}) to answer with."""
    finish_reason: str | None = None
    """Finish reason; "stop" (or "tool_calls") when None."""
    chunk_size: int = 16
    """Characters per streamed content chunk."""
    raw_body: str | None = None
    """Send exactly this body (with ``status`` and ``content_type``) instead of a
    chat completion: HTML from a proxy, broken JSON, garbage events."""
    content_type: str = "text/html; charset=utf-8"
    """Content type of ``raw_body``."""
    ignore_stream: bool = False
    """Answer a streaming request with one JSON completion, as some gateways do."""


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received."""

    path: str
    model: str
    messages: list[dict[str, Any]]
    stream: bool
    headers: dict[str, str]
    body: dict[str, Any]
    received_at: float
    client_port: int = 0
    """The client's TCP port: the same port means a reused connection."""

    @property
    def prompt(self) -> str:
        """All message contents joined, for easy assertions."""
        parts: list[str] = []
        for message in self.messages:
            content = message.get("content")
            if isinstance(content, str):
                parts.append(content)
            elif isinstance(content, list):
                parts.extend(
                    str(p.get("text", "")) for p in content if isinstance(p, dict)
                )
        return "\n".join(parts)


@dataclass
class SentStream:
    """What the server wrote of one streamed answer."""

    model: str
    bytes_sent: int = 0
    """Bytes of events written to the socket (the client hanging up stops it)."""
    finished: bool = False
    """Every event up to ``[DONE]`` was written."""


def _estimate_tokens(text: str) -> int:
    return max(1, estimate_tokens(text))


def _usage(reply: Reply, request: RecordedRequest) -> dict[str, Any]:
    prompt = reply.prompt_tokens
    if prompt is None:
        prompt = _estimate_tokens(request.prompt)
    completion = reply.completion_tokens
    if completion is None:
        completion = _estimate_tokens(reply.content)
    usage: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }
    if reply.cost_usd is not None:
        usage["cost"] = reply.cost_usd
    return usage


def _tool_calls(reply: Reply) -> list[dict[str, Any]]:
    return [
        {
            "index": i,
            "id": f"call_{uuid.uuid4().hex[:12]}",
            "type": "function",
            "function": {
                "name": call["name"],
                "arguments": json.dumps(call.get("arguments", {})),
            },
        }
        for i, call in enumerate(reply.tool_calls or [])
    ]


def _finish_reason(reply: Reply) -> str:
    if reply.finish_reason is not None:
        return reply.finish_reason
    return "tool_calls" if reply.tool_calls else "stop"


def stream_chunks(
    reply: Reply, request: RecordedRequest, completion_id: str
) -> Iterator[dict[str, Any]]:
    model = reply.model or request.model
    base = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
    }
    yield {
        **base,
        "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}],
    }
    text = reply.content
    for start in range(0, len(text), max(1, reply.chunk_size)):
        piece = text[start : start + reply.chunk_size]
        yield {**base, "choices": [{"index": 0, "delta": {"content": piece}}]}
    if reply.tool_calls:
        yield {
            **base,
            "choices": [{"index": 0, "delta": {"tool_calls": _tool_calls(reply)}}],
        }
    yield {
        **base,
        "choices": [{"index": 0, "delta": {}, "finish_reason": _finish_reason(reply)}],
    }
    include_usage = bool(request.body.get("stream_options", {}).get("include_usage"))
    if include_usage:
        yield {**base, "choices": [], "usage": _usage(reply, request)}


def completion_body(
    reply: Reply, request: RecordedRequest, completion_id: str
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    if reply.tool_calls:
        message["tool_calls"] = [
            {k: v for k, v in call.items() if k != "index"}
            for call in _tool_calls(reply)
        ]
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": reply.model or request.model,
        "choices": [
            {"index": 0, "message": message, "finish_reason": _finish_reason(reply)}
        ],
        "usage": _usage(reply, request),
    }
