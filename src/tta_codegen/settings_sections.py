"""The sections of the settings file, one model each (``[providers.*]``,
``[[models]]``, ``[checkpoints]``, ``[budget]``, ...). ``settings.Settings`` puts
them together and loads them; import them from ``tta_codegen.settings``.

Every size, count, duration and amount of money is checked when the settings
load: a value out of range stops with one line naming the key. A limit that may
be switched off takes the string ``"unlimited"`` (and only that string).
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

__all__ = [
    "BudgetSettings",
    "CheckpointSettings",
    "ContextSettings",
    "FleetSettings",
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

_UNLIMITED = "unlimited"
"""The one word that switches a limit off."""


def _unlimited(value: object) -> object:
    """``"unlimited"`` is no limit (None); a number (or numeric string, as the
    environment gives) is validated as given; any other word is an error."""
    if value == _UNLIMITED:
        return None
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            raise ValueError(f'expected a number or "{_UNLIMITED}"') from None
    return value


_Unlimited = BeforeValidator(_unlimited)
"""Lets a ``T | None`` limit be set to ``"unlimited"`` in the file or environment."""


def default_state_dir() -> Path:
    """``$XDG_STATE_HOME/tta-codegen`` or ``~/.local/state/tta-codegen``."""
    base = os.environ.get("XDG_STATE_HOME") or "~/.local/state"
    return Path(base).expanduser() / "tta-codegen"


def _first_unsendable(text: str) -> int | None:
    """1-based position of the first character an HTTP header cannot carry."""
    for position, char in enumerate(text, start=1):
        if not (char.isascii() and char.isprintable()):
            return position
    return None


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
    """Extra HTTP headers (e.g. OpenRouter's HTTP-Referer / X-Title); printable
    ASCII only, checked when the settings load (a value is never shown)."""

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                "expected an http:// or https:// URL with a host, such as "
                "https://api.openai.com/v1"
            )
        return url

    @field_validator("headers")
    @classmethod
    def _sendable_headers(cls, headers: dict[str, str]) -> dict[str, str]:
        for name, value in headers.items():
            for part, text in (("name", name), ("value", value)):
                position = _first_unsendable(text)
                if position is not None:
                    which = f"{ascii(name)} value" if part == "value" else "name"
                    raise ValueError(
                        f"header {which}: character {position} of {len(text)} "
                        "cannot be sent in an HTTP header"
                    )
        return headers

    timeout_s: float = Field(default=120.0, gt=0)
    """Per-request timeout (> 0)."""
    free_requests_per_minute: Annotated[int | None, _Unlimited] = Field(
        default=None, ge=1
    )
    """Provider quota for free models (OpenRouter: 20); >= 1, or "unlimited"."""
    free_requests_per_day: Annotated[int | None, _Unlimited] = Field(default=None, ge=1)
    """Provider daily quota for free models (OpenRouter: 50, or 1000 with
    credits); >= 1, or "unlimited"."""
    max_requests_per_minute: Annotated[int | None, _Unlimited] = Field(
        default=None, ge=1
    )
    """Cap on requests per minute to this provider from one process, shared by
    every run in it (a batch), or from every process sharing
    ``routing.stats_url`` (a fleet); requests over it wait their turn. >= 1;
    none (or "unlimited") by default."""
    max_concurrent_requests: Annotated[int | None, _Unlimited] = Field(
        default=None, ge=1
    )
    """Cap on requests in flight to this provider from one process (or from
    every process sharing ``routing.stats_url``: a fleet); >= 1; none (or
    "unlimited") by default."""


class ModelEntry(_Section):
    """A model in the catalog; ``[[models]]`` entries add to or override built-ins."""

    id: str
    """The id sent to the provider."""
    provider: str = "openrouter"
    """Key of a ``[providers.*]`` table."""
    context_window: int = Field(default=32_768, ge=1)
    """Maximum prompt + completion tokens (>= 1)."""
    input_cost_per_mtok: Decimal | None = Field(default=None, ge=0)
    """USD per million input tokens (>= 0; 0 is free); None when unknown."""
    output_cost_per_mtok: Decimal | None = Field(default=None, ge=0)
    """USD per million output tokens (>= 0; 0 is free); None when unknown."""
    free: bool | None = None
    """Free tier model; derived from a ``:free`` suffix or zero prices when None."""
    quality: dict[str, Annotated[float, Field(ge=0, le=10)]] = Field(
        default_factory=dict
    )
    """Prior quality per task type, 0-10 (code_generation, test_generation, ...)."""
    capabilities: list[str] = Field(default_factory=list)
    """Capabilities such as tools, json_mode, long_context."""
    max_output_tokens: Annotated[int | None, _Unlimited] = Field(default=None, ge=1)
    """Cap on completion tokens for this model (>= 1, or "unlimited")."""
    typical_latency_ms: float | None = Field(default=None, gt=0)
    """Prior latency used until measurements exist (> 0)."""

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

    url: str | None = None
    """memory://, sqlite:///path, redis://[:password@]host:port/db, rediss://, or
    postgresql://user[:password]@host:port/dbname (also postgres://); unset:
    ``checkpoints.sqlite`` in the state directory (filled in on load)."""
    key_prefix: str = "tta-codegen"
    """Redis key prefix, so one Redis can serve several apps."""
    ttl_s: Annotated[int | None, _Unlimited] = Field(default=None, ge=1)
    """Redis: expire a thread this long after its last write (>= 1; unset or
    "unlimited" keeps it)."""
    keep_last: Annotated[int | None, _Unlimited] = Field(default=None, ge=1)
    """Redis: keep only the newest N checkpoints per thread (>= 1; unset or
    "unlimited" keeps all)."""


class BudgetSettings(_Section):
    """Spend limits, in USD."""

    max_cost_per_run_usd: Annotated[Decimal | None, _Unlimited] = Field(
        default=Decimal("0.50"), ge=0
    )
    """A call that would take one run above this is not made. >= 0 (0 allows
    only free models), or "unlimited"."""
    max_cost_per_day_usd: Annotated[Decimal | None, _Unlimited] = Field(
        default=Decimal("5.00"), ge=0
    )
    """Shared by every run on this machine (or team, with Redis) per UTC day.
    >= 0 (0 allows only free models), or "unlimited"."""


class GenerationSettings(_Section):
    """How drafts are generated and refined."""

    max_iterations: int = Field(default=3, ge=0, le=20)
    """Refinement rounds after the first draft (0-20; 0: no refinement)."""
    default_model: str | None = None
    """A preferred model: tried first when no --model is given, with fallback to
    the ranked candidates after it (--model pins a model instead)."""
    temperature: float = Field(default=0.2, ge=0, le=2)
    """Sampling temperature for drafts (0-2)."""
    max_output_tokens: int = Field(default=8192, ge=1)
    """Completion cap per call (>= 1)."""
    max_task_bytes: int = Field(default=262_144, gt=0)
    """Largest task (UTF-8 bytes, after a template is rendered) a run accepts;
    a bigger one is refused before anything is stored (> 0)."""
    task_type: str = "code_generation"
    """Default task type for model selection."""


class RoutingSettings(_Section):
    """Model selection, fallback and circuit breaking."""

    prefer_free: bool = True
    """Rank free models first when quality is comparable."""
    allow_paid_fallback: bool = False
    """May a run that started on a free model fall back to a paid one?"""
    max_latency_ms: Annotated[float | None, _Unlimited] = Field(default=None, gt=0)
    """Skip models whose measured p95 latency is above this (> 0; none, or
    "unlimited", by default)."""
    min_quality_score: float | None = Field(default=None, ge=0, le=10)
    """Skip models whose blended quality is below this (0-10)."""
    max_candidates: int = Field(default=4, ge=1)
    """How many ranked models a run may fall back through (>= 1)."""
    retries_per_model: int = Field(default=3, ge=1)
    """Attempts at one model on retryable errors before falling back (>= 1)."""
    backoff_initial_s: float = Field(default=0.5, ge=0)
    """First backoff delay; doubles with jitter (>= 0; 0 retries at once)."""
    backoff_max_s: float = Field(default=20.0, ge=0)
    """Longest wait between attempts (also caps Retry-After); >= 0."""
    breaker_failures: int = Field(default=5, ge=1)
    """Consecutive failures that open a model's circuit (>= 1)."""
    breaker_reset_s: float = Field(default=60.0, gt=0)
    """Seconds an open circuit waits before letting one trial call through (> 0)."""
    stats_url: str | None = None
    """redis://... to share model stats and breakers with a team; local file if None."""
    key_prefix: str = "tta-codegen"
    """Prefix of every Redis key the model layer writes (stats, breakers, ledgers)."""
    reservation_ttl_s: float = Field(default=900.0, gt=0)
    """A budget reservation not committed within this long is released (crashed
    run); > 0."""


class GatesSettings(_Section):
    """Quality gates."""

    profile: Literal["development", "staging", "production"] = "development"
    """Maturity profile: which gates block and the coverage threshold."""
    min_coverage: float | None = Field(default=None, ge=0, le=100)
    """Override the profile's coverage threshold (percent, 0-100)."""
    test_timeout_s: float = Field(default=10.0, gt=0)
    """Per-test timeout inside the sandbox (> 0)."""
    run_timeout_s: float = Field(default=60.0, gt=0)
    """Wall-clock limit of one sandboxed execution (> 0)."""
    mutation: bool = True
    """Check that generated tests kill mutants of the code."""
    sandbox: Literal["auto", "bwrap", "process"] = "auto"
    """bwrap (required isolation), process (weaker fallback), or auto."""
    blocking_gates: list[str] | None = None
    """Override the profile's blocking gates (syntax, ruff, mypy, bandit, import,
    tests, locked, coverage, flaky, mutation, repo-tests); errors of other gates
    become advice."""
    memory_mb: int = Field(default=2048, ge=128)
    """Sandbox address-space limit per process (RLIMIT_AS); >= 128 (the test
    runner alone needs about 64)."""
    max_processes: int = Field(default=64, ge=4)
    """Sandbox process limit (RLIMIT_NPROC of the sandbox uid); >= 4 (the
    runner forks for re-runs and mutants)."""
    file_size_mb: int = Field(default=64, ge=1)
    """Largest file sandboxed code may write (RLIMIT_FSIZE); >= 1."""
    tmp_mb: int = Field(default=256, ge=1)
    """Most the code may keep in the sandbox's /tmp (a sized tmpfs, so RAM); >= 1."""
    workdir_mb: int = Field(default=256, ge=1)
    """Most the sandbox's work dir may hold, inputs included (a sized tmpfs,
    so RAM); >= 1."""
    open_files: int = Field(default=256, ge=32)
    """Sandbox open-file limit (RLIMIT_NOFILE); >= 32 (the runner needs ~16)."""
    sandbox_uid: int = Field(default=61000, ge=1000, le=2**31 - 1 - 1000)
    """First uid of the unprivileged range (1000 uids) sandboxed code runs as
    when tta-codegen runs as root; never a system account (>= 1000)."""
    max_mutants: int = Field(default=24, ge=1)
    """Cap on mutants per final validate (a handful per function); >= 1
    (``mutation = false`` turns mutation testing off)."""
    reruns: int = Field(default=2, ge=0)
    """Extra runs of passing tests to catch flaky ones (>= 0; 0: no re-runs)."""
    static_timeout_s: float = Field(default=30.0, gt=0)
    """Timeout of each static tool (ruff, mypy, bandit) subprocess (> 0)."""
    cache_dir: Path | None = None
    """Type-checker cache; ``<state_dir>/mypy-cache`` when unset."""


class ContextSettings(_Section):
    """Codebase context injection."""

    roots: list[Path] = Field(default_factory=list)
    """Folders or files always indexed (added to --context)."""
    token_budget: int = Field(default=6000, ge=0)
    """Upper bound of context tokens; also capped by the model's window
    (>= 0; 0: no context)."""
    pattern_docs: list[str] = Field(
        default_factory=lambda: [
            "docs/patterns.md",
            "ARCHITECTURE.md",
            "AGENTS.md",
            "CONTRIBUTING.md",
        ]
    )
    """Documents (relative to each root) injected as architectural patterns."""
    max_file_bytes: int = Field(default=512_000, ge=1)
    """Files larger than this are skipped as generated (>= 1)."""


class TemplateSettings(_Section):
    """Prompt library."""

    dirs: list[Path] = Field(default_factory=list)
    """User template folders; they extend or override the built-ins."""


class OpenHandsSettings(_Section):
    """The postponed OpenHands path (see ADR-001)."""

    enabled: bool = False
    """Route complex multi-step tasks (and stalled refinements) to OpenHands."""
    max_seconds: float = Field(default=600.0, gt=0)
    """Watchdog: wall-clock limit of one conversation (> 0)."""
    max_iterations: int = Field(default=40, ge=1)
    """Watchdog: agent iteration cap (>= 1)."""
    max_condensations: int = Field(default=3, ge=0)
    """Watchdog: condensation events before the conversation is paused (>= 0;
    0 pauses at the first)."""
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


class FleetSettings(_Section):
    """Workers on many machines (``tta-codegen worker``) sharing one queue."""

    broker_url: str | None = None
    """redis://... or amqp://user:password@host:port/vhost; unset: the Redis of
    the checkpoint store (or of ``routing.stats_url``)."""
    queue: str = Field(default="tta-codegen", min_length=1)
    """Queue the runs are sent to and workers take them from."""
    concurrency: int = Field(default=4, gt=0)
    """Runs one worker executes at once (> 0)."""
    lease_s: float = Field(default=30.0, ge=1.0, le=86400.0)
    """A thread's run lease lasts this long and is renewed every third of it; a
    worker that dies loses its runs to another worker after at most this (1 s
    to a day). Also guards local ``resume`` of one thread by two processes."""
