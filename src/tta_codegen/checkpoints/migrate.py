"""Bring a checkpointed state up to the current schema, or refuse it.

The graph state carries ``schema_version`` (``tta_codegen.state.SCHEMA_VERSION``).
A state written by an older tta-codegen is migrated one step at a time through
``MIGRATIONS``; a state from a newer tta-codegen is refused, never mis-read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from tta_codegen.errors import CheckpointError
from tta_codegen.state import SCHEMA_VERSION

__all__ = ["MIGRATIONS", "Migration", "ensure_compatible", "schema_version_of"]

Migration = Callable[[dict[str, object]], dict[str, object]]
"""Takes a state at version N and returns it at version N + 1."""


def _v0_to_v1(values: dict[str, object]) -> dict[str, object]:
    """v0 states predate the version field; their shape is otherwise v1's."""
    return {**values, "schema_version": 1}


_V1_RENAMED = {"model": "draft_model", "review": "review_decision"}
_V1_DROPPED = ("findings", "usage")  # kept in report.findings / derived from calls


def _v1_to_v2(values: dict[str, object]) -> dict[str, object]:
    """v2 keeps each fact once and says "absent" with None: ``model`` became
    ``draft_model``, ``review`` became ``review_decision``, ``findings`` and
    ``usage`` are read from ``report`` and ``calls``, empty code or tests are None,
    and a rejected review is ``error_kind = "review"``."""
    state = {
        _V1_RENAMED.get(key, key): value
        for key, value in values.items()
        if key not in _V1_DROPPED
    }
    for key in ("code", "tests"):
        if state.get(key) == "":
            state[key] = None
    if state.get("status") == "running":
        del state["status"]
    if state.get("error") == "rejected in review":
        state["error_kind"] = "review"
    state["schema_version"] = 2
    return state


MIGRATIONS: dict[int, Migration] = {0: _v0_to_v1, 1: _v1_to_v2}
"""Step functions keyed by the version they migrate *from*."""


def schema_version_of(values: Mapping[str, object]) -> int:
    """The state's schema version; 0 when the field is missing."""
    raw = values.get("schema_version", 0)
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise CheckpointError(
            f"checkpoint has an invalid schema_version {raw!r}",
            hint="the checkpoint store holds data tta-codegen did not write",
        )
    return raw


def ensure_compatible(
    values: Mapping[str, object],
    *,
    current: int = SCHEMA_VERSION,
    migrations: Mapping[int, Migration] = MIGRATIONS,
) -> dict[str, object]:
    """The state at the current schema version (a new dict; input untouched)."""
    version = schema_version_of(values)
    if version > current:
        raise CheckpointError(
            f"checkpoint schema v{version} is newer than this tta-codegen "
            f"supports (v{current}); upgrade tta-codegen"
        )
    state = dict(values)
    while version < current:
        step = migrations.get(version)
        if step is None:
            raise CheckpointError(
                f"checkpoint schema v{version} is too old to migrate "
                f"(this tta-codegen reads v{current}); start a new run"
            )
        state = step(state)
        migrated = schema_version_of(state)
        if migrated <= version:
            raise CheckpointError(f"migration from schema v{version} did not advance")
        version = migrated
    return state
