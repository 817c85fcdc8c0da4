"""Shared fixtures: a loopback fake LLM, a real Redis, an isolated state dir.

No test reaches a real network: provider base URLs are always the fake server's,
and the environment's API keys and OTEL endpoint are cleared for every test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tta_codegen.testing import FakeOpenAIServer
from tta_codegen.testing.redis_server import throwaway_redis


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
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


GOOD_CODE = '''"""Integer helpers."""


def add(a: int, b: int) -> int:
    """Return the sum of a and b."""
    return a + b
'''

BUGGY_CODE = GOOD_CODE.replace("return a + b", "return a + c")

GOOD_TESTS = """from calc import add


def test_add_small_numbers() -> None:
    assert add(1, 2) == 3


def test_add_negative() -> None:
    assert add(-4, 1) == -3
"""


def fenced(code: str, prose: str = "Here is the module:") -> str:
    """A model-style answer: prose around one fenced block."""
    return f"{prose}\n\n```python\n{code}```\n\nLet me know if you need changes."


@pytest.fixture
def config_file(
    tmp_path: Path, fake_llm: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A tta-codegen.toml pointing OpenRouter at the fake server, SQLite checkpoints
    under tmp_path, and a dummy API key in the environment."""
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
"""
    )
    return path
