"""The shipped JSON Schemas: never stale, and real output validates."""

from __future__ import annotations

import json

import jsonschema
import pytest

from tta_codegen.findings import Finding
from tta_codegen.formats import ValidateOutput
from tta_codegen.formats.schemas import (
    SCHEMAS,
    load_schema,
    main,
    schema_dir,
    schema_text,
)
from tta_codegen.result import result_from_state
from tta_codegen.state import CodegenRequest, GateReport, TestOutcome, Usage

pytestmark = pytest.mark.unit

FINDING = Finding(
    gate="ruff", severity="warning", code="E501", message="long", path="m.py", line=3
)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_the_committed_schema_is_what_the_model_generates(name: str) -> None:
    committed = (schema_dir() / name).read_text(encoding="utf-8")
    assert committed == schema_text(name), (  # type: ignore[arg-type]
        "stale: run `python -m tta_codegen.formats.schemas`"
    )
    schema = json.loads(committed)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == f"urn:tta-codegen:schema:{name[: -len('.schema.json')]}"
    assert schema["version"] == 1


def test_the_check_command_agrees() -> None:
    assert main(["--check"]) == 0


def test_the_result_schema_keeps_the_documented_contract() -> None:
    schema = load_schema("result-v1.schema.json")
    contract = {
        "thread_id",
        "status",
        "route",
        "model",
        "iterations",
        "code_path",
        "tests_path",
        "findings",
        "usage",
        "trace_id",
        "timings",
        "schema_version",
    }
    assert contract <= set(schema["required"])  # type: ignore[arg-type]
    usage = schema["$defs"]["UsageTotals"]  # type: ignore[index]
    assert {"input_tokens", "output_tokens", "cost_usd"} <= set(usage["required"])
    status = schema["properties"]["status"]["enum"]  # type: ignore[index]
    assert status == ["succeeded", "failed", "interrupted", "awaiting_review"]


def test_a_result_built_from_a_run_state_validates(
    result_validator: jsonschema.Draft202012Validator,
) -> None:
    report = GateReport(findings=(FINDING,), passed=True)
    result = result_from_state(
        "t1",
        {
            "request": CodegenRequest(task="x"),
            "route": "direct",
            "model": "m",
            "code": "x = 1\n",
            "code_path": "m.py",
            "findings": [FINDING],
            "report": report,
            "usage": Usage(input_tokens=5),
            "timings": {"generate": 0.25},
        },
        status="succeeded",
    )
    payload = json.loads(result.model_dump_json())

    assert list(result_validator.iter_errors(payload)) == []
    assert "report" not in payload and "code" not in payload
    assert payload["schema_version"] == 1
    broken = {**payload, "status": "done"}
    assert not result_validator.is_valid(broken)


def test_validate_output_validates(
    validate_validator: jsonschema.Draft202012Validator,
) -> None:
    report = GateReport(
        findings=(FINDING,),
        passed=True,
        profile="staging",
        test_outcomes=(TestOutcome(node_id="t.py::test_a", outcome="passed"),),
    )
    payload = json.loads(ValidateOutput.from_report(report).model_dump_json())

    assert list(validate_validator.iter_errors(payload)) == []
    assert payload["tests"] == [
        {"node_id": "t.py::test_a", "outcome": "passed", "duration_s": 0.0}
    ]
    assert not validate_validator.is_valid({**payload, "passed": "yes"})
