"""``tta-codegen models list | select | refresh``."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tta_codegen.cli import app
from tta_codegen.models import DEFAULT_MODEL
from tta_codegen.settings import ProviderSettings
from tta_codegen.testing import FakeOpenAIServer

from .conftest import SettingsFactory

pytestmark = pytest.mark.e2e

runner = CliRunner()


def test_list_shows_catalog_and_measured_columns(
    make_settings: SettingsFactory,
) -> None:
    result = runner.invoke(
        app, ["models", "list"], obj=make_settings(), env={"COLUMNS": "250"}
    )
    assert result.exit_code == 0, result.output
    assert DEFAULT_MODEL in result.output
    assert "p95 ms" in result.output and "pass rate" in result.output
    rows = json.loads(
        runner.invoke(app, ["models", "list", "--json"], obj=make_settings()).output
    )
    by_id = {r["id"]: r for r in rows}
    assert by_id["m-a"]["input_cost_per_mtok"] == "1"
    assert by_id[DEFAULT_MODEL]["free"] is True


def test_select_explains_the_ranking(make_settings: SettingsFactory) -> None:
    result = runner.invoke(
        app,
        [
            "models",
            "select",
            "--task-type",
            "test_generation",
            "--context-tokens",
            "200000",
            "--explain",
        ],
        obj=make_settings(),
        env={"OPENROUTER_API_KEY": "sk-or-v1-test-0123456789"},
    )
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith(" 1.")
    assert "quality" in result.output
    assert "context window 100000 < 200000 needed" in result.output
    ranked = json.loads(
        runner.invoke(
            app,
            ["models", "select", "--max-cost-per-mtok", "0", "--json"],
            obj=make_settings(),
            env={"OPENROUTER_API_KEY": "sk-or-v1-test-0123456789"},
        ).output
    )
    assert all(r["model"].endswith(":free") for r in ranked if r["eligible"])


def test_refresh_reports_updates_and_unreachable_provider(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.models = [{"id": DEFAULT_MODEL, "context_length": 131_072}]
    settings = make_settings()
    settings.providers["openrouter"] = ProviderSettings(base_url=fake_llm.base_url)
    result = runner.invoke(app, ["models", "refresh"], obj=settings)
    assert result.exit_code == 0, result.output
    assert f"updated 1 catalog entries ({DEFAULT_MODEL})" in result.output
    settings.providers["openrouter"] = ProviderSettings(
        base_url="http://127.0.0.1:9/v1"
    )
    failed = runner.invoke(app, ["models", "refresh"], obj=settings)
    assert failed.exit_code == 3
    assert "unreachable" in failed.output
    assert "Traceback" not in failed.output


def test_unknown_provider_is_exit_2(make_settings: SettingsFactory) -> None:
    result = runner.invoke(
        app, ["models", "refresh", "--provider", "nope"], obj=make_settings()
    )
    assert result.exit_code == 2
    assert "unknown provider 'nope'" in result.output


def test_models_without_a_key_are_listed_as_not_callable(
    make_settings: SettingsFactory,
) -> None:
    result = runner.invoke(
        app, ["models", "select", "--json"], obj=make_settings(), env={}
    )
    assert result.exit_code == 0, result.output
    ranked = {r["model"]: r for r in json.loads(result.output)}
    builtin = ranked[DEFAULT_MODEL]
    assert not builtin["eligible"]
    assert "no API key: set OPENROUTER_API_KEY" in builtin["reasons"]
    assert ranked["m-a"]["eligible"]  # the configured local provider needs no key
