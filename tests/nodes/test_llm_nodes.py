"""generate, refine and generate_tests on a function model: what they ask and keep."""

from __future__ import annotations

from typing import Any

import pytest
from tests.nodes.conftest import Recorder
from tests.samples import BUGGY_CODE, GOOD_CODE, GOOD_TESTS, fenced

from tta_codegen.findings import Finding
from tta_codegen.models import Completion
from tta_codegen.nodes.generate import generate
from tta_codegen.nodes.generate_tests import generate_tests
from tta_codegen.nodes.refine import refine
from tta_codegen.state import CodegenRequest, CodegenState, GateReport, RankedModel
from tta_codegen.testing import FunctionChatModel

pytestmark = [pytest.mark.unit]

REQUEST = CodegenRequest(task="Add two integers.", module_name="calc")
RANKING = [RankedModel(model="m-best", score=9.0), RankedModel(model="m-2", score=5.0)]
UNDEFINED = Finding(
    gate="ruff",
    severity="error",
    code="F821",
    message="Undefined name `c`",
    path="calc.py",
    line=6,
)
FAILING_TEST = Finding(
    gate="tests",
    severity="error",
    code="failed",
    message="test_add_negative failed",
    path="test_calc.py",
    target="tests",
)


def state(**values: Any) -> CodegenState:
    return {"request": REQUEST, "ranking": RANKING, "iteration": 0, **values}  # type: ignore[typeddict-item]


async def test_generate_keeps_the_module_from_a_prose_answer(
    node_runtime: Any, recorder: Recorder
) -> None:
    model = FunctionChatModel.from_answers(fenced(GOOD_CODE, "Sure! Here it is:"))
    async with node_runtime(model) as runtime:
        update = await generate(state(), runtime)
    assert update["code"] == GOOD_CODE
    assert update["draft_model"] == "m-best"
    assert update["answer_findings"] == []
    assert update["code_is_new"] is True
    (call,) = update["calls"]
    assert (call.node, call.model) == ("generate", "m-best")
    assert call.template.startswith("graph/generate@")
    assert "Add two integers." in model.calls[0].prompt
    streamed = "".join(e["text"] for e in recorder.of("token"))
    assert streamed == fenced(GOOD_CODE, "Sure! Here it is:")


async def test_a_refusal_is_an_answer_finding(node_runtime: Any) -> None:
    model = FunctionChatModel.from_answers("I cannot help with that.")
    async with node_runtime(model) as runtime:
        update = await generate(state(), runtime)
    assert update["code"] is None
    (finding,) = update["answer_findings"]
    assert (finding.gate, finding.code, finding.path, finding.blocking) == (
        "answer",
        "refusal",
        "calc.py",
        True,
    )


async def test_a_cut_answer_is_continued_in_the_same_node(node_runtime: Any) -> None:
    head, tail = GOOD_CODE[:60], GOOD_CODE[60:]
    model = FunctionChatModel.from_answers(
        Completion(text=f"```python\n{head}", finish_reason="length"),
        f"```python\n{tail}```",
    )
    async with node_runtime(model) as runtime:
        update = await generate(state(), runtime)
    assert update["code"] == GOOD_CODE
    assert [c.finish_reason for c in update["calls"]] == ["length", "stop"]
    assert "cut off at the output limit" in model.calls[1].prompt


async def test_a_cut_answer_that_stays_cut_is_never_gated_as_whole(
    node_runtime: Any,
) -> None:
    cut = Completion(text=f"```python\n{GOOD_CODE[:60]}", finish_reason="length")
    model = FunctionChatModel.from_answers(cut, cut)
    async with node_runtime(model) as runtime:
        update = await generate(state(), runtime)
    assert update["code"] is None
    assert [f.code for f in update["answer_findings"]] == ["truncated"]


async def test_a_partial_refinement_keeps_the_rest_of_the_module(
    node_runtime: Any,
) -> None:
    fixed_add = GOOD_CODE[GOOD_CODE.index("def add") :]
    model = FunctionChatModel.from_answers(
        "Only `add` changes:\n"
        + fenced("# ... rest of the module unchanged ...\n\n\n" + fixed_add)
    )
    before = state(code=BUGGY_CODE, report=GateReport(findings=(UNDEFINED,)))
    async with node_runtime(model) as runtime:
        update = await refine(before, runtime)
    assert update["code"] == GOOD_CODE
    assert [f.code for f in update["answer_findings"]] == ["names-restored"]


async def test_refine_sends_the_findings_and_counts_the_round(
    node_runtime: Any,
) -> None:
    model = FunctionChatModel.from_answers(fenced(GOOD_CODE))
    before = state(code=BUGGY_CODE, report=GateReport(findings=(UNDEFINED,)))
    async with node_runtime(model) as runtime:
        update = await refine(before, runtime)
    assert update["code"] == GOOD_CODE
    assert update["iteration"] == 1
    prompt = model.calls[0].prompt
    assert "F821" in prompt and "Undefined name `c`" in prompt
    assert "return a + c" in prompt


async def test_refine_fixes_the_tests_when_only_the_tests_block(
    node_runtime: Any,
) -> None:
    model = FunctionChatModel.from_answers(fenced(GOOD_TESTS))
    before = state(
        code=GOOD_CODE,
        tests=GOOD_TESTS.replace("== -3", "== 3"),
        report=GateReport(findings=(FAILING_TEST,)),
    )
    async with node_runtime(model) as runtime:
        update = await refine(before, runtime)
    assert update["tests"] == GOOD_TESTS
    assert "code" not in update
    assert model.calls[0].messages[0].content != ""
    assert "test_add_negative failed" in model.calls[0].prompt


async def test_generate_tests_names_the_module_to_import(node_runtime: Any) -> None:
    model = FunctionChatModel.from_answers(
        "Here is the module again and its tests.\n\n"
        + fenced(GOOD_CODE)
        + "\n"
        + fenced(GOOD_TESTS)
    )
    async with node_runtime(model) as runtime:
        update = await generate_tests(state(code=GOOD_CODE), runtime)
    assert update["tests"] == GOOD_TESTS
    assert "calc" in model.calls[0].prompt
