"""Selection blends priors with measured stats; stats persist (file and Redis)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tta_codegen.models import (
    DEFAULT_MODEL,
    BreakerState,
    Catalog,
    ChatMessage,
    ModelGateway,
    ModelRequirements,
    ModelStats,
    select_models,
)
from tta_codegen.testing import FakeOpenAIServer, Reply

from .conftest import SettingsFactory, free, paid


def _order(ranking: list) -> list[str]:  # type: ignore[type-arg]
    return [r.model for r in ranking if r.eligible]


@pytest.mark.unit
def test_default_ranking_puts_the_default_free_model_first(
    make_settings: SettingsFactory,
) -> None:
    catalog = Catalog(make_settings([]))
    ranking = select_models(catalog, {}, ModelRequirements())
    assert ranking[0].model == DEFAULT_MODEL
    no_free = select_models(catalog, {}, ModelRequirements(prefer_free=False))
    assert no_free[0].model == "anthropic/claude-sonnet-4.5"


@pytest.mark.unit
def test_hard_requirements_make_models_ineligible_with_reasons(
    make_settings: SettingsFactory,
) -> None:
    settings = make_settings(
        [
            paid("small", context_window=8000),
            paid("slow", typical_latency_ms=50_000),
            paid("dear", output_cost_per_mtok=Decimal(60)),
            paid("tools", capabilities=["tools"]),
        ]
    )
    requirements = ModelRequirements(
        max_latency_ms=20_000,
        max_cost_per_mtok=Decimal(5),
        context_tokens_needed=10_000,
        required_capabilities=("tools",),
    )
    ranking = select_models(
        Catalog(settings),
        {},
        requirements,
        models=["small", "slow", "dear", "tools"],
        breakers={"tools": BreakerState(failures=5, opened_at=100.0)},
        now=130.0,
    )
    by_id = {r.model: r for r in ranking}
    assert "context window 8000 < 10000 needed" in by_id["small"].reasons
    assert any("latency" in r for r in by_id["slow"].reasons[:2])
    assert any("price above" in r for r in by_id["dear"].reasons[:2])
    assert by_id["tools"].reasons[0] == "circuit open"
    assert not any(r.eligible for r in ranking)
    later = select_models(
        Catalog(settings),
        {},
        ModelRequirements(required_capabilities=("tools",)),
        models=["tools"],
        breakers={"tools": BreakerState(failures=5, opened_at=100.0)},
        now=161.0,  # half-open: eligible again for a trial
    )
    assert later[0].eligible


@pytest.mark.unit
def test_measured_gate_results_move_quality_toward_the_pass_rate(
    make_settings: SettingsFactory,
) -> None:
    catalog = Catalog(make_settings([paid("a"), paid("b")]))
    stats = {
        "a": ModelStats(gates={"code_generation": (0, 20)}),
        "b": ModelStats(gates={"code_generation": (20, 0)}),
    }
    ranking = select_models(catalog, stats, ModelRequirements(), models=["a", "b"])
    assert _order(ranking) == ["b", "a"]
    assert "0/20 drafts passing" in ranking[1].reasons[0]


@pytest.mark.integration
async def test_selection_order_changes_as_stats_accumulate(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer
) -> None:
    settings = make_settings(
        [free("first:free", quality={"code_generation": 7.5}), free("second:free")]
    )
    requirements = ModelRequirements(task_type="code_generation")
    ask = [ChatMessage("user", "task")]
    mine = ("first:free", "second:free")
    async with ModelGateway.open(settings) as gw:
        before = [m for m in _order(await gw.select(requirements)) if m in mine]
        fake_llm.script(*[Reply(status=400)] * 4, model="first:free")
        for _ in range(6):
            result = await gw.chat(
                ask, candidates=before[:2], node="generate", template="t"
            )
            await gw.record_gate_outcome(result.call.model, "code_generation", True)
        after = [m for m in _order(await gw.select(requirements)) if m in mine]
    assert before[:2] == ["first:free", "second:free"]
    assert after[:2] == ["second:free", "first:free"]


@pytest.mark.integration
async def test_stats_persist_in_the_state_dir_across_gateways(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer
) -> None:
    settings = make_settings()
    async with ModelGateway.open(settings) as gw:
        await gw.chat(
            [ChatMessage("user", "t")], candidates=["m-a"], node="g", template="t"
        )
        await gw.record_gate_outcome("m-a", "test_generation", False)
    assert (settings.state_dir / "model-stats.json").is_file()
    async with ModelGateway.open(settings) as gw:
        stats = (await gw.stats.snapshot())["m-a"]
    assert stats.ok == 1 and stats.errors == 0
    assert stats.p50_ms is not None
    assert stats.gate_counts("test_generation") == (0, 1)


@pytest.mark.integration
@pytest.mark.redis
async def test_stats_and_breakers_are_shared_through_redis(
    make_settings: SettingsFactory,
    fake_llm: FakeOpenAIServer,
    redis_url: str,
    key_prefix: str,
) -> None:
    settings = make_settings(
        routing={
            "stats_url": redis_url,
            "key_prefix": key_prefix,
            "retries_per_model": 1,
            "breaker_failures": 2,
        }
    )
    fake_llm.script(Reply(status=500), Reply(status=500), model="m-a")
    ask = [ChatMessage("user", "t")]
    async with ModelGateway.open(settings) as one, ModelGateway.open(settings) as two:
        await one.chat(ask, candidates=["m-a", "m-b"], node="g", template="t")
        await two.chat(ask, candidates=["m-a", "m-b"], node="g", template="t")
        await one.record_gate_outcome("m-b", "code_generation", True)
        # the breaker opened by the two gateways together holds for both
        result = await one.chat(ask, candidates=["m-a", "m-b"], node="g", template="t")
        shared = await two.stats.snapshot()
    assert "circuit open" in result.call.attempts[0].reason
    assert shared["m-a"].errors == 2
    assert shared["m-b"].ok == 3
    assert shared["m-b"].gate_counts("code_generation") == (1, 0)
    assert not (settings.state_dir / "model-stats.json").exists()


@pytest.mark.unit
def test_latency_percentiles_come_from_the_histogram() -> None:
    from tta_codegen.models.stats import latency_bucket

    counters = {"ok": 100, **{f"lat:{latency_bucket(100)}": 90}}
    counters[f"lat:{latency_bucket(2000)}"] = 10
    stats = ModelStats.from_counters(counters)
    assert stats.p50_ms is not None and 100 <= stats.p50_ms < 125
    assert stats.p95_ms is not None and 2000 <= stats.p95_ms < 2500


@pytest.mark.unit
def test_candidates_are_eligible_models_up_to_the_limit(
    make_settings: SettingsFactory,
) -> None:
    from tta_codegen.models import candidates

    ranking = select_models(
        Catalog(make_settings([])), {}, ModelRequirements(context_tokens_needed=500_000)
    )
    picked = candidates(ranking, 4)
    assert picked == [r.model for r in ranking[:2]]
    assert set(picked) == {"anthropic/claude-sonnet-4.5", "google/gemini-2.5-flash"}


@pytest.mark.integration
async def test_unreachable_stats_redis_is_one_clear_store_error(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer
) -> None:
    from tta_codegen.errors import ExitCode, StoreUnavailableError

    settings = make_settings(routing={"stats_url": "redis://:hunter2@127.0.0.1:9/0"})
    async with ModelGateway.open(settings) as gw:
        with pytest.raises(StoreUnavailableError, match="routing.stats_url") as caught:
            await gw.select(ModelRequirements())
    assert "hunter2" not in str(caught.value)
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert fake_llm.calls() == []
