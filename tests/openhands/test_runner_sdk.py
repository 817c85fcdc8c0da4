"""End to end with the real OpenHands SDK against the loopback fake LLM.

The fake server scripts the agent's tool calls (the SDK's ``file_editor`` and
``finish`` tools), or an endless condensation / tool-call loop for the watchdog.
Skipped when the ``tta-codegen[openhands]`` extra is not installed; see
``.ci/openhands-job.sh``.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tta_codegen.findings import Finding
from tta_codegen.openhands import OpenHandsJob, installed_sdk_version, run_openhands
from tta_codegen.openhands._reaper import MARKER_ENV, marked_pids
from tta_codegen.settings import OpenHandsSettings
from tta_codegen.testing import FakeOpenAIServer, RecordedRequest, Reply

# Checked through package metadata: the SDK only ever loads in the worker process.
pytestmark = [
    pytest.mark.openhands_sdk,
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(
        installed_sdk_version() is None, reason="needs tta-codegen[openhands]"
    ),
]

MODULE = "slugify_text"
CODE = '''"""Turn titles into URL slugs."""

import re


def slugify(title: str) -> str:
    """Lower-case words joined by hyphens."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words)
'''
TESTS = """from slugify_text import slugify


def test_slugify() -> None:
    assert slugify("Hello, World!") == "hello-world"
"""
DRAFT = "def slugify(title):\n    return title\n"
SECRET = "sk-test-do-not-leak-1234567890"


def _workspace(request: RecordedRequest) -> str:
    match = re.search(r"Working directory: (\S+)", request.prompt)
    assert match, "the task message names the workspace"
    return match.group(1)


def _job(server: FakeOpenAIServer, **overrides: object) -> OpenHandsJob:
    fields: dict[str, object] = {
        "task": "Write slugify(title) in a module, with tests.",
        "module_name": MODULE,
        "model": "fake/coder",
        "base_url": server.base_url,
        "api_key": SECRET,
        "requirements": "Type hints everywhere; tests with pytest.",
        "input_cost_per_mtok": Decimal("1"),
        "output_cost_per_mtok": Decimal("2"),
    }
    fields.update(overrides)
    return OpenHandsJob(**fields)  # type: ignore[arg-type]


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


async def test_scripted_agent_writes_the_module_and_tests() -> None:
    def responder(request: RecordedRequest) -> Reply:
        workspace = _workspace(request)
        step = len(server.calls())
        if step == 1:  # the draft is in the workspace: replace it
            edit = {
                "command": "str_replace",
                "path": f"{workspace}/{MODULE}.py",
                "old_str": DRAFT,
                "new_str": CODE,
                "security_risk": "LOW",
            }
            return Reply(tool_calls=[{"name": "file_editor", "arguments": edit}])
        if step == 2:
            return Reply(tool_calls=[_create(f"{workspace}/test_{MODULE}.py", TESTS)])
        return Reply(
            tool_calls=[{"name": "finish", "arguments": {"message": "slugify done"}}]
        )

    with FakeOpenAIServer(responder) as server:
        job = _job(
            server,
            best_draft=DRAFT,
            findings=[Finding(gate="mypy", severity="error", message="missing types")],
        )
        result = await run_openhands(job, settings=OpenHandsSettings(enabled=True))
        first = server.calls()[0]

    assert result.status == "finished", result.message
    assert result.stopped_by is None
    assert result.code == CODE
    assert result.tests == TESTS
    assert result.message == "slugify done"
    assert result.iterations == 3
    assert result.input_tokens > 0 and result.output_tokens > 0
    assert result.cost_usd is not None and result.cost_usd > 0
    # the agent got our task, requirements, draft note and findings, on our model
    assert first.model == "fake/coder"
    assert "slugify(title)" in first.prompt
    assert "Type hints everywhere" in first.prompt
    assert "missing types" in first.prompt
    assert first.headers.get("Authorization") == f"Bearer {SECRET}"
    assert SECRET not in repr(job) and SECRET not in repr(result)


async def test_watchdog_pauses_an_endless_condensation_loop() -> None:
    agent_calls: list[int] = []

    def responder(request: RecordedRequest) -> Reply:
        if request.body.get("tools"):
            agent_calls.append(1)
            if len(agent_calls) <= 2:
                command = f"echo step {len(agent_calls)}"
                return Reply(
                    tool_calls=[
                        {
                            "name": "terminal",
                            "arguments": {"command": command, "security_risk": "LOW"},
                        }
                    ]
                )
            # every later agent call "overflows the context": the SDK condenses
            # and tries again, forever (the shape of OpenHands issue #8630)
            return Reply(
                status=400,
                content="This model's maximum context length is 8192 tokens. "
                "However, your messages resulted in 9001 tokens.",
            )
        return Reply(content="Summary: nothing was done yet.")

    settings = OpenHandsSettings(enabled=True, max_condensations=3, max_iterations=30)
    with FakeOpenAIServer(responder) as server:
        result = await run_openhands(_job(server), settings=settings)
        summaries = [r for r in server.calls() if not r.body.get("tools")]

    assert result.status == "stopped"
    assert result.stopped_by == "condensations"
    assert result.condensations == 3
    assert len(summaries) == 3  # no fourth condensation was started
    assert result.code is None


async def test_watchdog_caps_an_endless_tool_call_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-parent-secret-0123456789")

    def responder(request: RecordedRequest) -> Reply:
        n = len(server.calls())
        if n == 1:  # dump what the agent's commands can see into the "module",
            # and leave background jobs behind, one of them in its own session
            command = (
                f"env > {_workspace(request)}/{MODULE}.py;"
                " sleep 600 & setsid sleep 600 &"
            )
            return Reply(
                tool_calls=[
                    {
                        "name": "terminal",
                        "arguments": {"command": command, "security_risk": "LOW"},
                    }
                ]
            )
        return Reply(
            tool_calls=[
                {
                    "name": "terminal",
                    "arguments": {"command": f"echo {n}", "security_risk": "LOW"},
                }
            ]
        )

    settings = OpenHandsSettings(enabled=True, max_iterations=4, max_condensations=3)
    with FakeOpenAIServer(responder) as server:
        result = await run_openhands(_job(server), settings=settings)
        calls = len(server.calls())

    assert result.status == "stopped"
    assert result.stopped_by == "iterations"
    assert result.iterations == 4
    assert calls == 4
    # the agent's terminal saw a scrubbed environment: no keys of ours
    assert (
        result.code is not None and "LITELLM_LOCAL_MODEL_COST_MAP=True" in result.code
    )
    assert SECRET not in result.code
    assert "sk-or-parent-secret" not in result.code
    # and nothing the agent started outlives the run
    marker = re.search(rf"{MARKER_ENV}=(\w+)", result.code)
    assert marker is not None
    assert marked_pids(marker.group(1)) == []


async def test_provider_errors_end_as_error_with_the_key_redacted() -> None:
    refusal = Reply(status=401, content=f"Incorrect API key provided: {SECRET}")
    with FakeOpenAIServer(default=refusal) as server:
        result = await run_openhands(
            _job(server), settings=OpenHandsSettings(enabled=True)
        )

    assert result.status == "error"
    assert result.stopped_by is None
    assert "AuthenticationError" in result.message
    assert "Incorrect API key provided: [REDACTED]" in result.message
    assert SECRET not in result.message
    assert result.code is None


async def test_hung_worker_is_killed_at_the_wall_clock_limit() -> None:
    with FakeOpenAIServer(default=Reply(content="late", delay_s=60)) as server:
        settings = OpenHandsSettings(enabled=True, max_seconds=2.0)
        result = await run_openhands(_job(server), settings=settings, kill_grace_s=1)

    assert result.status == "stopped"
    assert result.stopped_by == "wall_clock"
    assert result.elapsed_s < 30
