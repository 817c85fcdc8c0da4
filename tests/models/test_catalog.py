"""The catalog: built-ins merged with config, refreshed from /models."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tta_codegen.errors import InputError, ProviderUnreachableError
from tta_codegen.models import DEFAULT_MODEL, Catalog
from tta_codegen.settings import ModelEntry, ProviderSettings
from tta_codegen.testing import FakeOpenAIServer

from .conftest import SettingsFactory


@pytest.mark.unit
def test_builtins_include_the_default_free_model(
    make_settings: SettingsFactory,
) -> None:
    catalog = Catalog(make_settings([]))
    entry = catalog.get(DEFAULT_MODEL)
    assert entry.is_free and entry.provider == "openrouter"
    assert entry.context_window >= 128_000
    paid = catalog.get("anthropic/claude-sonnet-4.5")
    assert not paid.is_free
    assert isinstance(paid.output_cost_per_mtok, Decimal)


@pytest.mark.unit
def test_config_entries_add_models_and_override_only_what_they_set(
    make_settings: SettingsFactory,
) -> None:
    settings = make_settings(
        [
            ModelEntry(id="qwen/qwen3-coder", output_cost_per_mtok=Decimal("0.5")),
            ModelEntry(id="local/coder", provider="fake", context_window=4096),
        ]
    )
    catalog = Catalog(settings)
    overridden = catalog.get("qwen/qwen3-coder")
    assert overridden.output_cost_per_mtok == Decimal("0.5")
    assert overridden.context_window == 262_144  # built-in value kept
    assert catalog.get("local/coder").context_window == 4096


@pytest.mark.unit
def test_unknown_model_names_near_matches(make_settings: SettingsFactory) -> None:
    with pytest.raises(InputError, match="unknown model") as caught:
        Catalog(make_settings([])).get("qwen/qwen3-codr")
    assert "qwen/qwen3-coder" in str(caught.value)
    assert caught.value.exit_code == 2


@pytest.mark.integration
async def test_refresh_updates_prices_and_windows_from_models_endpoint(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.models = [
        {
            "id": "qwen/qwen3-coder",
            "context_length": 131_072,
            "pricing": {"prompt": "0.0000003", "completion": "0.0000012"},
        },
        {"id": "someone/else", "context_length": 8192, "pricing": {"prompt": "0"}},
    ]
    settings = make_settings([])
    settings.providers["openrouter"] = ProviderSettings(base_url=fake_llm.base_url)
    catalog = Catalog(settings)
    result = await catalog.refresh("openrouter")
    assert result.fetched == 2
    assert result.updated == ["qwen/qwen3-coder"]
    entry = catalog.get("qwen/qwen3-coder")
    assert entry.context_window == 131_072
    assert entry.input_cost_per_mtok == Decimal("0.3")
    assert entry.output_cost_per_mtok == Decimal("1.2")
    # cached: a new catalog (a new process) sees the refreshed values
    assert Catalog(settings).get("qwen/qwen3-coder").context_window == 131_072
    assert "someone/else" not in Catalog(settings)


@pytest.mark.integration
async def test_refresh_says_clearly_when_the_provider_is_unreachable(
    make_settings: SettingsFactory,
) -> None:
    settings = make_settings([])
    settings.providers["openrouter"] = ProviderSettings(
        base_url="http://127.0.0.1:9/v1", timeout_s=2
    )
    with pytest.raises(ProviderUnreachableError, match="unreachable") as caught:
        await Catalog(settings).refresh("openrouter")
    assert "http://127.0.0.1:9/v1/models" in str(caught.value)


@pytest.mark.unit
def test_toml_config_reaches_catalog_routing_and_safety(tmp_path: Path) -> None:
    from tta_codegen.settings import Settings

    config = tmp_path / "tta-codegen.toml"
    config.write_text(
        """
[routing]
key_prefix = "team-a"

[safety]
enabled = true
blocked_patterns = ['eval\\(']

[[models]]
id = "anthropic/claude-sonnet-4.5"
quality = { code_generation = 9.5 }

[[models]]
id = "qwen2.5-coder:14b"
provider = "local"
context_window = 32768
input_cost_per_mtok = 0.0
output_cost_per_mtok = 0.0
"""
    )
    settings = Settings.load(config, state_dir=tmp_path / "state")
    catalog = Catalog(settings)
    claude = catalog.get("anthropic/claude-sonnet-4.5")
    assert claude.quality["code_generation"] == 9.5
    assert claude.quality["test_generation"] == 9.0  # built-in prior kept
    assert claude.output_cost_per_mtok == Decimal("15.00")
    assert catalog.get("qwen2.5-coder:14b").is_free
    assert settings.routing.key_prefix == "team-a"
    assert settings.safety.blocked_patterns == [r"eval\("]
