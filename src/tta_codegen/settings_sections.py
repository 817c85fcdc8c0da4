"""The sections of the settings file, one model each (``[providers.*]``,
``[[models]]``, ``[checkpoints]``, ``[budget]``, ...). ``settings.Settings`` puts
them together and loads them; import them from ``tta_codegen.settings``.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "BudgetSettings",
    "CheckpointSettings",
    "ContextSettings",
    "GatesSettings",
    "GenerationSettings",
    "ModelEntry",
    "OpenHandsSettings",
    "ProviderSettings",
    "RoutingSettings",
    "SafetySettings",
    "TelemetrySettings",
    "TemplateSettings",
    "default_state_dir",
]


def default_state_dir() -> Path:
    """``$XDG_STATE_HOME/tta-codegen`` or ``~/.local/state/tta-codegen``."""
    base = os.environ.get("XDG_STATE_HOME") or "~/.local/state"
    return Path(base).expanduser() / "tta-codegen"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProviderSettings(_Section):
    """An OpenAI-compatible endpoint."""

    base_url: str
    """Base URL ending in /v1 (OpenRouter, OpenAI, Ollama, vLLM, ...)."""
    api_key_env: str | None = None
    """Environment variable holding the API key; the key itself never goes in config."""
    api_key_required: bool = True
    """False for local servers that accept any key."""
    headers: dict[str, str] = Field(default_factory=dict)
    """Extra HTTP headers (e.g. OpenRouter's HTTP-Referer / X-Title)."""
    timeout_s: float = 120.0
    """Per-request timeout."""
    free_requests_per_minute: int | None = None
    """Provider quota for free models (OpenRouter: 20)."""
    free_requests_per_day: int | None = None
    """Provider daily quota for free models (OpenRouter: 50, or 1000 with credits)."""
    max_requests_per_minute: int | None = Field(default=None, ge=1)
    """Cap on requests per minute to this provider from one process, shared by
    every run in it (a batch); requests over it wait their turn."""
    max_concurrent_requests: int | None = Field(default=None, ge=1)
    """Cap on requests in flight to this provider from one process."""


class ModelEntry(_Section):
    """A model in the catalog; ``[[models]]`` entries add to or override built-ins."""

    id: str
    """The id sent to the provider."""
    provider: str = "openrouter"
    """Key of a ``[providers.*]`` table."""
    context_window: int = 32_768
    """Maximum prompt + completion tokens."""
    input_cost_per_mtok: Decimal | None = None
    """USD per million input tokens; None when unknown."""
    output_cost_per_mtok: Decimal | None = None
    """USD per million output tokens; None when unknown."""
    free: bool | None = None
    """Free tier model; derived from a ``:free`` suffix or zero prices when None."""
    quality: dict[str, float] = Field(default_factory=dict)
    """Prior quality per task type, 0-10 (code_generation, test_generation, ...)."""
    capabilities: list[str] = Field(default_factory=list)
    """Capabilities such as tools, json_mode, long_context."""
    max_output_tokens: int | None = None
    """Cap on completion tokens for this model."""
    typical_latency_ms: float | None = None
    """Prior latency used until measurements exist."""

    @property
    def is_free(self) -> bool:
        """True for free-tier models."""
        if self.free is not None:
            return self.free
        return self.id.endswith(":free") or (
            self.input_cost_per_mtok == 0 and self.output_cost_per_mtok == 0
        )


class CheckpointSettings(_Section):
    """Where runs are checkpointed."""

    url: str = "sqlite:///" + str(default_state_dir() / "checkpoints.sqlite")
    """memory://, sqlite:///path, redis://[:password@]host:port/db, rediss://,
    or postgresql://user[:password]@host:port/dbname (also postgres://)."""
    key_prefix: str = "tta-codegen"
    """Redis key prefix, so one Redis can serve several apps."""
    ttl_s: int | None = None
    """Redis: expire a thread this long after its last write (None keeps it)."""
    keep_last: int | None = None
    """Redis: keep only the newest N checkpoints per thread (None keeps all)."""


class BudgetSettings(_Section):
    """Spend limits, in USD."""

    max_cost_per_run_usd: Decimal | None = Decimal("0.50")
    """A call that would take one run above this is not made."""
    max_cost_per_day_usd: Decimal | None = Decimal("5.00")
    """Shared by every run on this machine (or team, with Redis) per UTC day."""


class GenerationSettings(_Section):
    """How drafts are generated and refined."""

    max_iterations: int = Field(default=3, ge=0, le=20)
    """Refinement rounds after the first draft."""
    default_model: str | None = None
    """Model used when neither --model nor selection picks one."""
    temperature: float = 0.2
    """Sampling temperature for drafts."""
    max_output_tokens: int = 8192
    """Completion cap per call."""
    task_type: str = "code_generation"
    """Default task type for model selection."""


class RoutingSettings(_Section):
    """Model selection, fallback and circuit breaking."""

    prefer_free: bool = True
    """Rank free models first when quality is comparable."""
    allow_paid_fallback: bool = False
    """May a run that started on a free model fall back to a paid one?"""
    max_latency_ms: float | None = None
    """Skip models whose measured p95 latency is above this."""
    min_quality_score: float | None = None
    """Skip models whose blended quality is below this (0-10)."""
    max_candidates: int = 4
    """How many ranked models a run may fall back through."""
    retries_per_model: int = 3
    """Attempts at one model on retryable errors before falling back."""
    backoff_initial_s: float = 0.5
    """First backoff delay; doubles with jitter."""
    backoff_max_s: float = 20.0
    """Longest wait between attempts (also caps Retry-After)."""
    breaker_failures: int = 5
    """Consecutive failures that open a model's circuit."""
    breaker_reset_s: float = 60.0
    """Seconds an open circuit waits before letting one trial call through."""
    stats_url: str | None = None
    """redis://... to share model stats and breakers with a team; local file if None."""
    key_prefix: str = "tta-codegen"
    """Prefix of every Redis key the model layer writes (stats, breakers, ledgers)."""
    reservation_ttl_s: float = 900.0
    """A budget reservation not committed within this long is released (crashed run)."""


class GatesSettings(_Section):
    """Quality gates."""

    profile: Literal["development", "staging", "production"] = "development"
    """Maturity profile: which gates block and the coverage threshold."""
    min_coverage: float | None = None
    """Override the profile's coverage threshold (percent)."""
    test_timeout_s: float = 10.0
    """Per-test timeout inside the sandbox."""
    run_timeout_s: float = 60.0
    """Wall-clock limit of one sandboxed execution."""
    mutation: bool = True
    """Check that generated tests kill mutants of the code."""
    sandbox: Literal["auto", "bwrap", "process"] = "auto"
    """bwrap (required isolation), process (weaker fallback), or auto."""
    blocking_gates: list[str] | None = None
    """Override the profile's blocking gates (syntax, ruff, mypy, bandit, import,
    tests, locked, coverage, flaky, mutation); errors of other gates become advice."""
    memory_mb: int = 2048
    """Sandbox address-space limit per process (RLIMIT_AS)."""
    max_processes: int = 64
    """Sandbox process limit (RLIMIT_NPROC of the sandbox uid)."""
    file_size_mb: int = 64
    """Largest file sandboxed code may write (RLIMIT_FSIZE)."""
    open_files: int = 256
    """Sandbox open-file limit (RLIMIT_NOFILE)."""
    sandbox_uid: int = 61000
    """First uid of the unprivileged range sandboxed code runs as (when root)."""
    max_mutants: int = 24
    """Cap on mutants per final validate (a handful per function)."""
    reruns: int = 2
    """Extra runs of passing tests to catch flaky ones."""
    static_timeout_s: float = 30.0
    """Timeout of each static tool (ruff, mypy, bandit) subprocess."""
    cache_dir: Path | None = None
    """Type-checker cache; ``<state_dir>/mypy-cache`` when unset."""


class ContextSettings(_Section):
    """Codebase context injection."""

    roots: list[Path] = Field(default_factory=list)
    """Folders or files always indexed (added to --context)."""
    token_budget: int = 6000
    """Upper bound of context tokens; also capped by the model's window."""
    pattern_docs: list[str] = Field(
        default_factory=lambda: [
            "docs/patterns.md",
            "ARCHITECTURE.md",
            "AGENTS.md",
            "CONTRIBUTING.md",
        ]
    )
    """Documents (relative to each root) injected as architectural patterns."""
    max_file_bytes: int = 512_000
    """Files larger than this are skipped as generated."""


class TemplateSettings(_Section):
    """Prompt library."""

    dirs: list[Path] = Field(default_factory=list)
    """User template folders; they extend or override the built-ins."""


class OpenHandsSettings(_Section):
    """The postponed OpenHands path (see ADR-001)."""

    enabled: bool = False
    """Route complex multi-step tasks (and stalled refinements) to OpenHands."""
    max_seconds: float = 600.0
    """Watchdog: wall-clock limit of one conversation."""
    max_iterations: int = 40
    """Watchdog: agent iteration cap."""
    max_condensations: int = 3
    """Watchdog: condensation events before the conversation is paused."""
    llm_classifier: bool = False
    """Ask a model to classify borderline tasks as simple or complex."""


class SafetySettings(_Section):
    """Output safety checks on generated code (off by default)."""

    enabled: bool = False
    """Run the safety checker on every draft; its findings block acceptance."""
    blocked_patterns: list[str] = Field(default_factory=list)
    """Regular expressions that must not appear in generated code."""
    checker: str | None = None
    """A custom checker as "module:callable" (a SafetyChecker, or a factory of one)."""
    severity: Literal["error", "warning"] = "error"
    """Severity of the built-in checker's findings (error blocks the draft)."""


class TelemetrySettings(_Section):
    """Tracing."""

    capture_content: bool = False
    """Record prompts and completions on spans (opt-in)."""
    local_spans: bool = True
    """Keep each run's spans on disk for ``trace show``."""
