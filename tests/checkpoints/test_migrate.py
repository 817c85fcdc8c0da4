"""Schema versions: older states are migrated, newer ones refused."""

from __future__ import annotations

import pytest

from tta_codegen.checkpoints import ensure_compatible
from tta_codegen.errors import CheckpointError
from tta_codegen.state import SCHEMA_VERSION

pytestmark = pytest.mark.unit


def test_current_state_is_returned_unchanged() -> None:
    values = {"schema_version": SCHEMA_VERSION, "code": "x = 1"}
    assert ensure_compatible(values) == values


def test_state_without_version_is_migrated_from_v0() -> None:
    values = {"code": "x = 1", "iteration": 2}
    migrated = ensure_compatible(values)
    assert migrated == {"code": "x = 1", "iteration": 2, "schema_version": 2}
    assert "schema_version" not in values


def test_a_v1_state_keeps_its_facts_under_the_v2_names() -> None:
    v1 = {
        "schema_version": 1,
        "code": "x = 1\n",
        "tests": "",
        "model": "m-1",
        "review": {"approved": False},
        "findings": ["kept in the report"],
        "usage": "derived from calls",
        "status": "failed",
        "error": "rejected in review",
        "iteration": 1,
    }
    assert ensure_compatible(v1) == {
        "schema_version": 2,
        "code": "x = 1\n",
        "tests": None,
        "draft_model": "m-1",
        "review_decision": {"approved": False},
        "status": "failed",
        "error": "rejected in review",
        "error_kind": "review",
        "iteration": 1,
    }


def test_newer_state_is_refused_with_an_upgrade_hint() -> None:
    with pytest.raises(CheckpointError) as caught:
        ensure_compatible({"schema_version": SCHEMA_VERSION + 1})
    assert str(caught.value) == (
        f"checkpoint schema v{SCHEMA_VERSION + 1} is newer than this tta-codegen "
        f"supports (v{SCHEMA_VERSION}); upgrade tta-codegen"
    )


def test_migrations_run_step_by_step() -> None:
    steps = {
        0: lambda v: {**v, "schema_version": 1},
        1: lambda v: {**v, "schema_version": 2, "renamed": v.get("old")},
    }
    out = ensure_compatible({"old": "x"}, current=2, migrations=steps)
    assert out == {"old": "x", "renamed": "x", "schema_version": 2}


def test_missing_step_and_bad_versions_are_refused() -> None:
    with pytest.raises(CheckpointError, match="too old to migrate"):
        ensure_compatible({"schema_version": 1}, current=3, migrations={})
    with pytest.raises(CheckpointError, match="invalid schema_version"):
        ensure_compatible({"schema_version": "one"})
    with pytest.raises(CheckpointError, match="did not advance"):
        ensure_compatible({}, current=1, migrations={0: dict})
