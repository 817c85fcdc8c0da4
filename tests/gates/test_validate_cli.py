"""``tta-codegen validate`` through typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli_runner import invoke_cli

pytestmark = [pytest.mark.e2e]

CODE = "def add(a: int, b: int) -> int:\n    return a + b\n"
TESTS = "from calc import add\n\n\ndef test_add() -> None:\n    assert add(2, 3) == 5\n"


@pytest.fixture
def files(tmp_path: Path, mypy_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TTA_CODEGEN_GATES__CACHE_DIR", str(mypy_cache))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "calc.py").write_text(CODE)
    (tmp_path / "test_calc.py").write_text(TESTS)
    return tmp_path


def test_json_for_passing_code_exits_0(files: Path) -> None:
    result = invoke_cli("validate", "calc.py", "--tests", "test_calc.py", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["passed"] is True
    assert payload["tests_passed"] == 1


def test_blocking_finding_exits_1_with_the_finding(files: Path) -> None:
    (files / "calc.py").write_text(CODE.replace("a + b", "a + c"))
    result = invoke_cli("validate", "calc.py", "--json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["passed"] is False
    finding = next(f for f in payload["findings"] if f["code"] == "F821")
    assert {k: finding[k] for k in ("gate", "severity", "path", "line")} == {
        "gate": "ruff",
        "severity": "error",
        "path": "calc.py",
        "line": 2,
    }


def test_table_output_names_the_failing_test(files: Path) -> None:
    (files / "calc.py").write_text(CODE.replace("a + b", "a - b"))
    result = invoke_cli("validate", "calc.py", "--tests", "test_calc.py")
    assert result.exit_code == 1
    assert "test_add" in result.stdout and "BLOCKED" in result.stdout


def test_missing_file_exits_2_with_one_line(files: Path) -> None:
    result = invoke_cli("validate", "nope.py", "--json")
    assert result.exit_code == 2
    assert "file not found" in result.stderr
    assert "Traceback" not in result.output


def test_a_folder_given_as_the_file_is_named_as_a_folder(files: Path) -> None:
    (files / "pkg").mkdir()
    result = invoke_cli("validate", "pkg")
    assert result.exit_code == 2
    assert "pkg is a folder; give a Python file" in result.stderr
