"""Bad arguments give one-line tool errors (in memory); no secret reaches any
output, the server's stderr included (a real stdio process)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.mcp_server.helpers import (
    SECRET,
    mcp_session,
    stdio_session,
    structured,
    text_of,
)

from tta_codegen.testing import FakeOpenAIServer, Reply

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


async def test_bad_arguments_are_one_line_tool_errors(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    cases = [
        ("generate", {"task": "  "}, "task is empty"),
        ("generate", {"task": "x", "model": "no/such-model"}, "unknown model"),
        ("generate", {"task": "x", "out_path": "calc.txt"}, "out_path"),
        ("generate", {"task": "x", "max_iterations": "many"}, "max_iterations"),
        ("generate", {"task": "x", "template_vars": {"a": "b"}}, "template_vars"),
        ("run_status", {"thread_id": "no-such-thread"}, "no run with thread id"),
        ("resume", {"thread_id": "no-such-thread"}, "no run with thread id"),
        ("resume", {"thread_id": "t", "code": "x = 1"}, "decision 'approve'"),
        (
            "resume",
            {"thread_id": "t", "decision": "approve", "code": "def f(:\n"},
            "code is not valid Python (line 1",
        ),
        ("run_status", {}, "thread_id"),
        ("validate", {}, "give the module as code"),
        ("validate", {"code_path": "missing.py"}, "no such file"),
        # a misspelt argument is refused, not dropped (the run would write nothing)
        (
            "generate",
            {"task": "x", "out": "calc.py"},
            "generate takes no argument 'out'",
        ),
        ("generate", {"task": "x", "out": "calc.py"}, "out_path"),
    ]
    async with mcp_session(config_file, tmp_path) as session:
        for tool, arguments, expected in cases:
            result = await session.call(tool, **arguments)
            text = text_of(result)
            assert result.is_error, (tool, arguments, text)
            assert expected in text, (tool, arguments, text)
            assert "\n" not in text and "Traceback" not in text, text
    assert fake_llm.calls() == []  # nothing was started


async def test_the_api_key_appears_in_no_tool_output(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    fake_llm.default = Reply(status=401, content=f"{SECRET} is not a valid key")
    async with stdio_session(config_file, tmp_path) as session:
        failed = structured(
            await session.call("generate", [], task="Add two integers.", wait_s=120)
        )
        status = await session.call("run_status", thread_id=failed["thread_id"])
        for tool in ("list_models", "list_templates"):
            await session.call(tool)
        await session.call("validate", code="import os\nKEY = os.environ\n")

    assert failed["status"] == "interrupted"
    assert "HTTP 401" in failed["error"]
    assert not status.is_error
    headers = {k.lower(): v for k, v in fake_llm.calls()[0].headers.items()}
    assert headers["authorization"] == f"Bearer {SECRET}"  # the key was in use
    assert len(session.seen) > 10
    for text in session.seen:
        assert SECRET not in text
    assert session.log is not None
    assert SECRET not in session.log.read_text()
