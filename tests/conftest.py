"""Shared fixtures: a loopback fake LLM, a real Redis and PostgreSQL, an isolated
state dir.

No test reaches a real network: provider base URLs are always the fake server's,
and the environment's API keys and OTEL endpoint are cleared for every test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tta_codegen.testing import FakeOpenAIServer
from tta_codegen.testing.postgres_server import (
    PostgresUnavailable,
    scratch_schema,
    throwaway_postgres,
)
from tta_codegen.testing.redis_server import throwaway_redis


@pytest.fixture(scope="session")
def _mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One type-checker cache for the session (a cold mypy costs ~1 s a pass)."""
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.fixture(autouse=True)
def _isolated_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, _mypy_cache: Path
) -> None:
    for name in (
        "OPENROUTER_API_KEY",
        "OPENAI_API_KEY",
        "TTA_CODEGEN_CONFIG",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("LANGGRAPH_STRICT_MSGPACK", "true")
    monkeypatch.setenv("TTA_CODEGEN_GATES__CACHE_DIR", str(_mypy_cache))


@pytest.fixture
def fake_llm() -> Iterator[FakeOpenAIServer]:
    """A fresh loopback OpenAI-compatible server for one test."""
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real Redis: $REDIS_URL, or a throwaway server for the session."""
    with throwaway_redis() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL: $DATABASE_URL, or a throwaway server for the session
    (skipped, saying why, when neither is possible)."""
    try:
        with throwaway_postgres() as url:
            yield url
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL tests skipped: {exc}")


@pytest.fixture
def pg_url(postgres_url: str) -> Iterator[str]:
    """A URL of ``postgres_url`` whose connections use a fresh, empty schema,
    dropped after the test (so tests can share one server)."""
    with scratch_schema(postgres_url) as url:
        yield url


@pytest.fixture
def config_file(
    tmp_path: Path, fake_llm: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A tta-codegen.toml pointing OpenRouter at the fake server, SQLite checkpoints
    under tmp_path, and a dummy API key in the environment. The final validate
    skips its re-runs and mutants (tests of those turn them back on with
    ``tests.samples.with_final_checks``; ``demo`` runs every default)."""
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-v1-test-secret-0123456789abcdef")
    path = tmp_path / "tta-codegen.toml"
    path.write_text(
        f"""
[providers.openrouter]
base_url = "{fake_llm.base_url}"
api_key_env = "OPENROUTER_API_KEY"

[checkpoints]
url = "sqlite:///{tmp_path}/checkpoints.sqlite"

[generation]
max_iterations = 2

[gates]
mutation = false
reruns = 0
"""
    )
    return path


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With ``TTA_CODEGEN_NO_SKIPS=1`` (CI, where every service is available) a
    skipped test fails the run: a skip there means a check silently did not run.
    The ``openhands_sdk`` tests are the exception: they need the SDK extra and
    run in the OpenHands job's own venv, which fails on any skip itself."""
    if not os.environ.get("TTA_CODEGEN_NO_SKIPS") or exitstatus != 0:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = [
        report
        for report in (reporter.stats.get("skipped", []) if reporter else [])
        if "openhands_sdk" not in report.keywords
    ]
    if skipped:
        names = ", ".join(report.nodeid for report in skipped[:10])
        session.config.get_terminal_writer().line(
            f"\nTTA_CODEGEN_NO_SKIPS: {len(skipped)} test(s) skipped: {names}", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files with ``slow`` tests run first: xdist's ``loadfile`` deals files to
    its processes in collection order, so the long ones start early and the
    many short ones fill in at the end instead of one process finishing alone."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)
