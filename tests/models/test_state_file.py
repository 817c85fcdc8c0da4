"""The locked JSON state file under concurrent updates from one process."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from tta_codegen.models._store import JsonDoc, LockedJsonFile

pytestmark = pytest.mark.unit


def _increment(doc: JsonDoc) -> int:
    doc["n"] = doc.get("n", 0) + 1
    return int(doc["n"])


async def test_concurrent_updates_all_land_in_order(tmp_path: Path) -> None:
    file = LockedJsonFile(tmp_path / "state.json")

    seen = await asyncio.gather(*(file.transact(_increment) for _ in range(50)))

    assert sorted(seen) == list(range(1, 51))
    assert json.loads((tmp_path / "state.json").read_text()) == {"n": 50}


async def test_a_failing_update_changes_nothing_and_spares_the_others(
    tmp_path: Path,
) -> None:
    file = LockedJsonFile(tmp_path / "state.json")

    def half_done_then_fail(doc: JsonDoc) -> None:
        doc["n"] = 1000
        raise ValueError("refused")

    results = await asyncio.gather(
        file.transact(_increment),
        file.transact(half_done_then_fail),
        file.transact(_increment),
        return_exceptions=True,
    )

    assert results[0] == 1 and results[2] == 2
    assert isinstance(results[1], ValueError)
    assert (await file.read()) == {"n": 2}
