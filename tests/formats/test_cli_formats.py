"""``validate`` and ``generate`` with ``--format``: real gates, real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import xmlschema
from tests.cli_runner import cli_env, invoke_cli, run_cli
from tests.formats.helpers import cases, check_junit, check_sarif, results_by_rule
from tests.formats.helpers import where as location_of
from tests.samples import (
    BUGGY_CODE,
    GOOD_CODE,
    GOOD_TESTS,
    fenced,
    with_final_checks,
)

from tta_codegen.testing import FakeOpenAIServer, Reply

pytestmark = pytest.mark.e2e

BROKEN = "def add(a: int, b: int) -> int:\n    return a + c\n"


@pytest.fixture
def repo(tmp_path: Path, warm_mypy: None, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git checkout with src/calc.py and src/test_calc.py, as the cwd."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "src").mkdir()
    (root / "src" / "calc.py").write_text(BROKEN)
    (root / "src" / "test_calc.py").write_text(GOOD_TESTS)
    monkeypatch.chdir(root)
    return root


@pytest.fixture(scope="session")
def mypy_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.fixture
def warm_mypy(mypy_cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """CLI subprocesses share one type-checker cache (warm after the first)."""
    monkeypatch.setenv("TTA_CODEGEN_GATES__CACHE_DIR", str(mypy_cache_dir))


def validate(*args: str) -> tuple[int, str]:
    result = invoke_cli("validate", "src/calc.py", *args)
    return result.exit_code, result.stdout


def test_validate_sarif_puts_the_blocking_finding_on_its_line(
    repo: Path, sarif_validator: jsonschema.Draft4Validator
) -> None:
    code, out = validate("--tests", "src/test_calc.py", "--format", "sarif")

    assert code == 1
    log = check_sarif(sarif_validator, out)
    by_rule = results_by_rule(log)
    assert location_of(by_rule["ruff/F821"][0]) == ("src/calc.py", 2)
    assert by_rule["ruff/F821"][0]["level"] == "error"
    assert {location_of(r)[0] for r in by_rule["tests/failed"]} == {"src/calc.py"}


def test_validate_junit_lists_gates_and_each_test(
    repo: Path, junit_schema: xmlschema.XMLSchema
) -> None:
    (repo / "src" / "calc.py").write_text(GOOD_CODE.replace("a + b", "a - b"))

    code, out = validate("--tests", "src/test_calc.py", "--format", "junit")

    assert code == 1
    found = cases(check_junit(junit_schema, out))
    assert {("gates", "ruff"), ("gates", "tests")} <= set(found)
    assert found[("gates", "ruff")].find("failure") is None
    assert found[("gates", "tests")].find("failure") is not None
    small = found[("test_calc", "test_add_small_numbers")].find("failure")
    assert small is not None and "assert -1 == 3" in (small.get("message") or "")
    assert found[("test_calc", "test_add_negative")].find("failure") is not None


def test_validate_json_is_the_format_json_alias_and_matches_its_schema(
    repo: Path, validate_validator: jsonschema.Draft202012Validator
) -> None:
    (repo / "src" / "calc.py").write_text(GOOD_CODE)

    code, out = validate("--tests", "src/test_calc.py", "--json")
    code_f, out_f = validate("--tests", "src/test_calc.py", "--format", "json")

    assert code == code_f == 0
    payload, again = json.loads(out), json.loads(out_f)
    assert list(validate_validator.iter_errors(payload)) == []
    for key in ("timings", "tests"):
        payload.pop(key), again.pop(key)
    assert payload == again
    assert payload["passed"] is True and payload["tests_passed"] == 2


def test_validate_refuses_two_formats(repo: Path) -> None:
    result = invoke_cli("validate", "src/calc.py", "--json", "--format", "junit")
    assert result.exit_code == 2
    assert "two formats" in result.stderr


def test_generate_junit_for_a_refined_run_and_its_saved_result(
    fake_llm: FakeOpenAIServer,
    config_file: Path,
    tmp_path: Path,
    warm_mypy: None,
    sarif_validator: jsonschema.Draft4Validator,
    junit_schema: xmlschema.XMLSchema,
    result_validator: jsonschema.Draft202012Validator,
) -> None:
    (tmp_path / ".git").mkdir()
    with_final_checks(config_file)
    fake_llm.script(fenced(BUGGY_CODE), fenced(GOOD_CODE), fenced(GOOD_TESTS))

    proc = run_cli(
        "generate", "Add two integers.", "--out", "calc.py", "--format", "junit",
        "--thread-id", "calc-1", config=config_file, cwd=tmp_path,
    )  # fmt: skip

    assert proc.returncode == 0, proc.stderr
    found = cases(check_junit(junit_schema, proc.stdout))
    assert found[("calc-1", "generate")].find("failure") is None
    assert ("test_calc", "test_add_small_numbers") in found
    assert ("test_calc", "test_add_negative") in found
    assert {("gates", "ruff"), ("gates", "tests"), ("gates", "mutation")} <= set(found)
    # the saved result (same JSON as --json) matches the schema, and converts
    saved = run_cli("runs", "show", "calc-1", "--json", config=config_file)
    assert saved.returncode == 0, saved.stderr
    assert list(result_validator.iter_errors(json.loads(saved.stdout))) == []
    (tmp_path / "result.json").write_text(saved.stdout)
    converted = subprocess.run(
        [sys.executable, "-m", "tta_codegen.formats", "sarif", "result.json"],
        cwd=tmp_path, env=cli_env(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert converted.returncode == 0, converted.stderr
    log = check_sarif(sarif_validator, converted.stdout)
    assert log["runs"][0]["properties"]["subjects"][0]["status"] == "succeeded"
    for result in log["runs"][0]["results"]:
        assert location_of(result)[0] in ("calc.py", "test_calc.py")


def test_generate_sarif_for_a_failed_run_points_at_the_out_path(
    fake_llm: FakeOpenAIServer,
    config_file: Path,
    tmp_path: Path,
    warm_mypy: None,
    sarif_validator: jsonschema.Draft4Validator,
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "src").mkdir()
    fake_llm.default = Reply(content=fenced(BUGGY_CODE))

    proc = run_cli(
        "generate", "Add two integers.", "--out", "src/calc.py", "--format", "sarif",
        "--max-iterations", "0", "--thread-id", "t-failed",
        config=config_file, cwd=tmp_path,
    )  # fmt: skip

    assert proc.returncode == 1, proc.stderr
    assert not (tmp_path / "src" / "calc.py").exists()
    log = check_sarif(sarif_validator, proc.stdout)
    f821 = results_by_rule(log)["ruff/F821"][0]
    assert location_of(f821) == ("src/calc.py", None)
    assert f821["message"]["text"] == "t-failed: calc.py:6: Undefined name `c`"
