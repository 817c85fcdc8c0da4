"""``FunctionChatModel``: the model written as a plain Python function.

Plug it into a session or gateway instead of HTTP (``Codegen.open(settings,
chat_models=FunctionChatModel(answer))``) and every catalog model answers
through ``answer(messages, info)``. It streams the answer in pieces, reports
token usage, and lets a function raise ``ModelCallError`` to script a fault.
"""

from __future__ import annotations

import inspect
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from tta_codegen.errors import ModelCallError
from tta_codegen.models.chat_model import ChatModel, TokenSink
from tta_codegen.models.messages import ChatMessage, Completion
from tta_codegen.settings import ModelEntry
from tta_codegen.tokens import estimate_tokens, prompt_tokens

__all__ = ["AnswerFunction", "CallInfo", "FunctionChatModel", "RecordedCall"]


@dataclass(frozen=True)
class CallInfo:
    """What the answer function may want to know about the call."""

    model: str
    """The catalog id of the model being asked."""
    max_output_tokens: int
    temperature: float | None


Answer = str | Completion
AnswerFunction = Callable[[list[ChatMessage], CallInfo], Answer | Awaitable[Answer]]
"""Returns the answer text (or a whole ``Completion``); may raise ModelCallError."""


@dataclass(frozen=True)
class RecordedCall:
    """One call the function model answered (or refused)."""

    model: str
    messages: list[ChatMessage]

    @property
    def prompt(self) -> str:
        """Every message's text joined, for easy assertions."""
        return "\n".join(m.content for m in self.messages)


class FunctionChatModel:
    """Every catalog model, answered by one function; a ``ChatModels`` factory."""

    def __init__(self, function: AnswerFunction, *, chunk_size: int = 16) -> None:
        self.function = function
        self.chunk_size = chunk_size
        self.calls: list[RecordedCall] = []
        """Every call made, in order."""

    @classmethod
    def from_answers(cls, *answers: Answer | ModelCallError) -> FunctionChatModel:
        """Answer the calls in order with these texts, completions or errors
        (an error is raised for its call); an exhausted script is a test bug."""
        queue: deque[Answer | ModelCallError] = deque(answers)

        def next_answer(messages: list[ChatMessage], info: CallInfo) -> Answer:
            if not queue:
                raise AssertionError(f"no scripted answer left for {info.model}")
            item = queue.popleft()
            if isinstance(item, ModelCallError):
                raise item
            return item

        return cls(next_answer)

    def __call__(self, entry: ModelEntry) -> ChatModel:
        """The ``ChatModel`` for one catalog entry (answered by the function)."""
        return _BoundModel(self, entry.id)

    def unavailable(self, entry: ModelEntry) -> str | None:
        """Every model can be called: the function answers for all of them."""
        return None

    async def answer(
        self,
        model: str,
        messages: Sequence[ChatMessage],
        *,
        max_output_tokens: int,
        temperature: float | None,
        on_token: TokenSink | None,
    ) -> Completion:
        """Call the function and stream its answer to ``on_token``."""
        listed = list(messages)
        self.calls.append(RecordedCall(model, listed))
        result = self.function(listed, CallInfo(model, max_output_tokens, temperature))
        if inspect.isawaitable(result):
            result = await result
        completion = (
            result
            if isinstance(result, Completion)
            else Completion(
                text=result,
                finish_reason="stop",
                input_tokens=prompt_tokens(m.content for m in listed),
                output_tokens=estimate_tokens(result),
                response_model=model,
            )
        )
        if on_token is not None:
            text = completion.text
            for start in range(0, len(text), self.chunk_size):
                on_token(text[start : start + self.chunk_size])
        return completion


class _BoundModel:
    def __init__(self, owner: FunctionChatModel, model: str) -> None:
        self._owner = owner
        self._model = model

    async def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_output_tokens: int,
        temperature: float | None,
        on_token: TokenSink | None,
    ) -> Completion:
        return await self._owner.answer(
            self._model,
            messages,
            max_output_tokens=max_output_tokens,
            temperature=temperature,
            on_token=on_token,
        )
