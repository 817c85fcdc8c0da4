"""Budgets stop calls before they overspend; costs come from usage.cost."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest

from tta_codegen.errors import BudgetExceededError
from tta_codegen.models import Budget, ChatMessage, ModelGateway
from tta_codegen.models._ledger import FileLedger, RedisLedger
from tta_codegen.models._store import LockedJsonFile, open_redis
from tta_codegen.settings import BudgetSettings
from tta_codegen.testing import FakeOpenAIServer, Reply

from .conftest import FakeClock, SettingsFactory, free, paid

ASK = [ChatMessage("user", "write a parser")]


@pytest.mark.integration
async def test_cost_is_the_providers_usage_cost(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.script(
        Reply(
            content="x", prompt_tokens=1000, completion_tokens=500, cost_usd=0.004321
        ),
        model="m-a",
    )
    async with ModelGateway.open(make_settings()) as gw:
        result = await gw.chat(ASK, candidates=["m-a"], node="generate", template="t")
        today = await gw.budget.today()
    assert result.call.cost_usd == Decimal("0.004321")
    assert (result.call.input_tokens, result.call.output_tokens) == (1000, 500)
    assert today.spent == Decimal("0.004321")
    assert today.reserved == 0


@pytest.mark.integration
async def test_cost_falls_back_to_catalog_prices_then_unknown(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer
) -> None:
    unpriced = paid("unpriced", input_cost_per_mtok=None, output_cost_per_mtok=None)
    settings = make_settings([paid("m-a"), unpriced])
    fake_llm.script(Reply(content="x", prompt_tokens=1000, completion_tokens=500))
    fake_llm.script(Reply(content="x", prompt_tokens=1000, completion_tokens=500))
    async with ModelGateway.open(settings) as gw:
        priced = await gw.chat(ASK, candidates=["m-a"], node="generate", template="t")
        unknown = await gw.chat(
            ASK, candidates=["unpriced"], node="generate", template="t"
        )
    # $1/Mtok in, $2/Mtok out
    assert priced.call.cost_usd == Decimal("0.002")
    assert unknown.call.cost_usd is None


@pytest.mark.integration
async def test_run_budget_stops_before_the_call_that_would_overspend(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer
) -> None:
    expensive = paid("pricey", output_cost_per_mtok=Decimal(100))
    settings = make_settings([expensive], budget={"max_cost_per_run_usd": "0.50"})
    async with ModelGateway.open(settings) as gw:
        with pytest.raises(BudgetExceededError) as caught:
            # worst case: 8192 output tokens at $100/Mtok = $0.82 > $0.10 left
            await gw.chat(
                ASK,
                candidates=["pricey"],
                node="generate",
                template="t",
                run_spent=Decimal("0.40"),
            )
    assert fake_llm.calls() == []
    message = str(caught.value)
    assert "max_cost_per_run_usd" in message
    assert "$0.4" in message and "$0.5" in message
    assert caught.value.exit_code == 3


@pytest.mark.integration
async def test_daily_budget_refuses_paid_but_a_free_model_still_answers(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer
) -> None:
    settings = make_settings(
        [paid("p"), free("f:free")],
        budget={"max_cost_per_day_usd": "0.001", "max_cost_per_run_usd": None},
        routing={"allow_paid_fallback": True},
    )
    async with ModelGateway.open(settings) as gw:
        result = await gw.chat(
            ASK, candidates=["p", "f:free"], node="generate", template="t"
        )
    assert result.call.model == "f:free"
    assert "max_cost_per_day_usd" in result.call.attempts[0].reason
    assert fake_llm.calls("p") == []


def _hammer(budget_factory: object, n: int) -> list[bool]:
    """n reservations of $0.30 against $5.00 from n threads at once."""

    def one(_: int) -> bool:
        budget = budget_factory()  # type: ignore[operator]

        async def go() -> bool:
            try:
                await budget.reserve(Decimal("0.30"), run_spent=Decimal(0))
            except BudgetExceededError:
                return False
            return True

        return asyncio.run(go())

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


LIMITS = BudgetSettings(max_cost_per_run_usd=None, max_cost_per_day_usd=Decimal("5.00"))


@pytest.mark.integration
async def test_20_concurrent_reservations_never_overspend_file(
    tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "budget.json"

    def make() -> Budget:
        ledger = FileLedger(LockedJsonFile(path))
        return Budget(LIMITS, ledger, ledger, clock=clock)

    granted = await asyncio.to_thread(_hammer, make, 20)
    assert sum(granted) == 16  # 16 x $0.30 = $4.80; a 17th would be $5.10
    today = await make().today()
    assert today.reserved == Decimal("4.8")


@pytest.mark.integration
@pytest.mark.redis
async def test_20_concurrent_reservations_never_overspend_redis(
    redis_url: str, key_prefix: str, clock: FakeClock
) -> None:
    clients = [open_redis(redis_url) for _ in range(20)]
    budgets = []
    for client in clients:
        ledger = RedisLedger(client, key_prefix)
        budgets.append(Budget(LIMITS, ledger, ledger, clock=clock))

    async def one(budget: Budget) -> bool:
        try:
            await budget.reserve(Decimal("0.30"), run_spent=Decimal(0))
        except BudgetExceededError:
            return False
        return True

    granted = await asyncio.gather(*(one(b) for b in budgets))
    assert sum(granted) == 16
    today = await budgets[0].today()
    for client in clients:
        await client.aclose()
    assert today.reserved == Decimal("4.8")


@pytest.mark.unit
async def test_commit_replaces_the_hold_and_expired_holds_are_released(
    tmp_path: Path, clock: FakeClock
) -> None:
    ledger = FileLedger(LockedJsonFile(tmp_path / "budget.json"))
    budget = Budget(LIMITS, ledger, ledger, clock=clock, reservation_ttl_s=60)
    held = await budget.reserve(Decimal("4.00"), run_spent=Decimal(0))
    with pytest.raises(BudgetExceededError):
        await budget.reserve(Decimal("1.50"), run_spent=Decimal(0))
    await budget.commit(held, Decimal("0.25"))
    assert (await budget.today()).spent == Decimal("0.25")
    await budget.reserve(
        Decimal("4.70"), run_spent=Decimal(0)
    )  # crashed: never committed
    clock.advance(61)
    await budget.reserve(Decimal("4.70"), run_spent=Decimal(0))
    clock.advance(86_400)  # a new UTC day starts from zero
    assert (await budget.today()).spent == 0


@pytest.mark.integration
async def test_result_usage_counts_unknown_cost_separately(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer
) -> None:
    unpriced = paid("unpriced", input_cost_per_mtok=None, output_cost_per_mtok=None)
    fake_llm.script(Reply(content="x", prompt_tokens=10, completion_tokens=5))
    async with ModelGateway.open(make_settings([unpriced])) as gw:
        result = await gw.chat(ASK, candidates=["unpriced"], node="g", template="t")
    assert result.call.usage.cost_unknown_calls == 1
    assert (result.call.usage.input_tokens, result.call.usage.output_tokens) == (10, 5)


@pytest.mark.integration
async def test_a_cancelled_call_releases_its_reservation(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.script(Reply(content="late", delay_s=1.0), model="m-a")
    async with ModelGateway.open(make_settings()) as gw:
        task = asyncio.create_task(
            gw.chat(ASK, candidates=["m-a"], node="g", template="t")
        )
        while not fake_llm.calls("m-a"):
            await asyncio.sleep(0.01)
        assert (await gw.budget.today()).reserved > 0
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert (await gw.budget.today()).reserved == 0


@pytest.mark.integration
@pytest.mark.redis
async def test_free_quota_is_counted_in_redis(
    make_settings: SettingsFactory,
    fake_llm: FakeOpenAIServer,
    redis_url: str,
    key_prefix: str,
    clock: FakeClock,
) -> None:
    settings = make_settings(
        [free("f:free"), free("g:free", provider="other")],
        provider={"free_requests_per_minute": 5, "free_requests_per_day": 2},
        routing={"stats_url": redis_url, "key_prefix": key_prefix},
    )
    settings.providers["other"] = settings.providers["fake"].model_copy(
        update={"free_requests_per_day": None, "free_requests_per_minute": None}
    )
    ask = [ChatMessage("user", "t")]
    async with (
        ModelGateway.open(settings, clock=clock) as a,
        ModelGateway.open(settings, clock=clock) as b,
    ):
        models = [
            (
                await gw.chat(
                    ask, candidates=["f:free", "g:free"], node="g", template="t"
                )
            ).call.model
            for gw in (a, b, a)
        ]
    assert models == ["f:free", "f:free", "g:free"]


@pytest.mark.integration
async def test_free_calls_cost_nothing_but_reported_costs_still_count(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer
) -> None:
    settings = make_settings([free("f:free")])
    fake_llm.script(Reply(content="x"), Reply(content="y", cost_usd=0.01))
    async with ModelGateway.open(settings) as gw:
        await gw.chat(ASK, candidates=["f:free"], node="g", template="t")
        assert (await gw.budget.today()).spent == 0
        await gw.chat(ASK, candidates=["f:free"], node="g", template="t")
        assert (await gw.budget.today()).spent == Decimal("0.01")
