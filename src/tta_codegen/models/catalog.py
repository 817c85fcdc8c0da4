"""The model catalog: built-in models, refreshed provider data, ``[[models]]``.

Merge order for one id: the built-in entry (or the config entry that adds it),
then prices and context windows refreshed from the provider's ``/models``
endpoint (cached under ``state_dir``), then the fields the config sets
explicitly. So a config value always wins, and a refresh never has to be redone
after editing the config.
"""

from __future__ import annotations

import difflib
import os
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import httpx

from tta_codegen.errors import InputError, ProviderUnreachableError
from tta_codegen.models._store import JsonDoc, LockedJsonFile
from tta_codegen.settings import ModelEntry, Settings

__all__ = [
    "BUILTIN_MODELS",
    "DEFAULT_MODEL",
    "Catalog",
    "RefreshResult",
]

DEFAULT_MODEL = "deepseek/deepseek-chat-v3.1:free"
"""The default model: free on OpenRouter, strong at code."""

CACHE_FILE = "models-cache.json"


def _m(
    model_id: str,
    context: int,
    price_in: str,
    price_out: str,
    quality: dict[str, float],
    latency_ms: float,
    capabilities: tuple[str, ...] = ("tools", "json_mode"),
    max_output: int | None = None,
) -> ModelEntry:
    return ModelEntry(
        id=model_id,
        provider="openrouter",
        context_window=context,
        input_cost_per_mtok=Decimal(price_in),
        output_cost_per_mtok=Decimal(price_out),
        quality=quality,
        capabilities=list(capabilities),
        max_output_tokens=max_output,
        typical_latency_ms=latency_ms,
    )


def _q(code: float, tests: float, refine: float, review: float) -> dict[str, float]:
    return {
        "code_generation": code,
        "test_generation": tests,
        "refinement": refine,
        "review": review,
    }


BUILTIN_MODELS: tuple[ModelEntry, ...] = (
    _m(DEFAULT_MODEL, 163_840, "0", "0", _q(7.6, 7.1, 7.2, 7.0), 6000),
    _m("qwen/qwen3-coder:free", 262_144, "0", "0", _q(7.4, 7.0, 7.1, 6.6), 7000),
    _m(
        "meta-llama/llama-3.3-70b-instruct:free",
        65_536,
        "0",
        "0",
        _q(6.0, 5.8, 5.6, 5.8),
        5000,
        ("tools",),
    ),
    _m(
        "deepseek/deepseek-chat-v3.1",
        163_840,
        "0.20",
        "0.80",
        _q(7.6, 7.1, 7.2, 7.0),
        4000,
    ),
    _m("qwen/qwen3-coder", 262_144, "0.22", "0.95", _q(7.8, 7.3, 7.4, 6.9), 3500),
    _m("openai/gpt-5-mini", 400_000, "0.25", "2.00", _q(8.2, 8.0, 7.9, 8.0), 9000),
    _m(
        "google/gemini-2.5-flash",
        1_048_576,
        "0.30",
        "2.50",
        _q(7.7, 7.4, 7.3, 7.5),
        3000,
    ),
    _m(
        "anthropic/claude-sonnet-4.5",
        1_000_000,
        "3.00",
        "15.00",
        _q(9.2, 9.0, 9.0, 9.1),
        7000,
        max_output=64_000,
    ),
)
"""Models known without any configuration (prices in USD per million tokens)."""


class RefreshResult:
    """What ``Catalog.refresh`` learned from a provider."""

    def __init__(self, provider: str, fetched: int, updated: list[str]) -> None:
        self.provider = provider
        self.fetched = fetched
        """Models the provider listed."""
        self.updated = updated
        """Catalog ids whose price or context window came from this refresh."""


class Catalog:
    """Every model the orchestrator may call, with prices, windows and priors."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._cache = LockedJsonFile(settings.state_dir / CACHE_FILE)
        self._entries = self._merge()

    @property
    def cache_path(self) -> Path:
        """Where refreshed provider data is kept."""
        return self._cache.path

    def _merge(self) -> dict[str, ModelEntry]:
        entries = {entry.id: entry for entry in BUILTIN_MODELS}
        configured = {entry.id: entry for entry in self._settings.models}
        for model_id, entry in configured.items():
            entries.setdefault(model_id, entry)
        cache = self._cache.read_sync()
        for model_id, entry in list(entries.items()):
            refreshed = cache.get(entry.provider, {}).get("models", {}).get(model_id)
            if isinstance(refreshed, dict):
                entries[model_id] = _apply_refreshed(entry, refreshed)
        for model_id, entry in configured.items():
            base = entries[model_id]
            explicit = {name: getattr(entry, name) for name in entry.model_fields_set}
            if "quality" in explicit:  # per task type: unset task types keep priors
                explicit["quality"] = {**base.quality, **entry.quality}
            entries[model_id] = base.model_copy(update=explicit)
        return entries

    def get(self, model_id: str) -> ModelEntry:
        """The entry for ``model_id``; InputError naming near matches if unknown."""
        try:
            return self._entries[model_id]
        except KeyError:
            near = difflib.get_close_matches(model_id, self._entries, n=3, cutoff=0.4)
            hint = f"did you mean {', '.join(near)}?" if near else "see `models list`"
            raise InputError(f"unknown model {model_id!r}", hint=hint) from None

    def __contains__(self, model_id: object) -> bool:
        return model_id in self._entries

    def all(self) -> list[ModelEntry]:
        """Every entry, in catalog order (built-ins first, then config additions)."""
        return list(self._entries.values())

    async def refresh(self, provider: str = "openrouter") -> RefreshResult:
        """Fetch ``<base_url>/models`` and cache prices and context windows.

        Raises ProviderUnreachableError (with the URL and the reason) when the
        endpoint cannot be reached or answers with something unusable.
        """
        settings = self._settings.provider(provider)
        url = settings.base_url.rstrip("/") + "/models"
        headers = dict(settings.headers)
        key = os.environ.get(settings.api_key_env) if settings.api_key_env else None
        if key:
            headers["Authorization"] = f"Bearer {key}"
        try:
            async with httpx.AsyncClient(timeout=min(settings.timeout_s, 30)) as client:
                response = await client.get(url, headers=headers)
                response.raise_for_status()
                payload: Any = response.json()
        except httpx.HTTPStatusError as exc:
            raise ProviderUnreachableError(
                f"cannot refresh models from {provider}: {url} answered "
                f"HTTP {exc.response.status_code}"
            ) from None
        except (httpx.HTTPError, ValueError) as exc:
            raise ProviderUnreachableError(
                f"cannot refresh models from {provider}: {url} is unreachable "
                f"({type(exc).__name__})",
                hint="check the network or providers.<name>.base_url; "
                "the built-in prices stay in use",
            ) from None
        models = _parse_models(payload)
        if models is None:
            raise ProviderUnreachableError(
                f"cannot refresh models from {provider}: {url} did not return a "
                "model list (expected {'data': [...]})"
            )

        def store(doc: JsonDoc) -> None:
            doc[provider] = {"fetched_at": time.time(), "models": models}

        await self._cache.transact(store)
        self._entries = self._merge()
        updated = [
            e.id
            for e in self._entries.values()
            if e.provider == provider and e.id in models
        ]
        return RefreshResult(provider, len(models), updated)


def _per_mtok(value: Any) -> str | None:
    try:
        price = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if price < 0:  # OpenRouter uses -1 for "varies" (routers)
        return None
    return str((price * 1_000_000).normalize())


def _parse_models(payload: Any) -> dict[str, dict[str, Any]] | None:
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        return None
    out: dict[str, dict[str, Any]] = {}
    for item in payload["data"]:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        record: dict[str, Any] = {}
        if isinstance(item.get("context_length"), int):
            record["context_window"] = item["context_length"]
        pricing = item.get("pricing")
        if isinstance(pricing, dict):
            for source, target in (("prompt", "input"), ("completion", "output")):
                if source in pricing and (price := _per_mtok(pricing[source])):
                    record[f"{target}_cost_per_mtok"] = price
        out[item["id"]] = record
    return out


def _apply_refreshed(entry: ModelEntry, record: dict[str, Any]) -> ModelEntry:
    update: dict[str, Any] = {}
    if isinstance(record.get("context_window"), int):
        update["context_window"] = record["context_window"]
    for name in ("input_cost_per_mtok", "output_cost_per_mtok"):
        if isinstance(record.get(name), str):
            update[name] = Decimal(record[name])
    return entry.model_copy(update=update)
