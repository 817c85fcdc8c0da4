"""How a worker's report maps to a result status."""

from __future__ import annotations

from typing import Any

import pytest

from tta_codegen.openhands.runner import _outcome

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("payload", "killed", "status", "stopped_by", "phrase"),
    [
        (
            {"sdk_status": "finished", "message": "done"},
            False,
            "finished",
            None,
            "done",
        ),
        (
            {"sdk_status": "finished", "stopped_by": "iterations", "message": "ok"},
            False,
            "finished",
            None,
            "ok",
        ),
        (
            {"sdk_status": "paused", "stopped_by": "condensations"},
            False,
            "stopped",
            "condensations",
            "condensations",
        ),
        (
            {"sdk_status": "error", "error": "MaxIterationsReached: cap (12)."},
            False,
            "stopped",
            "iterations",
            "MaxIterationsReached",
        ),
        ({"sdk_status": "stuck"}, False, "stopped", None, "stuck detector"),
        ({"sdk_status": "error", "error": "boom"}, False, "error", None, "boom"),
        ({}, False, "error", None, "exited early: tail"),
        ({"sdk_status": "running"}, True, "stopped", "wall_clock", "worker killed"),
    ],
)
def test_worker_reports_map_to_results(
    payload: dict[str, Any],
    killed: bool,
    status: str,
    stopped_by: str | None,
    phrase: str,
) -> None:
    got_status, got_stopped_by, message = _outcome(payload, killed, "tail")
    assert (got_status, got_stopped_by) == (status, stopped_by)
    assert phrase in message
