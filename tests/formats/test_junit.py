"""JUnit XML output: XSD-valid, a case per gate and per test, honest counts."""

from __future__ import annotations

from pathlib import Path

import pytest
import xmlschema
from tests.formats.helpers import cases, check_junit

from tta_codegen.findings import Finding
from tta_codegen.formats import render_batch, render_run, render_validate
from tta_codegen.result import RunResult
from tta_codegen.state import GateReport, TestOutcome

pytestmark = pytest.mark.unit

F821 = Finding(
    gate="ruff",
    severity="error",
    code="F821",
    message="Undefined name `c`",
    path="calc.py",
    line=2,
)
STYLE = Finding(
    gate="ruff",
    severity="warning",
    code="E501",
    message="Line too long (99 > 88)",
    path="calc.py",
    line=7,
)
FAILED = Finding(
    gate="tests",
    severity="error",
    code="failed",
    message="TestAdd.test_big[2] failed: assert 3 == 4\x1b[0m",
    path="test_calc.py",
    line=12,
)
REPORT = GateReport(
    findings=(F821, STYLE, FAILED),
    profile="development",
    tests_ran=True,
    tests_passed=1,
    tests_failed=1,
    coverage=87.5,
    timings={"syntax": 0.001, "ruff": 0.02, "mypy": 0.4, "bandit": 0.3, "sandbox": 1},
    test_outcomes=(
        TestOutcome(
            node_id="test_calc.py::test_add", outcome="passed", duration_s=0.01
        ),
        TestOutcome(
            node_id="test_calc.py::TestAdd::test_big[2]",
            outcome="failed",
            duration_s=0.02,
        ),
        TestOutcome(node_id="test_calc.py::test_later", outcome="skipped"),
    ),
)


def test_validate_has_a_case_per_gate_and_per_test(
    junit_schema: xmlschema.XMLSchema,
) -> None:
    root = check_junit(
        junit_schema, render_validate("junit", REPORT, Path("src/calc.py"))
    )

    found = cases(root)
    gates = [name for (cls, name) in found if cls == "gates"]
    assert gates == ["syntax", "ruff", "mypy", "bandit", "import", "tests", "coverage"]
    assert set(found) >= {
        ("test_calc", "test_add"),
        ("test_calc.TestAdd", "test_big[2]"),
        ("test_calc", "test_later"),
    }
    ruff = found[("gates", "ruff")]
    failure = ruff.find("failure")
    assert failure is not None and failure.text is not None
    assert "src/calc.py:2: error [ruff/F821] Undefined name `c`" in failure.text
    advice = ruff.find("system-out")
    assert advice is not None and "E501" in (advice.text or "")
    assert "E501" not in failure.text
    assert ruff.get("time") == "0.020"
    assert found[("gates", "mypy")].find("failure") is None


def test_a_failing_test_carries_its_message_and_counts_add_up(
    junit_schema: xmlschema.XMLSchema,
) -> None:
    root = check_junit(
        junit_schema, render_validate("junit", REPORT, Path("src/calc.py"))
    )

    big = cases(root)[("test_calc.TestAdd", "test_big[2]")]
    failure = big.find("failure")
    assert failure is not None
    assert failure.text == "TestAdd.test_big[2] failed: assert 3 == 4[0m"  # no ESC
    assert cases(root)[("test_calc", "test_later")].find("skipped") is not None
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == (
        "10",
        "3",  # ruff, tests (gate), test_big
        "0",
    )
    assert suite.get("skipped") == "1"
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties == {"profile": "development", "coverage": "87.5"}


@pytest.mark.parametrize(
    ("status", "error", "kind", "expect"),
    [
        ("succeeded", None, None, None),
        ("failed", None, None, "failure"),
        ("failed", "no model answered", "model", "error"),
        ("interrupted", None, None, "error"),
        ("awaiting_review", None, None, "skipped"),
    ],
)
def test_a_run_adds_a_generate_case_with_its_outcome(
    junit_schema: xmlschema.XMLSchema,
    status: str,
    error: str | None,
    kind: str | None,
    expect: str | None,
) -> None:
    result = RunResult.model_validate(
        {
            "thread_id": "t1",
            "status": status,
            "error": error,
            "error_kind": kind,
            "iterations": 2,
            "timings": {"generate": 1.5, "validate": 0.5},
        }
    )

    root = check_junit(junit_schema, render_run("junit", result))

    case = cases(root)[("t1", "generate")]
    assert case.get("time") == "2.000"
    children = [child.tag for child in case]
    assert children == ([expect] if expect else [])
    if error:
        assert case[0].get("message") == error


def test_a_batch_keeps_its_tasks_apart(junit_schema: xmlschema.XMLSchema) -> None:
    ok = RunResult(thread_id="b-alpha", status="succeeded", findings=[STYLE])
    bad = RunResult(thread_id="b-beta", status="failed", findings=[F821])

    root = check_junit(
        junit_schema,
        render_batch("junit", "b", [("alpha", ok), ("beta", bad)]),
    )

    found = cases(root)
    assert set(found) == {
        ("alpha.gates", "ruff"),
        ("alpha", "generate"),
        ("beta.gates", "ruff"),
        ("beta", "generate"),
    }
    assert found[("alpha.gates", "ruff")].find("failure") is None
    assert found[("beta.gates", "ruff")].find("failure") is not None
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == "tta-codegen batch b"
    assert {p.get("name") for p in suite.iter("property")} >= {
        "alpha.status",
        "beta.status",
    }
