"""Run-scoped dependencies handed to every node through LangGraph's Runtime.

Nodes never build clients or read settings themselves: the entry point (CLI or
API) opens these once per process and passes them as the graph's context.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass

from opentelemetry import trace
from opentelemetry.trace import Tracer

from tta_codegen.gates import Sandbox, create_sandbox
from tta_codegen.models import ModelGateway
from tta_codegen.prompts import PromptLibrary
from tta_codegen.safety import SafetyChecker, load_safety_checker
from tta_codegen.settings import Settings

__all__ = ["RunContext", "context_for_server"]


@dataclass(frozen=True)
class RunContext:
    """What nodes may use: the graph's ``context_schema``."""

    settings: Settings
    """Settings read once at the entry point."""
    gateway: ModelGateway
    """Model selection, fallback, budgets and the LLM calls themselves."""
    prompts: PromptLibrary
    """Template library holding the graph's own prompts too."""
    sandbox: Sandbox
    """Where generated code runs; never in our process."""
    tracer: Tracer
    """OpenTelemetry tracer (the API; the SDK is set up by the entry point)."""
    safety: SafetyChecker | None = None
    """Optional output safety check run on every draft (``[safety]``)."""

    @classmethod
    def create(
        cls, settings: Settings, *, gateway: ModelGateway, tracer: Tracer
    ) -> RunContext:
        """The context for ``settings``, around an open gateway."""
        return cls(
            settings=settings,
            gateway=gateway,
            prompts=PromptLibrary.load(settings.templates.dirs),
            sandbox=create_sandbox(settings.gates),
            tracer=tracer,
            safety=load_safety_checker(settings.safety),
        )


_shared: RunContext | None = None
_shared_stack = AsyncExitStack()


async def context_for_server() -> RunContext:
    """A process-wide context for runs started without one.

    Only LangGraph's own server (``langgraph dev``, LangGraph Studio) starts runs
    that way; the CLI and API always pass a context. Settings come from the
    usual config file and environment.
    """
    global _shared
    if _shared is None:
        settings = Settings.load()
        tracer = trace.get_tracer("tta_codegen")
        gateway = await _shared_stack.enter_async_context(
            ModelGateway.open(settings, tracer=tracer)
        )
        _shared = RunContext.create(settings, gateway=gateway, tracer=tracer)
    return _shared
