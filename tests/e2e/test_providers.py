"""The provider a user has: one configured provider, no key at all, a dead model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli_runner import run_cli
from tests.samples import BUGGY_CODE, GOOD_CODE, GOOD_TESTS, fenced, retry_at_once

from tta_codegen import CodegenRequest, Settings, api
from tta_codegen.errors import NoUsableModelError
from tta_codegen.testing import FakeOpenAIServer, RecordedRequest, Reply

pytestmark = pytest.mark.e2e


def openai_only(tmp_path: Path, server: FakeOpenAIServer) -> Path:
    """What an OpenAI user writes: the provider's URL and one model."""
    config = tmp_path / "tta-codegen.toml"
    config.write_text(
        f"""
[providers.openai]
base_url = "{server.base_url}"

[[models]]
id = "gpt-4.1-mini"
provider = "openai"
context_window = 1047576
input_cost_per_mtok = 0.4
output_cost_per_mtok = 1.6

[checkpoints]
url = "sqlite:///{tmp_path}/checkpoints.sqlite"
"""
    )
    return config


def answer(request: RecordedRequest) -> Reply:
    if "pytest tests" in str(request.messages[0].get("content", "")):
        return Reply(content=fenced(GOOD_TESTS))
    return Reply(content=fenced(GOOD_CODE))


def test_one_configured_provider_is_used_without_model_flags(
    fake_llm: FakeOpenAIServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-openai-0123456789")
    fake_llm.responder = answer
    out = tmp_path / "calc.py"
    done = run_cli(
        "generate",
        "Add two integers.",
        "--out",
        out,
        "--json",
        config=openai_only(tmp_path, fake_llm),
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["model"] == "gpt-4.1-mini"
    assert result["model_choice"] == "ranked"
    assert {r.model for r in fake_llm.calls()} == {"gpt-4.1-mini"}


def test_a_model_without_prices_shows_its_cost_as_unknown_not_zero(
    fake_llm: FakeOpenAIServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-openai-0123456789")
    fake_llm.responder = answer
    config = openai_only(tmp_path, fake_llm)
    config.write_text(  # as the README's OpenAI row has it: no prices given
        config.read_text()
        .replace("input_cost_per_mtok = 0.4\n", "")
        .replace("output_cost_per_mtok = 1.6\n", "")
    )
    done = run_cli("generate", "Add two integers.", config=config)
    assert done.returncode == 0, done.stderr
    progress = [x for x in done.stderr.splitlines() if x.startswith("  tokens ")]
    assert progress and all("cost unknown" in line for line in progress), progress
    assert "$0.000000 ·" not in done.stderr


def test_no_key_at_all_exits_2_before_a_thread_exists(
    fake_llm: FakeOpenAIServer, tmp_path: Path
) -> None:
    config = openai_only(tmp_path, fake_llm)
    done = run_cli("generate", "Add two integers.", "--thread-id", "t1", config=config)
    assert done.returncode == 2
    first, hint = done.stderr.splitlines()[-2:]
    assert first.startswith("error[TTA103]: no model can be called: no API key")
    assert "set OPENAI_API_KEY (openai: 1 model)" in hint
    assert "set OPENROUTER_API_KEY (openrouter: " in hint
    assert "Ollama" in hint
    assert fake_llm.calls() == []
    listed = run_cli("runs", "list", config=config)
    assert "t1" not in listed.stdout


async def test_the_api_raises_the_same_typed_error(tmp_path: Path) -> None:
    settings = Settings(checkpoints={"url": "memory://"}, state_dir=tmp_path)
    with pytest.raises(NoUsableModelError, match="no model can be called"):
        await api.generate(CodegenRequest(task="Add two integers."), settings=settings)


def test_a_dead_model_is_paid_for_once_per_run(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    dead, alive = "deepseek/deepseek-chat-v3.1:free", "qwen/qwen3-coder:free"
    retry_at_once(config_file)
    fake_llm.default = Reply(status=500)
    fake_llm.script(
        fenced(BUGGY_CODE), fenced(GOOD_CODE), fenced(GOOD_TESTS), model=alive
    )
    done = run_cli(
        "generate",
        "Add two integers.",
        "--out",
        tmp_path / "calc.py",
        "--json",
        config=config_file,
    )
    assert done.returncode == 0, done.stderr
    calls = [r.model for r in fake_llm.calls()]
    assert calls.count(alive) == 3  # generate, refine, generate_tests
    # generate tried the dead model (with its retries) once; refine and
    # generate_tests started at the model that answered
    first_alive = calls.index(alive)
    assert set(calls[:first_alive]) == {dead}
    assert dead not in calls[first_alive:]


def test_a_pinned_model_never_falls_back(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    pinned = "qwen/qwen3-coder:free"
    retry_at_once(config_file)
    fake_llm.script(
        Reply(status=500), Reply(status=500), Reply(status=500), model=pinned
    )
    fake_llm.default = Reply(content=fenced(GOOD_CODE))
    done = run_cli(
        "generate",
        "Add two integers.",
        "--model",
        pinned,
        "--json",
        config=config_file,
    )
    assert done.returncode == 3, done.stderr
    result = json.loads(done.stdout)
    assert result["model_choice"] == "pinned"
    assert result["error_kind"] == "model"
    assert {r.model for r in fake_llm.calls()} == {pinned}
