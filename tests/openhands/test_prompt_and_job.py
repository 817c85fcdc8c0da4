"""The first message of a conversation, and job validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from tta_codegen.errors import InputError
from tta_codegen.findings import Finding
from tta_codegen.openhands._prompt import build_message
from tta_codegen.openhands.job import OpenHandsJob

pytestmark = pytest.mark.unit


def _job(**overrides: object) -> OpenHandsJob:
    fields: dict[str, object] = {
        "task": "Build a rate limiter.",
        "module_name": "rate_limit",
        "model": "m",
        "base_url": "http://127.0.0.1:1/v1",
        "api_key": "sk-secret-value",
    }
    fields.update(overrides)
    return OpenHandsJob(**fields)  # type: ignore[arg-type]


def test_message_names_the_deliverables_in_the_workspace(tmp_path: Path) -> None:
    text = build_message(
        _job(requirements="mypy strict", context_text="class Bucket: ..."), tmp_path
    )
    assert f"Working directory: {tmp_path}" in text
    assert "Build a rate limiter." in text
    assert str(tmp_path / "rate_limit.py") in text
    assert str(tmp_path / "test_rate_limit.py") in text
    assert "mypy strict" in text and "class Bucket: ..." in text
    assert "previous draft" not in text


def test_escalation_message_carries_draft_note_and_findings(tmp_path: Path) -> None:
    findings = [
        Finding(
            gate="ruff",
            severity="error",
            message=f"problem {i}",
            code="F821",
            path="rate_limit.py",
            line=i + 1,
        )
        for i in range(35)
    ]
    text = build_message(_job(best_draft="x = 1\n", findings=findings), tmp_path)
    assert "A previous draft is already in" in text
    assert "- error ruff [F821] rate_limit.py:1: problem 0" in text
    assert "problem 29" in text and "problem 30" not in text
    assert "... and 5 more" in text


@pytest.mark.parametrize("name", ["../evil", "a/b", "", "has space", "1abc"])
def test_module_name_must_be_an_identifier(name: str) -> None:
    with pytest.raises(InputError, match="not a Python identifier"):
        _job(module_name=name)


def test_empty_task_is_refused() -> None:
    with pytest.raises(InputError, match="task is empty"):
        _job(task="  ")


def test_api_key_stays_out_of_repr() -> None:
    assert "sk-secret-value" not in repr(_job())
