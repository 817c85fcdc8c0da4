"""What nodes may use, handed to them through LangGraph's typed Runtime.

Nodes never build clients or read settings themselves. A session (CLI, API,
batch, worker) opens the ``Resources`` once; every run gets its own
``RunContext`` (the graph's ``context_schema``) around them.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from dataclasses import dataclass

from opentelemetry import trace
from opentelemetry.trace import Tracer

from tta_codegen.gates.sandbox import Sandbox, create_sandbox
from tta_codegen.models import ModelGateway
from tta_codegen.prompts import PromptLibrary
from tta_codegen.safety import SafetyChecker, load_safety_checker
from tta_codegen.settings import Settings

__all__ = ["Resources", "RunContext", "resources_for_server"]


@dataclass(frozen=True)
class Resources:
    """Opened once per session and shared by its runs."""

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
    ) -> Resources:
        """The resources for ``settings``, around an open gateway."""
        return cls(
            settings=settings,
            gateway=gateway,
            prompts=PromptLibrary.load(settings.templates.dirs),
            sandbox=create_sandbox(settings.gates),
            tracer=tracer,
            safety=load_safety_checker(settings.safety),
        )


@dataclass(frozen=True)
class RunContext:
    """One run's context: its thread and the session's resources.

    Every field has a default so a server that builds the context from a run's
    (possibly empty) ``context`` dict can construct it; the graph then fills
    in the process-wide resources (see ``resources_for_server``).
    """

    thread_id: str = ""
    """The run's thread id."""
    resources: Resources | None = None
    """The session's resources; None only until the graph fills them in."""

    def _open(self) -> Resources:
        if self.resources is None:
            raise RuntimeError("RunContext used before its resources were set")
        return self.resources

    @property
    def settings(self) -> Settings:
        """The session's settings."""
        return self._open().settings

    @property
    def gateway(self) -> ModelGateway:
        """The session's model gateway."""
        return self._open().gateway

    @property
    def prompts(self) -> PromptLibrary:
        """The session's prompt library."""
        return self._open().prompts

    @property
    def sandbox(self) -> Sandbox:
        """The session's sandbox."""
        return self._open().sandbox

    @property
    def tracer(self) -> Tracer:
        """The session's tracer."""
        return self._open().tracer

    @property
    def safety(self) -> SafetyChecker | None:
        """The session's output safety check, if configured."""
        return self._open().safety


_shared: Resources | None = None
_shared_stack = AsyncExitStack()


async def resources_for_server() -> Resources:
    """Process-wide resources for runs started without them.

    Only LangGraph's own server (``langgraph dev``, LangGraph Studio) starts runs
    that way; the CLI, API and workers always pass them. Settings come from the
    usual config file and environment.
    """
    global _shared
    if _shared is None:
        settings = await asyncio.to_thread(Settings.load)  # off the server's loop
        tracer = trace.get_tracer("tta_codegen")
        gateway = await _shared_stack.enter_async_context(
            ModelGateway.open(settings, tracer=tracer)
        )
        _shared = await asyncio.to_thread(
            Resources.create, settings, gateway=gateway, tracer=tracer
        )
    return _shared
