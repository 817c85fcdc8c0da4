"""The end-of-run summary prints what runs carry as text, never as markup."""

from __future__ import annotations

import pytest

from tta_codegen.cli.summary import print_summary
from tta_codegen.findings import Finding
from tta_codegen.result import RunResult

pytestmark = pytest.mark.unit


def test_brackets_and_colons_in_errors_and_findings_print_as_written(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = RunResult(
        thread_id="t1",
        status="failed",
        error="no model could answer: org/model:free: HTTP 500 ([/b] upstream)",
        findings=[
            Finding(
                gate="tests",
                severity="error",
                path="test_calc.py",
                line=3,
                code="test-failed",
                message="assert add([1], [/]) == [2]",
            )
        ],
    )

    print_summary(result)

    err = capsys.readouterr().err
    assert "org/model:free: HTTP 500 ([/b] upstream)" in err
    assert "assert add([1], [/]) == [2]" in err
