"""The OpenHands path through the whole graph: routing, the postponed default,
the missing-extra error, and (with the SDK) a complex task built by the agent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.cli_runner import run_cli
from tests.samples import GOOD_CODE, GOOD_TESTS, fenced

from tta_codegen import CodegenRequest, Settings
from tta_codegen.api import generate
from tta_codegen.openhands import installed_sdk_version
from tta_codegen.testing import FakeOpenAIServer, RecordedRequest, Reply

COMPLEX_TASK = (
    "Build the calc package in three steps: 1. add an add() function in calc.py, "
    "2. write api.py and cli.py modules that expose it, 3. refactor across all "
    "modules to share one config loader, then run the test suite."
)


@pytest.mark.e2e
async def test_complex_task_stays_direct_while_openhands_is_postponed(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    fake_llm.script(fenced(GOOD_CODE), fenced(GOOD_TESTS))
    result = await generate(
        CodegenRequest(task=COMPLEX_TASK, module_name="calc"),
        settings=Settings.load(config_file),
    )
    assert result.status == "succeeded"
    assert result.route == "direct"
    assert "postponed" in result.route_reason and "ADR-001" in result.route_reason


@pytest.mark.e2e
@pytest.mark.skipif(installed_sdk_version() is not None, reason="SDK installed")
def test_enabling_openhands_without_the_sdk_is_a_config_error(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TTA_CODEGEN_OPENHANDS__ENABLED", "true")
    proc = run_cli("generate", COMPLEX_TASK, config=config_file)
    assert proc.returncode == 2
    assert "tta-codegen[openhands]" in proc.stderr
    assert "Traceback" not in proc.stderr


def _create(path: str, text: str) -> dict[str, object]:
    return {
        "name": "file_editor",
        "arguments": {
            "command": "create",
            "path": path,
            "file_text": text,
            "security_risk": "LOW",
        },
    }


@pytest.mark.openhands_sdk
@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.skipif(installed_sdk_version() is None, reason="needs the SDK extra")
async def test_complex_task_is_built_by_openhands_then_validated(
    fake_llm: FakeOpenAIServer,
    config_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def agent(request: RecordedRequest) -> Reply:
        workspace = re.search(r"Working directory: (\S+)", request.prompt)
        assert workspace, "the OpenHands task names its workspace"
        step = len(fake_llm.calls())
        if step == 1:
            return Reply(
                tool_calls=[_create(f"{workspace.group(1)}/calc.py", GOOD_CODE)]
            )
        if step == 2:
            return Reply(
                tool_calls=[_create(f"{workspace.group(1)}/test_calc.py", GOOD_TESTS)]
            )
        return Reply(tool_calls=[{"name": "finish", "arguments": {"message": "done"}}])

    fake_llm.responder = agent
    monkeypatch.setenv("TTA_CODEGEN_OPENHANDS__ENABLED", "true")
    out = tmp_path / "calc.py"
    result = await generate(
        CodegenRequest(
            task=COMPLEX_TASK,
            module_name="calc",
            out_path=str(out),
            tests_out_path=str(tmp_path / "test_calc.py"),
        ),
        settings=Settings.load(config_file),
    )
    assert result.route == "openhands", result.route_reason
    assert result.status == "succeeded", result.findings
    assert out.read_text() == GOOD_CODE
    assert [c.node for c in result.calls] == ["openhands"]
    assert result.usage.input_tokens > 0
