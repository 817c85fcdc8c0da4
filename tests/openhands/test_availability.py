"""The SDK check, and the promise that the disabled path never imports it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tta_codegen.errors import ConfigError
from tta_codegen.openhands import installed_sdk_version, require_sdk, run_openhands
from tta_codegen.openhands.job import OpenHandsJob
from tta_codegen.settings import OpenHandsSettings

SDK_MISSING = installed_sdk_version() is None
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.mark.unit
def test_disabled_never_requires_the_sdk() -> None:
    require_sdk(OpenHandsSettings(enabled=False))


@pytest.mark.unit
@pytest.mark.skipif(not SDK_MISSING, reason="the SDK is installed here")
def test_enabled_without_the_sdk_names_the_extra() -> None:
    with pytest.raises(ConfigError) as caught:
        require_sdk(OpenHandsSettings(enabled=True))
    assert caught.value.message == (
        "OpenHands is enabled but the SDK is not installed: "
        "pip install 'tta-codegen[openhands]'"
    )
    assert caught.value.exit_code == 2


@pytest.mark.unit
@pytest.mark.skipif(not SDK_MISSING, reason="the SDK is installed here")
async def test_running_without_the_sdk_is_a_config_error() -> None:
    job = OpenHandsJob(task="t", module_name="m", model="m", base_url="http://x/v1")
    with pytest.raises(ConfigError, match=r"tta-codegen\[openhands\]"):
        await run_openhands(job, settings=OpenHandsSettings(enabled=True))


@pytest.mark.unit
@pytest.mark.openhands_sdk
@pytest.mark.skipif(SDK_MISSING, reason="needs tta-codegen[openhands]")
def test_enabled_with_the_sdk_passes() -> None:
    require_sdk(OpenHandsSettings(enabled=True))


@pytest.mark.integration
def test_classifier_status_and_cli_never_import_the_sdk(closed_port_url: str) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from tta_codegen.openhands import (
            choose_route, classify_task, installed_sdk_version, require_sdk,
        )
        from tta_codegen.openhands.status import collect_status
        from tta_codegen.cli.openhands import app
        from tta_codegen.settings import Settings

        settings = Settings.load()
        complexity = classify_task("Migrate every module to httpx, then run tests")
        assert choose_route(complexity, enabled=False)[0] == "direct"
        require_sdk(settings.openhands)
        installed_sdk_version()
        report = collect_status(settings, url={closed_port_url!r}, timeout_s=1)
        assert not report.index_reachable
        try:
            app(["status", "--json"], standalone_mode=False)
        except SystemExit:
            pass
        loaded = sorted(m for m in sys.modules if m.split(".")[0] == "openhands")
        assert "openhands.sdk" not in sys.modules, loaded
        assert not loaded, loaded
        print("ok")
        """
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "TTA_CODEGEN_OPENHANDS_INDEX_URL": closed_port_url,
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("ok")
