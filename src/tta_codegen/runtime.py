"""Run-scoped dependencies handed to every node through LangGraph's Runtime.

Nodes never build clients or read settings themselves: the entry point (CLI or
API) opens these once per process and passes them as the graph's context.
"""

from __future__ import annotations

from dataclasses import dataclass

from opentelemetry.trace import Tracer

from tta_codegen.gates.sandbox import Sandbox
from tta_codegen.models.gateway import ModelGateway
from tta_codegen.prompts import PromptLibrary
from tta_codegen.settings import Settings

__all__ = ["RunContext"]


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
