"""Run records read back from real checkpoint stores after real graph runs."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.samples import (
    BUGGY_CODE,
    GOOD_CODE,
    GOOD_TESTS,
    fenced,
    retry_at_once,
    with_final_checks,
)

from tta_codegen import CodegenRequest, Settings
from tta_codegen.api import generate
from tta_codegen.checkpoints import open_configured_checkpointer
from tta_codegen.report.load import LoadedRuns, load_records
from tta_codegen.testing import FakeOpenAIServer, Reply

pytestmark = [pytest.mark.integration]


def _request(tmp_path: Path, **extra: object) -> CodegenRequest:
    return CodegenRequest(
        task="Add two integers.",
        module_name="calc",
        out_path=str(tmp_path / "calc.py"),
        tests_out_path=str(tmp_path / "test_calc.py"),
        **extra,
    )


async def _load(settings: Settings, since: datetime | None = None) -> LoadedRuns:
    async with open_configured_checkpointer(settings.checkpoints) as saver:
        return await load_records(saver, since=since)


async def test_runs_read_back_from_sqlite(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    retry_at_once(config_file)
    with_final_checks(config_file)
    settings = Settings.load(config_file)
    fake_llm.script(
        Reply(status=500),  # one failed attempt before the first answer
        Reply(content=fenced(BUGGY_CODE), cost_usd=0.002),
        Reply(content=fenced(GOOD_CODE), cost_usd=0.003),
        Reply(content=fenced(GOOD_TESTS), cost_usd=0.001),
    )
    before = datetime.now(UTC)
    done = await generate(_request(tmp_path), settings=settings, thread_id="done")
    assert done.status == "succeeded"
    fake_llm.script(fenced(GOOD_CODE), fenced(GOOD_TESTS))
    paused = await generate(
        _request(tmp_path / "..", review=True), settings=settings, thread_id="paused"
    )
    assert paused.status == "awaiting_review"

    loaded = await _load(settings)
    assert loaded.unreadable == ()
    assert [r.thread_id for r in loaded.records] == ["paused", "done"]
    record = loaded.records[1]
    assert record.status == "succeeded"
    assert before <= record.started_at < record.finished_at
    assert record.iterations == 1
    assert (record.first_validate_passed, record.final_passed) == (False, True)
    assert [c.node for c in record.calls] == ["generate", "refine", "generate_tests"]
    assert [c.failed_attempts for c in record.calls] == [1, 0, 0]
    assert float(record.cost_usd) == pytest.approx(0.006)
    assert {"generate", "validate", "refine", "write_output"} <= set(
        record.node_seconds
    )
    assert record.mutation_score is not None
    written = {Path(f.path).name: f.text for f in record.files}
    assert written == {
        "calc.py": (tmp_path / "calc.py").read_text(),
        "test_calc.py": (tmp_path / "test_calc.py").read_text(),
    }
    review = loaded.records[0]
    assert review.status == "awaiting_review"
    assert review.files == ()

    later = await _load(settings, since=datetime.now(UTC) + timedelta(minutes=1))
    assert later.records == ()


@pytest.mark.redis
async def test_runs_read_back_from_redis(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path, redis_url: str
) -> None:
    config_file.write_text(
        config_file.read_text().replace(
            f'url = "sqlite:///{tmp_path}/checkpoints.sqlite"',
            f'url = "{redis_url}"\nkey_prefix = "r{uuid.uuid4().hex[:8]}"\nttl_s = 600',
        )
    )
    settings = Settings.load(config_file)
    fake_llm.script(fenced(GOOD_CODE), fenced(GOOD_TESTS))
    await generate(_request(tmp_path), settings=settings, thread_id="on-redis")
    loaded = await _load(settings)
    assert [r.thread_id for r in loaded.records] == ["on-redis"]
    record = loaded.records[0]
    assert (record.status, record.first_validate_passed) == ("succeeded", True)
    assert [c.node for c in record.calls] == ["generate", "generate_tests"]
