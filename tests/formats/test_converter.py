"""``python -m tta_codegen.formats``: saved JSON in, SARIF or JUnit out."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from tests.formats.helpers import check_sarif, where

from tta_codegen.findings import Finding
from tta_codegen.formats.__main__ import main
from tta_codegen.result import RunResult

pytestmark = pytest.mark.unit

F821 = Finding(
    gate="ruff", severity="error", code="F821", message="m", path="calc.py", line=2
)


def test_a_batch_summary_converts_with_findings_on_the_task_entries(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    sarif_validator: jsonschema.Draft4Validator,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("tasks.yaml").write_text("tasks:\n  - id: calc\n    task: add\n")
    failed = RunResult(thread_id="b-calc", status="failed", findings=[F821])
    row = {"task": "calc", "status": "failed", "result": failed.model_dump()}
    Path("batch.json").write_text(json.dumps({"batch": "b", "tasks": [row]}))

    code = main(["sarif", "batch.json", "--anchor", "tasks.yaml", "-o", "out.sarif"])

    assert code == 0
    log = check_sarif(sarif_validator, Path("out.sarif").read_text())
    assert where(log["runs"][0]["results"][0]) == ("tasks.yaml", 2)
    assert capsys.readouterr().err == ""


def test_without_an_anchor_it_warns_that_code_scanning_would_refuse_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "result.json"
    saved.write_text(
        RunResult(thread_id="t", status="failed", findings=[F821]).model_dump_json()
    )

    assert main(["sarif", str(saved)]) == 0

    captured = capsys.readouterr()
    assert "locations" not in json.loads(captured.out)["runs"][0]["results"][0]
    assert "pass --anchor" in captured.err


@pytest.mark.parametrize(
    ("text", "message"),
    [("not json", "is not JSON"), ('{"tasks": [{}]}', "neither generate --json")],
)
def test_unusable_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    saved = tmp_path / "result.json"
    saved.write_text(text)

    assert main(["junit", str(saved)]) == 2

    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert main(["junit", str(tmp_path / "missing.json")]) == 2
