"""What callers send to and get back from the model gateway."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tta_codegen.state import LLMCall

__all__ = ["ChatMessage", "ChatResult"]


@dataclass(frozen=True)
class ChatMessage:
    """One chat message."""

    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class ChatResult:
    """The answer text and the record of the call that produced it."""

    text: str
    call: LLMCall
