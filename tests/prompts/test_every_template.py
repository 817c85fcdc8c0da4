"""Every built-in task template becomes a request whose task reaches the model:
rendered per template (fast), plus one whole run from a template in process."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.samples import GOOD_CODE, GOOD_TESTS, fenced

from tta_codegen import Codegen, Settings
from tta_codegen.inputs import build_request
from tta_codegen.models import ChatMessage
from tta_codegen.prompts import PromptLibrary, PromptTemplate
from tta_codegen.state import CodegenRequest
from tta_codegen.testing import CallInfo, FunctionChatModel

SAMPLE = {"str": "sample", "int": "3", "bool": "true", "list": "alpha,beta"}
LIBRARY = PromptLibrary.load()
TASK_TEMPLATES = [t for t in LIBRARY.list() if t.category != "graph"]


def required_vars(template: PromptTemplate) -> list[str]:
    return [
        f"{name}={SAMPLE[spec.type]}"
        for name, spec in template.variables.items()
        if spec.required
    ]


def request_from(template: PromptTemplate, out: Path) -> CodegenRequest:
    return build_request(
        Settings(),
        task="",
        template=template.name,
        raw_vars=required_vars(template),
        out=out,
        tests_out=None,
        model=None,
        max_iterations=1,
        review=False,
        context=[],
        context_type=None,
        existing_tests=None,
    )


@pytest.mark.unit
def test_there_are_at_least_twenty_task_templates() -> None:
    assert len(TASK_TEMPLATES) >= 20


@pytest.mark.unit
@pytest.mark.parametrize("template", TASK_TEMPLATES, ids=lambda t: t.name)
def test_each_template_makes_a_request_whose_task_reaches_the_prompt(
    template: PromptTemplate, tmp_path: Path
) -> None:
    request = request_from(template, tmp_path / f"{template.name}.py")
    assert request.template == f"{template.name}@{template.version}"
    assert request.context_type in template.context_types
    assert request.module_name == template.name
    prompt = LIBRARY.render(
        "graph/generate",
        {
            "task": request.task,
            "module_name": request.module_name,
            "context": "",
            "requirements": "",
        },
    )
    assert request.task.strip().splitlines()[0] in prompt.user


def answer(messages: list[ChatMessage], info: CallInfo) -> str:
    """Tests when asked for tests (importing the module named), else the module."""
    if "pytest tests" in messages[0].content:
        module = messages[1].content.split("Write pytest tests for the module `")[1]
        return fenced(GOOD_TESTS.replace("calc", module.split(".py`")[0]))
    return fenced(GOOD_CODE)


@pytest.mark.integration
async def test_a_template_run_goes_through_the_whole_graph(tmp_path: Path) -> None:
    template = LIBRARY.get("circuit_breaker")
    request = request_from(template, tmp_path / "circuit_breaker.py")
    model = FunctionChatModel(answer)
    settings = Settings(checkpoints={"url": "memory://"}, state_dir=tmp_path / "state")
    async with Codegen.open(settings, chat_models=model) as session:
        result = await session.run(request, thread_id="tpl")
    assert result.status == "succeeded", result.findings
    assert (tmp_path / "circuit_breaker.py").read_text() == GOOD_CODE
    assert request.task.strip().splitlines()[0] in model.calls[0].prompt
    assert [c.template.split("@")[0] for c in result.calls] == [
        "graph/generate",
        "graph/generate_tests",
    ]


@pytest.mark.unit
def test_every_built_in_version_compiles_with_its_declared_variables() -> None:
    """Built-ins are checked when first rendered, not at load: this is their check."""
    PromptLibrary.load().check()
