"""Fixtures for the gate tests: one sandbox and a warm type-checker cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from tta_codegen.gates import Sandbox, create_sandbox
from tta_codegen.settings import GatesSettings


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Shared across the session so mypy runs warm after the first test."""
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.fixture
def settings(mypy_cache: Path) -> GatesSettings:
    return GatesSettings(test_timeout_s=1.0, run_timeout_s=20.0, cache_dir=mypy_cache)


@pytest.fixture
def sandbox(settings: GatesSettings) -> Sandbox:
    return create_sandbox(settings)
