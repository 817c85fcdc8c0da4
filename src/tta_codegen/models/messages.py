"""What travels between the gateway and a chat model, and back to the nodes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from tta_codegen.state import LLMCall

__all__ = ["ChatMessage", "ChatResult", "Completion"]


@dataclass(frozen=True)
class ChatMessage:
    """One chat message."""

    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class Completion:
    """What one successful call to one model returned."""

    text: str
    """The answer text (possibly cut short: see ``finish_reason``)."""
    finish_reason: str
    """Why the model stopped: ``stop``, ``length`` (cut at the output cap),
    ``runaway`` (tta-codegen stopped reading: see ``cut_at_chars``)..."""
    input_tokens: int | None = None
    """Prompt tokens the provider reported (None: not reported)."""
    output_tokens: int | None = None
    """Answer tokens the provider reported."""
    provider_cost: Decimal | None = None
    """``usage.cost`` as the provider reported it (OpenRouter does)."""
    response_model: str | None = None
    """The model name the provider says answered."""
    cut_at_chars: int | None = None
    """Set when tta-codegen stopped reading an answer longer than the cap."""


@dataclass(frozen=True)
class ChatResult:
    """The answer text and the record of the call that produced it."""

    text: str
    call: LLMCall
