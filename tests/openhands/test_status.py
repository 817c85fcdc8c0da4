"""``openhands status`` against a loopback stand-in for PyPI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.cli_runner import invoke_cli
from typer.testing import CliRunner

from tta_codegen.cli.openhands import app
from tta_codegen.openhands.availability import installed_sdk_version
from tta_codegen.openhands.status import (
    INDEX_URL_ENV,
    collect_status,
    fetch_index_info,
    record_watchdog_proof,
)
from tta_codegen.settings import Settings

SDK_MISSING = installed_sdk_version() is None


def _ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat()


def _states(report_criteria: object) -> dict[str, str]:
    return {c.key: c.state for c in report_criteria}  # type: ignore[attr-defined]


@pytest.mark.integration
def test_index_gives_newest_version_and_release_date(fake_index: Any) -> None:
    fake_index.payload["info"]["version"] = "1.60.0"
    fake_index.release("1.57.0", "2026-10-01T12:00:00.000000Z")
    info = fetch_index_info("1.57.0", url=fake_index.url)
    assert info.reachable and info.latest_version == "1.60.0"
    assert info.installed_released_at == datetime(2026, 10, 1, 12, tzinfo=UTC)


@pytest.mark.integration
def test_unreachable_or_broken_index_is_reported(
    fake_index: Any, closed_port_url: str
) -> None:
    assert not fetch_index_info("1.57.0", url=closed_port_url).reachable
    assert not fetch_index_info("1.57.0", url=fake_index.url + "/nope").reachable


@pytest.mark.integration
def test_criteria_for_an_old_stable_release_with_proof(fake_index: Any) -> None:
    settings = Settings.load()
    fake_index.release("1.57.0", _ago(40))
    record_watchdog_proof(settings, "1.57.0", tests=4)
    report = collect_status(settings, url=fake_index.url, installed="1.57.0")
    states = _states(report.criteria)
    assert states == {
        "condensation_fix": "manual",
        "watchdog_proven": "met",
        "file_generation": "met",
        "stable_release": "met",
        "release_age": "met",
        "community_validation": "manual",
        "real_model_trial": "manual",
    }
    assert not report.enabled and not report.misconfigured


@pytest.mark.integration
def test_criteria_for_a_fresh_prerelease_without_proof(fake_index: Any) -> None:
    settings = Settings.load()
    fake_index.release("1.61.0rc1", _ago(3))
    record_watchdog_proof(settings, "1.57.0", tests=4)
    report = collect_status(settings, url=fake_index.url, installed="1.61.0rc1")
    states = _states(report.criteria)
    assert states["stable_release"] == "not met"
    assert states["release_age"] == "not met"
    assert states["watchdog_proven"] == "not met"  # proven with another version
    missing = collect_status(settings, url=fake_index.url, installed=None)
    assert _states(missing.criteria)["watchdog_proven"] == "not met"
    assert _states(missing.criteria)["release_age"] == "unknown"


@pytest.mark.e2e
def test_cli_json_reports_the_index(
    fake_index: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_index.payload["info"]["version"] = "1.60.0"
    monkeypatch.setenv(INDEX_URL_ENV, fake_index.url)
    result = CliRunner().invoke(app, ["status", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["latest_version"] == "1.60.0"
    assert data["index_reachable"] is True
    assert data["enabled"] is False
    assert data["installed_version"] == installed_sdk_version()
    assert {c["key"] for c in data["criteria"]} >= {"watchdog_proven", "release_age"}
    assert fake_index.hits == 1


@pytest.mark.e2e
def test_cli_text_says_when_pypi_is_unreachable(
    closed_port_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(INDEX_URL_ENV, closed_port_url)
    result = CliRunner().invoke(app, ["status"])
    assert result.exit_code == 0, result.output
    assert "PyPI not reachable" in result.stdout
    assert "[openhands]:             disabled (postponed, ADR-001)" in result.stdout
    assert "manual" in result.stdout


@pytest.mark.e2e
@pytest.mark.skipif(not SDK_MISSING, reason="the SDK is installed here")
def test_cli_enabled_without_sdk_exits_2_naming_the_extra(
    closed_port_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "tta-codegen.toml"
    config.write_text("[openhands]\nenabled = true\n")
    monkeypatch.setenv(INDEX_URL_ENV, closed_port_url)
    result = invoke_cli("openhands", "status", "--config", str(config))
    assert result.exit_code == 2
    assert "pip install 'tta-codegen[openhands]'" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.e2e
def test_cli_bad_config_exits_2_with_one_line(tmp_path: Path) -> None:
    result = invoke_cli("openhands", "status", "--config", tmp_path / "no.toml")
    assert result.exit_code == 2
    assert "config file not found" in result.stderr
