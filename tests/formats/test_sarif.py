"""SARIF 2.1.0 output: schema-valid, on the right lines, stable identities."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from tests.formats.helpers import check_sarif, results_by_rule, where

from tta_codegen.findings import Finding
from tta_codegen.formats import (
    FINGERPRINT_KEY,
    render_batch,
    render_run,
    render_validate,
)
from tta_codegen.result import RunResult
from tta_codegen.state import CodegenRequest, GateReport

pytestmark = pytest.mark.unit

F821 = Finding(
    gate="ruff",
    severity="error",
    code="F821",
    message="Undefined name `c`",
    path="calc.py",
    line=2,
)
MYPY = Finding(
    gate="mypy",
    severity="warning",
    code="name-defined",
    message='Name "c" is not defined',
    path="calc.py",
    line=2,
)
FAILED_TEST = Finding(
    gate="tests",
    severity="error",
    code="failed",
    message="test_add failed: assert -1 == 5",
    path="test_calc.py",
    line=5,
)
COVERAGE = Finding(
    gate="coverage",
    severity="info",
    code="below-threshold",
    message="the tests cover 40% of the code's lines",
    target="tests",
)
PARSE = Finding(
    gate="parse",
    severity="error",
    message="the answer held no Python module",
)
REPORT = GateReport(findings=(F821, MYPY, FAILED_TEST, COVERAGE), profile="staging")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "src").mkdir()
    return tmp_path


def test_validate_findings_land_on_the_users_files_relative_to_the_repo(
    repo: Path, sarif_validator: jsonschema.Draft4Validator
) -> None:
    text = render_validate(
        "sarif",
        REPORT,
        repo / "src" / "calc.py",
        tests=repo / "src" / "test_calc.py",
        root=repo,
    )

    log = check_sarif(sarif_validator, text)
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "tta-codegen"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.as_uri() + "/"
    by_rule = results_by_rule(log)
    assert set(by_rule) == {
        "ruff/F821",
        "mypy/name-defined",
        "tests/failed",
        "coverage/below-threshold",
    }
    assert where(by_rule["ruff/F821"][0]) == ("src/calc.py", 2)
    assert where(by_rule["tests/failed"][0]) == ("src/test_calc.py", 5)
    # no file of its own, about the tests: shown on the tests file, no line
    assert where(by_rule["coverage/below-threshold"][0]) == ("src/test_calc.py", None)
    location = by_rule["ruff/F821"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"


def test_levels_fingerprints_and_rules_follow_the_findings(
    repo: Path, sarif_validator: jsonschema.Draft4Validator
) -> None:
    text = render_validate("sarif", REPORT, repo / "src" / "calc.py", root=repo)

    log = check_sarif(sarif_validator, text)
    by_rule = results_by_rule(log)
    assert [by_rule[r][0]["level"] for r in by_rule] == [
        "error",
        "warning",
        "error",
        "note",
    ]
    assert by_rule["ruff/F821"][0]["partialFingerprints"] == {
        FINGERPRINT_KEY: F821.fingerprint
    }
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(by_rule)
    for result in log["runs"][0]["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    mypy_rule = next(r for r in rules if r["id"] == "mypy/name-defined")
    assert mypy_rule["helpUri"].endswith("_refs.html#code-name-defined")
    assert "helpUri" not in next(r for r in rules if r["id"] == "tests/failed")


def test_a_file_outside_the_repo_gets_an_absolute_uri(
    repo: Path,
    tmp_path_factory: pytest.TempPathFactory,
    sarif_validator: jsonschema.Draft4Validator,
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "calc.py"

    log = check_sarif(
        sarif_validator,
        render_validate("sarif", REPORT, elsewhere, root=repo),
    )

    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": elsewhere.as_uri()}


def test_a_failed_run_shows_its_findings_on_the_intended_output_path(
    repo: Path, sarif_validator: jsonschema.Draft4Validator
) -> None:
    result = RunResult(thread_id="t1", status="failed", findings=[F821, PARSE])
    request = CodegenRequest(
        task="add", module_name="calc", out_path=str(repo / "src" / "calc.py")
    )

    log = check_sarif(sarif_validator, render_run("sarif", result, request, root=repo))

    by_rule = results_by_rule(log)
    # nothing was written: the draft's line numbers mean nothing in that file
    assert where(by_rule["ruff/F821"][0]) == ("src/calc.py", None)
    assert by_rule["ruff/F821"][0]["message"]["text"] == (
        "t1: calc.py:2: Undefined name `c`"
    )
    assert by_rule["parse"][0]["ruleId"] == "parse"
    assert log["runs"][0]["properties"]["subjects"][0]["status"] == "failed"


def test_a_successful_run_points_at_the_written_files(
    repo: Path, sarif_validator: jsonschema.Draft4Validator
) -> None:
    result = RunResult(
        thread_id="t2",
        status="succeeded",
        code_path=str(repo / "src" / "calc.py"),
        tests_path=str(repo / "tests" / "test_calc_generated.py"),
        findings=[MYPY, FAILED_TEST.model_copy(update={"severity": "warning"})],
    )

    log = check_sarif(sarif_validator, render_run("sarif", result, root=repo))

    by_rule = results_by_rule(log)
    assert where(by_rule["mypy/name-defined"][0]) == ("src/calc.py", 2)
    assert where(by_rule["tests/failed"][0]) == ("tests/test_calc_generated.py", 5)
    assert by_rule["mypy/name-defined"][0]["message"]["text"] == MYPY.message


def test_batch_findings_of_unwritten_tasks_sit_on_their_task_entry(
    repo: Path,
    sarif_validator: jsonschema.Draft4Validator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(repo)  # batch paths are relative to where it ran
    tasks = Path("tasks.yaml")
    tasks.write_text(
        "name: sprint\ntasks:\n  - id: alpha\n    task: add\n    out: src/alpha.py\n"
        "  - id: 'beta'\n    task: add again\n    out: src/beta.py\n"
    )
    alpha = RunResult(
        thread_id="sprint-alpha",
        status="succeeded",
        code_path="src/alpha.py",
        findings=[MYPY.model_copy(update={"path": "alpha.py"})],
    )
    beta = RunResult(thread_id="sprint-beta", status="failed", findings=[F821])

    log = check_sarif(
        sarif_validator,
        render_batch(
            "sarif",
            "sprint",
            [("alpha", alpha), ("beta", beta)],
            tasks_file=tasks,
            root=repo,
        ),
    )

    by_rule = results_by_rule(log)
    assert where(by_rule["mypy/name-defined"][0]) == ("src/alpha.py", 2)
    assert where(by_rule["ruff/F821"][0]) == ("tasks.yaml", 6)
    assert by_rule["ruff/F821"][0]["message"]["text"].startswith("beta: calc.py:2: ")
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True}]


def test_a_run_that_got_no_answer_is_not_a_successful_execution(
    repo: Path, sarif_validator: jsonschema.Draft4Validator
) -> None:
    result = RunResult(
        thread_id="t3", status="failed", error="budget spent", error_kind="budget"
    )

    log = check_sarif(sarif_validator, render_run("sarif", result, root=repo))

    assert log["runs"][0]["invocations"] == [{"executionSuccessful": False}]
    assert log["runs"][0]["results"] == []


def test_the_schema_check_would_catch_a_malformed_log(
    repo: Path, sarif_validator: jsonschema.Draft4Validator
) -> None:
    log = json.loads(render_validate("sarif", REPORT, repo / "calc.py", root=repo))
    log["runs"][0]["results"][0]["level"] = "fatal"
    del log["runs"][0]["tool"]["driver"]["name"]

    assert len(list(sarif_validator.iter_errors(log))) == 2
