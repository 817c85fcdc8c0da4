"""Fixtures for the model layer: settings pointing at the fake LLM, a fake clock."""

from __future__ import annotations

import socketserver
import threading
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tta_codegen.settings import ModelEntry, ProviderSettings, Settings
from tta_codegen.testing import FakeOpenAIServer

SettingsFactory = Callable[..., Settings]


class FakeClock:
    """Wall-clock seconds that only move when a test says so."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class RecordedSleep:
    """An injected sleep that records delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def paid(model_id: str, **fields: Any) -> ModelEntry:
    """A paid model on the fake provider ($1 in / $2 out per Mtok by default)."""
    values: dict[str, Any] = {
        "id": model_id,
        "provider": "fake",
        "input_cost_per_mtok": Decimal(1),
        "output_cost_per_mtok": Decimal(2),
        "context_window": 100_000,
        "quality": {"code_generation": 7.0},
        "typical_latency_ms": 1000.0,
    }
    values.update(fields)
    return ModelEntry(**values)


def free(model_id: str, **fields: Any) -> ModelEntry:
    """A free model on the fake provider."""
    return paid(
        model_id,
        input_cost_per_mtok=Decimal(0),
        output_cost_per_mtok=Decimal(0),
        **fields,
    )


@pytest.fixture
def fake_llm(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAIServer]:
    """The fake LLM, tuned for speed: Nagle off (headers and body are written
    separately, so each response would wait ~40 ms for a delayed ACK), and
    stopped in the background (``shutdown`` waits out a 0.5 s poll interval)."""
    monkeypatch.setattr(
        socketserver.StreamRequestHandler, "disable_nagle_algorithm", True
    )
    server = FakeOpenAIServer().start()
    yield server
    threading.Thread(target=server.stop, daemon=True).start()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sleep() -> RecordedSleep:
    return RecordedSleep()


@pytest.fixture
def make_settings(fake_llm: FakeOpenAIServer, tmp_path: Path) -> SettingsFactory:
    """Settings whose ``fake`` provider is the fake server; kwargs override."""

    def build(
        models: list[ModelEntry] | None = None,
        *,
        provider: dict[str, Any] | None = None,
        **overrides: Any,
    ) -> Settings:
        provider_fields: dict[str, Any] = {
            "base_url": fake_llm.base_url,
            "api_key_required": False,
            "timeout_s": 10.0,
        }
        provider_fields.update(provider or {})
        values: dict[str, Any] = {
            "state_dir": tmp_path / "state",
            "providers": {"fake": ProviderSettings(**provider_fields)},
            "models": models or [paid("m-a"), paid("m-b")],
        }
        values.update(overrides)
        return Settings(**values)

    return build


@pytest.fixture
def key_prefix() -> str:
    """A Redis key prefix no other test uses."""
    return f"test-{uuid.uuid4().hex[:10]}"
