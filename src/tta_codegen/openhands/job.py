"""What the OpenHands node hands to a conversation, and what comes back."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from tta_codegen.errors import InputError
from tta_codegen.findings import Finding
from tta_codegen.openhands.watchdog import StopReason

__all__ = ["OpenHandsJob", "OpenHandsResult", "RunStatus"]

RunStatus = Literal["finished", "stopped", "error"]


@dataclass(frozen=True)
class OpenHandsJob:
    """One task for an OpenHands conversation, with the direct path's model."""

    task: str
    """The user's task description."""
    module_name: str
    """Python module to produce: the agent writes ``<module_name>.py``."""
    model: str
    """Model id as the provider knows it (sent as ``openai/<model>``)."""
    base_url: str
    """The provider's OpenAI-compatible base URL (ends in /v1)."""
    api_key: str = field(default="", repr=False)
    """Provider API key; passed to the worker on stdin, never logged."""
    context_text: str = ""
    """Codebase context rendered by build_context."""
    requirements: str = ""
    """Gate requirements the code must meet (typing, tests, coverage...)."""
    best_draft: str | None = None
    """The direct path's best draft, when escalating; seeded into the workspace."""
    findings: list[Finding] = field(default_factory=list)
    """Open findings on ``best_draft``."""
    input_cost_per_mtok: Decimal | None = None
    """USD per million input tokens, to price the run when the SDK cannot."""
    output_cost_per_mtok: Decimal | None = None
    """USD per million output tokens."""
    extra_headers: dict[str, str] = field(default_factory=dict)
    """Provider headers (e.g. OpenRouter's HTTP-Referer)."""

    def __post_init__(self) -> None:
        if not self.module_name.isidentifier():
            raise InputError(
                f"module name {self.module_name!r} is not a Python identifier"
            )
        if not self.task.strip():
            raise InputError("the task is empty")


@dataclass(frozen=True)
class OpenHandsResult:
    """The outcome of one watched conversation."""

    status: RunStatus
    """finished (the agent called finish), stopped (a limit tripped) or error."""
    stopped_by: StopReason | None = None
    """Which watchdog limit stopped it, when one did."""
    code: str | None = None
    """Content of ``<module_name>.py`` from the workspace, if produced."""
    tests: str | None = None
    """Content of the produced test file, if any."""
    input_tokens: int = 0
    """Prompt tokens over every model call of the conversation."""
    output_tokens: int = 0
    """Completion tokens over every model call."""
    cost_usd: Decimal | None = None
    """Cost reported by the SDK, else computed from the job's prices, else None."""
    events_count: int = 0
    """Conversation events seen."""
    condensations: int = 0
    """Condensation events seen."""
    iterations: int = 0
    """Agent steps seen."""
    message: str = ""
    """The agent's final message, or why the run stopped or failed."""
    elapsed_s: float = 0.0
    """Wall-clock seconds of the conversation, worker start-up included."""
