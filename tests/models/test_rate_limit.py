"""Per-provider request limits shared by every run of a process (batch runs)."""

from __future__ import annotations

import asyncio

import pytest
from tests.models.conftest import FakeClock, RecordedSleep, SettingsFactory

from tta_codegen.models import ChatMessage, ModelGateway
from tta_codegen.models.rate_limit import RequestWindow
from tta_codegen.testing import FakeOpenAIServer, Reply

pytestmark = pytest.mark.integration

HELLO = [ChatMessage("user", "hello")]


async def test_requests_over_the_minute_limit_wait_for_the_window() -> None:
    clock = FakeClock(0.0)
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock.advance(seconds)

    window = RequestWindow(3, clock=clock, sleep=sleep)
    for _ in range(3):
        assert await window.wait_turn() == 0.0
    clock.advance(10)
    assert await window.wait_turn() == pytest.approx(50.0)
    assert sleeps == [pytest.approx(50.0)]
    clock.advance(60)
    assert await window.wait_turn() == 0.0


async def test_concurrent_runs_share_the_providers_in_flight_cap(
    fake_llm: FakeOpenAIServer,
    make_settings: SettingsFactory,
    sleep: RecordedSleep,
) -> None:
    fake_llm.default = Reply(content="ok", delay_s=0.15)
    settings = make_settings(provider={"max_concurrent_requests": 1})
    async with ModelGateway.open(settings, sleep=sleep) as gateway:
        results = await asyncio.gather(
            *(
                gateway.chat(HELLO, candidates=["m-a"], node="generate", template="t@1")
                for _ in range(3)
            )
        )
    assert [r.text for r in results] == ["ok", "ok", "ok"]
    starts = sorted(r.received_at for r in fake_llm.calls())
    # one at a time: each request reached the server after the previous answer
    assert all(b - a >= 0.14 for a, b in zip(starts, starts[1:], strict=False))
