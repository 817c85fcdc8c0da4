"""Stall detection and de-duplication for the refine loop."""

from __future__ import annotations

import pytest

from tta_codegen.findings import (
    Finding,
    blocking_fingerprints,
    is_stalled,
    unique_by_fingerprint,
)

pytestmark = [pytest.mark.unit]

UNDEFINED = Finding(
    gate="ruff", severity="error", code="F821", message="Undefined name `y`"
)


def test_same_blocking_findings_twice_in_a_row_is_a_stall() -> None:
    moved = UNDEFINED.model_copy(update={"line": 40})
    first = blocking_fingerprints([UNDEFINED])
    second = blocking_fingerprints([moved, UNDEFINED])
    assert is_stalled([first, second])


def test_progress_or_success_is_not_a_stall() -> None:
    other = Finding(
        gate="tests", severity="error", code="failed", message="test_a failed"
    )
    advice = Finding(gate="ruff", severity="warning", code="E501", message="long line")
    assert not is_stalled([blocking_fingerprints([UNDEFINED])])
    assert not is_stalled(
        [blocking_fingerprints([UNDEFINED]), blocking_fingerprints([other])]
    )
    assert not is_stalled(
        [blocking_fingerprints([advice]), blocking_fingerprints([advice])]
    )


def test_duplicates_are_dropped_by_fingerprint() -> None:
    moved = UNDEFINED.model_copy(update={"line": 3})
    assert unique_by_fingerprint([UNDEFINED, moved]) == [UNDEFINED]
