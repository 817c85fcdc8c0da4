"""The interface between the model gateway and whatever answers chat requests.

The gateway (selection, fallback, retries, budgets, spans) talks only to
``ChatModel``. Production models are ``OpenAIChatModel`` (langchain-openai's
``ChatOpenAI`` against any OpenAI-compatible endpoint); tests and experiments
can plug in ``tta_codegen.testing.FunctionChatModel``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from tta_codegen.models.messages import ChatMessage, Completion
from tta_codegen.settings import ModelEntry

__all__ = ["ChatModel", "ChatModels", "TokenSink"]

TokenSink = Callable[[str], None]
"""Receives each piece of the answer as it streams in."""


class ChatModel(Protocol):
    """One model that streams chat answers."""

    async def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_output_tokens: int,
        temperature: float | None,
        on_token: TokenSink | None,
    ) -> Completion:
        """Stream one answer, passing its pieces to ``on_token``.

        Raises ``ModelCallError`` (``retryable`` set) for every failure: HTTP
        errors, timeouts, dropped streams, malformed responses. Stops reading an
        answer much longer than ``max_output_tokens`` (``cut_at_chars``).
        """
        ...


class ChatModels(Protocol):
    """How the gateway finds the ``ChatModel`` for a catalog entry."""

    def __call__(self, entry: ModelEntry) -> ChatModel:
        """The model for ``entry`` (ConfigError when it cannot be called)."""
        ...

    def unavailable(self, entry: ModelEntry) -> str | None:
        """Why ``entry`` cannot be called at all (``no API key: set X``), or None."""
        ...
