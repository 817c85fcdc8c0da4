"""What callers send to and get back from the model gateway."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from tta_codegen.state import LLMCall, Usage

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

    @property
    def usage(self) -> Usage:
        """The call's usage for the state's ``usage`` reducer (unknown cost counted
        in ``cost_unknown_calls``, never as zero)."""
        known = self.call.cost_usd is not None
        return Usage(
            input_tokens=self.call.input_tokens,
            output_tokens=self.call.output_tokens,
            cost_usd=self.call.cost_usd
            if self.call.cost_usd is not None
            else Decimal(0),
            cost_unknown_calls=0 if known else 1,
        )
