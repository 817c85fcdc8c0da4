"""The API key never lands in checkpoints, local traces, results or output."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.cli_runner import run_cli
from tests.samples import BUGGY_CODE, GOOD_CODE, GOOD_TESTS, fenced, retry_at_once

from tta_codegen.testing import FakeOpenAIServer, RecordedRequest, Reply

pytestmark = pytest.mark.e2e

SECRET = "sk-or-v1-test-secret-0123456789abcdef"  # set by the config_file fixture


def test_the_key_is_sent_to_the_provider_and_nowhere_else(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    retry_at_once(config_file)
    fake_llm.script(
        fenced(BUGGY_CODE),
        Reply(status=500, content=f"upstream said: invalid key {SECRET}"),
        fenced(GOOD_CODE),
        fenced(GOOD_TESTS),
    )
    proc = run_cli(
        "generate",
        "Add two integers.",
        "--out",
        tmp_path / "calc.py",
        "--thread-id",
        "s1",
        "--json",
        config=config_file,
    )
    assert proc.returncode == 0, proc.stderr
    headers = {k.lower(): v for k, v in fake_llm.calls()[0].headers.items()}
    assert headers["authorization"] == f"Bearer {SECRET}"

    shown = run_cli("runs", "show", "s1", "--code", config=config_file)
    traced = run_cli("trace", "show", "s1", "--json", config=config_file)
    for text in (proc.stdout, proc.stderr, shown.stdout, traced.stdout):
        assert SECRET not in text
    stored = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".jsonl" for p in stored)  # the local trace was kept
    for path in stored:
        assert SECRET.encode() not in path.read_bytes(), path


def test_a_key_the_model_echoes_back_is_scrubbed_from_everything_it_reaches(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    def echo_the_key(request: RecordedRequest) -> Reply:
        headers = {k.lower(): v for k, v in request.headers.items()}
        key = headers["authorization"].removeprefix("Bearer ")
        body = GOOD_TESTS if "pytest tests" in request.prompt else GOOD_CODE
        # in 7-character chunks: the key arrives split across several
        return Reply(content=fenced(f"{body}\n# key: {key}\n"), chunk_size=7)

    fake_llm.responder = echo_the_key
    out = tmp_path / "calc.py"
    proc = run_cli(
        "generate", "Add two integers.", "--out", out, "--thread-id", "echo",
        config=config_file,
    )  # fmt: skip

    assert proc.returncode == 0, proc.stderr
    assert out.read_text().endswith("# key: [REDACTED]\n")
    assert "# key: [REDACTED]" in proc.stderr  # the streamed answer, as shown
    shown = run_cli("runs", "show", "echo", "--code", config=config_file)
    assert SECRET not in proc.stdout + proc.stderr + shown.stdout
    for path in (p for p in tmp_path.rglob("*") if p.is_file()):
        assert SECRET.encode() not in path.read_bytes(), path
