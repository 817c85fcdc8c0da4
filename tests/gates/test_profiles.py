"""Gate profiles of the maturity workflow."""

from __future__ import annotations

import pytest

from tta_codegen.gates import PROFILES, requirements_text
from tta_codegen.gates.profiles import resolve
from tta_codegen.settings import GatesSettings

pytestmark = [pytest.mark.unit]


def test_thresholds_follow_the_maturity_workflow() -> None:
    assert PROFILES["staging"].min_coverage == 70
    assert PROFILES["production"].min_coverage == 80
    assert {"mypy", "coverage", "bandit", "ruff"} <= PROFILES["staging"].blocking
    assert "mypy" not in PROFILES["development"].blocking


def test_settings_override_threshold_and_blocking_gates() -> None:
    profile = resolve(
        GatesSettings(profile="production", min_coverage=65, blocking_gates=["tests"])
    )
    assert profile.min_coverage == 65
    assert profile.blocking == {"tests", "syntax"}


def test_requirements_text_states_the_bar() -> None:
    text = requirements_text("production")
    assert "80%" in text and "(blocking)" in text
    assert "locked" in text
    assert "70%" in requirements_text("development")
