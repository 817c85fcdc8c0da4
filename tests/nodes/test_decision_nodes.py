"""select_model, validate and write_output on real components, in process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.nodes.conftest import Recorder
from tests.samples import BUGGY_CODE, GOOD_CODE, GOOD_TESTS

from tta_codegen.nodes.select_model import select_model
from tta_codegen.nodes.validate import validate
from tta_codegen.nodes.write_output import write_output
from tta_codegen.settings import Settings
from tta_codegen.state import (
    CodegenRequest,
    CodegenState,
    GateReport,
    ReviewDecision,
)
from tta_codegen.testing import FunctionChatModel

NO_MODEL = FunctionChatModel.from_answers()


def state(request: CodegenRequest, **values: Any) -> CodegenState:
    return {"request": request, "iteration": 0, **values}  # type: ignore[typeddict-item]


@pytest.mark.unit
async def test_a_pinned_model_is_the_only_candidate(node_runtime: Any) -> None:
    request = CodegenRequest(task="t", model="m-2")
    async with node_runtime(NO_MODEL) as runtime:
        update = await select_model(state(request), runtime)
    (only,) = update["ranking"]
    assert only.model == "m-2" and "pinned" in only.reasons[0]
    assert update["model_choice"] == "pinned"


@pytest.mark.unit
async def test_the_configured_default_model_is_tried_first(
    node_runtime: Any, settings: Settings, recorder: Recorder
) -> None:
    settings.generation.default_model = "m-2"
    async with node_runtime(NO_MODEL) as runtime:
        update = await select_model(state(CodegenRequest(task="t")), runtime)
    ranking = update["ranking"]
    assert ranking[0].model == "m-2" and "preferred" in ranking[0].reasons[0]
    assert len(ranking) > 1  # a preference, not a pin: fallback stays possible
    assert update["model_choice"] == "preferred"
    assert recorder.of("ranking")[0]["models"][0] == "m-2"


@pytest.mark.integration
async def test_validate_reports_blocking_findings_of_the_draft(
    node_runtime: Any, recorder: Recorder
) -> None:
    request = CodegenRequest(task="t", module_name="calc")
    async with node_runtime(NO_MODEL) as runtime:
        update = await validate(
            state(request, code=BUGGY_CODE, draft_model="m-best", code_is_new=True),
            runtime,
        )
    report = update["report"]
    assert not report.passed
    assert any(f.code == "F821" and f.blocking for f in report.findings)
    assert update["finding_history"][-1]  # the blocking fingerprints of this pass
    assert any(e["code"] == "F821" for e in recorder.of("finding"))


@pytest.mark.unit
async def test_write_output_writes_approved_files(
    node_runtime: Any, tmp_path: Path
) -> None:
    out, tests_out = tmp_path / "calc.py", tmp_path / "test_calc.py"
    request = CodegenRequest(
        task="t", module_name="calc", out_path=str(out), tests_out_path=str(tests_out)
    )
    passed = state(
        request, code=GOOD_CODE, tests=GOOD_TESTS, report=GateReport(passed=True)
    )
    async with node_runtime(NO_MODEL) as runtime:
        update = await write_output(passed, runtime)
    assert update == {
        "status": "succeeded",
        "code_path": str(out),
        "tests_path": str(tests_out),
    }
    assert out.read_text() == GOOD_CODE and tests_out.read_text() == GOOD_TESTS


@pytest.mark.unit
async def test_a_rejected_review_writes_nothing(
    node_runtime: Any, tmp_path: Path
) -> None:
    out = tmp_path / "calc.py"
    request = CodegenRequest(task="t", module_name="calc", out_path=str(out))
    rejected = state(
        request,
        code=GOOD_CODE,
        report=GateReport(passed=True),
        review_decision=ReviewDecision(approved=False),
    )
    async with node_runtime(NO_MODEL) as runtime:
        update = await write_output(rejected, runtime)
    assert update["status"] == "failed" and update["error_kind"] == "review"
    assert not out.exists()
