"""Every built-in task template goes through a full generate against the fake LLM."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from tests.samples import GOOD_CODE, GOOD_TESTS, fenced

from tta_codegen import Codegen, Settings
from tta_codegen.inputs import build_request
from tta_codegen.prompts import PromptLibrary, PromptTemplate
from tta_codegen.testing import FakeOpenAIServer, RecordedRequest, Reply

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SAMPLE = {"str": "sample", "int": "3", "bool": "true", "list": "alpha,beta"}


def answer(request: RecordedRequest) -> Reply:
    """Tests when asked for tests (importing the module named), else the module."""
    system = str(request.messages[0].get("content", ""))
    if "pytest tests" in system:
        module = request.prompt.split("Write pytest tests for the module `")[1]
        module = module.split(".py`")[0]
        return Reply(content=fenced(GOOD_TESTS.replace("calc", module)))
    return Reply(content=fenced(GOOD_CODE))


def required_vars(template: PromptTemplate) -> list[str]:
    return [
        f"{name}={SAMPLE[spec.type]}"
        for name, spec in template.variables.items()
        if spec.required
    ]


async def test_every_task_template_generates_validated_code(
    fake_llm: FakeOpenAIServer,
    config_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # more requests than OpenRouter's free tier allows per minute
    monkeypatch.setenv(
        "TTA_CODEGEN_PROVIDERS__OPENROUTER__FREE_REQUESTS_PER_MINUTE", "1000"
    )
    settings = Settings.load(config_file)
    assert settings.providers["openrouter"].base_url == fake_llm.base_url
    library = PromptLibrary.load()
    templates = [t for t in library.list() if t.category != "graph"]
    assert len(templates) >= 20
    fake_llm.responder = answer
    requests = {
        t.name: build_request(
            settings,
            task="",
            template=t.name,
            raw_vars=required_vars(t),
            out=tmp_path / f"{t.name}.py",
            tests_out=None,
            model=None,
            max_iterations=1,
            review=False,
            context=[],
            context_type=None,
            existing_tests=None,
        )
        for t in templates
    }

    async with Codegen.open(settings) as session:
        results = await asyncio.gather(
            *(
                session.run(request, thread_id=f"tpl-{name}")
                for name, request in requests.items()
            )
        )

    for (name, request), result in zip(requests.items(), results, strict=True):
        assert result.status == "succeeded", (name, result.error, result.findings)
        assert (tmp_path / f"{name}.py").read_text() == GOOD_CODE
        assert request.template == f"{name}@{library.get(name).version}"
        assert request.context_type in library.get(name).context_types
    prompts = [c.prompt for c in fake_llm.calls()]
    for request in requests.values():
        first_line = request.task.strip().splitlines()[0]
        assert any(first_line in p for p in prompts)
