"""API keys: read from the environment variable a provider names, checked before use.

Keys are never written in the config file and never shown: problems name the
variable, not its value.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping, Sequence

from tta_codegen.errors import ConfigError, NoUsableModelError
from tta_codegen.settings import ModelEntry, ProviderSettings, Settings

__all__ = ["LOCAL_PLACEHOLDER_KEY", "api_key", "key_problem", "no_usable_model"]

LOCAL_PLACEHOLDER_KEY = "not-needed"
"""Sent to local servers that need no key (OpenAI clients insist on one)."""


def _variable(provider_name: str, provider: ProviderSettings) -> str:
    return provider.api_key_env or f"providers.{provider_name}.api_key_env"


def key_problem(provider_name: str, provider: ProviderSettings) -> str | None:
    """Why the provider cannot be called for want of a usable key, or None.

    ``no API key: set OPENAI_API_KEY`` when a required key is missing; a key
    that cannot travel in an HTTP header (a non-ASCII or control character, a
    stray newline from a copy-paste) is named by position, never shown.
    """
    value = os.environ.get(provider.api_key_env) if provider.api_key_env else None
    if not value:
        if provider.api_key_required:
            return f"no API key: set {_variable(provider_name, provider)}"
        return None
    for position, char in enumerate(value, start=1):
        if not (char.isascii() and char.isprintable()) or char.isspace():
            return (
                f"the API key in {_variable(provider_name, provider)} has a character"
                f" that cannot be sent in an HTTP header (character {position} of "
                f"{len(value)}); copy the key again"
            )
    return None


def api_key(provider_name: str, provider: ProviderSettings) -> str:
    """The provider's key; ConfigError naming the variable when it is unusable,
    a placeholder for local servers that take any key."""
    problem = key_problem(provider_name, provider)
    if problem is not None:
        raise ConfigError(
            f"provider {provider_name!r}: {problem}",
            hint="the key is read from the environment, never from the config file",
        )
    value = os.environ.get(provider.api_key_env) if provider.api_key_env else None
    return value or LOCAL_PLACEHOLDER_KEY


LOCAL_SERVER_HINT = (
    "for a local Ollama or vLLM server (no key needed): [providers.local] "
    'base_url = "http://127.0.0.1:11434/v1" and a [[models]] entry with '
    'provider = "local"'
)


def no_usable_model(
    settings: Settings,
    entries: Sequence[ModelEntry],
    unusable: Mapping[str, str],
    *,
    pinned: str | None,
) -> NoUsableModelError:
    """The error for "nothing can be called", saying what to set per provider."""
    if pinned is not None:
        return NoUsableModelError(
            f"model {pinned!r} cannot be called: {unusable[pinned]}",
            hint=f"or choose another model (`tta-codegen models list`); "
            f"{LOCAL_SERVER_HINT}",
        )
    per_provider = Counter(e.provider for e in entries)
    fixes = []
    for name, count in sorted(per_provider.items()):
        provider = settings.providers.get(name)
        what = (
            f"set {_variable(name, provider)}"
            if provider is not None and provider.api_key_required
            else "fix its settings"
        )
        fixes.append(f"{what} ({name}: {count} model{'s' if count > 1 else ''})")
    return NoUsableModelError(
        "no model can be called: " + "; ".join(sorted(set(unusable.values()))),
        hint="; or ".join(fixes) + f"; or, {LOCAL_SERVER_HINT}",
    )
