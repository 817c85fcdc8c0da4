"""Fallback, retries, breakers and preflight, against the loopback fake LLM."""

from __future__ import annotations

import pytest

from tta_codegen.errors import ConfigError, ModelUnavailableError
from tta_codegen.models import ChatMessage, ModelGateway
from tta_codegen.testing import FakeOpenAIServer, Reply

from .conftest import FakeClock, RecordedSleep, SettingsFactory, free, paid

pytestmark = pytest.mark.integration

ASK = [ChatMessage("system", "You write Python."), ChatMessage("user", "add two ints")]


async def test_dead_model_falls_back_to_next(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer, sleep: RecordedSleep
) -> None:
    fake_llm.script(*[Reply(status=500)] * 3, model="m-a")
    fake_llm.script(Reply(content="def add(a, b): return a + b"), model="m-b")
    async with ModelGateway.open(make_settings(), sleep=sleep) as gw:
        result = await gw.chat(
            ASK, candidates=["m-a", "m-b"], node="generate", template="t"
        )
    assert result.text == "def add(a, b): return a + b"
    assert result.call.model == "m-b"
    assert [a.model for a in result.call.attempts] == ["m-a"] * 3
    assert all("HTTP 500" in a.reason for a in result.call.attempts)
    assert len(fake_llm.calls("m-a")) == 3  # retries_per_model, and no more
    first, second = sleep.delays  # 0.5 s doubling, plus up to 0.5 s of jitter
    assert 0.5 <= first <= 1.0
    assert 1.0 <= second <= 1.5


async def test_non_retryable_4xx_moves_on_at_once(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer, sleep: RecordedSleep
) -> None:
    fake_llm.script(Reply(status=400, content="bad request"), model="m-a")
    fake_llm.script(Reply(content="ok"), model="m-b")
    async with ModelGateway.open(make_settings(), sleep=sleep) as gw:
        result = await gw.chat(
            ASK, candidates=["m-a", "m-b"], node="generate", template="t"
        )
    assert result.call.model == "m-b"
    assert len(fake_llm.calls("m-a")) == 1
    assert sleep.delays == []


async def test_429_is_retried_after_retry_after(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer, sleep: RecordedSleep
) -> None:
    fake_llm.script(
        Reply(status=429, retry_after_s=7), Reply(content="ok"), model="m-a"
    )
    async with ModelGateway.open(make_settings(), sleep=sleep) as gw:
        result = await gw.chat(ASK, candidates=["m-a"], node="generate", template="t")
    assert result.text == "ok"
    assert result.call.model == "m-a"
    assert sleep.delays == [7.0]


async def test_retry_after_is_capped_by_backoff_max(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer, sleep: RecordedSleep
) -> None:
    fake_llm.script(
        Reply(status=503, retry_after_s=3600), Reply(content="ok"), model="m-a"
    )
    settings = make_settings(routing={"backoff_max_s": 4.0})
    async with ModelGateway.open(settings, sleep=sleep) as gw:
        await gw.chat(ASK, candidates=["m-a"], node="generate", template="t")
    assert sleep.delays == [4.0]


async def test_dropped_stream_is_retried(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer, sleep: RecordedSleep
) -> None:
    fake_llm.script(
        Reply(content="x" * 100, drop_after_chunks=2),
        Reply(content="whole"),
        model="m-a",
    )
    async with ModelGateway.open(make_settings(), sleep=sleep) as gw:
        result = await gw.chat(ASK, candidates=["m-a"], node="generate", template="t")
    assert result.text == "whole"
    assert "dropped" in result.call.attempts[0].reason


async def test_tokens_are_streamed_to_the_callback(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.script(Reply(content="a" * 40, chunk_size=8), model="m-a")
    tokens: list[str] = []
    async with ModelGateway.open(make_settings()) as gw:
        await gw.chat(
            ASK,
            candidates=["m-a"],
            node="generate",
            template="t",
            on_token=tokens.append,
        )
    assert tokens == ["a" * 8] * 5


async def test_breaker_opens_after_five_failures_and_half_opens_after_60s(
    make_settings: SettingsFactory,
    fake_llm: FakeOpenAIServer,
    sleep: RecordedSleep,
    clock: FakeClock,
) -> None:
    settings = make_settings(routing={"retries_per_model": 1})
    fake_llm.script(*[Reply(status=500)] * 5, model="m-a")
    async with ModelGateway.open(settings, sleep=sleep, clock=clock) as gw:
        for _ in range(5):
            await gw.chat(ASK, candidates=["m-a", "m-b"], node="generate", template="t")
        assert len(fake_llm.calls("m-a")) == 5
        # open: m-a is skipped without a request
        result = await gw.chat(
            ASK, candidates=["m-a", "m-b"], node="generate", template="t"
        )
        assert len(fake_llm.calls("m-a")) == 5
        assert result.call.attempts[0].outcome == "skipped"
        assert "circuit open" in result.call.attempts[0].reason
        clock.advance(59)
        await gw.chat(ASK, candidates=["m-a", "m-b"], node="generate", template="t")
        assert len(fake_llm.calls("m-a")) == 5
        clock.advance(2)  # half-open: one trial goes through and closes it
        result = await gw.chat(
            ASK, candidates=["m-a", "m-b"], node="generate", template="t"
        )
        assert result.call.model == "m-a"
        assert len(fake_llm.calls("m-a")) == 6


async def test_failed_half_open_trial_reopens(
    make_settings: SettingsFactory,
    fake_llm: FakeOpenAIServer,
    clock: FakeClock,
    sleep: RecordedSleep,
) -> None:
    settings = make_settings(routing={"retries_per_model": 1, "breaker_failures": 2})
    fake_llm.script(*[Reply(status=500)] * 3, model="m-a")
    async with ModelGateway.open(settings, sleep=sleep, clock=clock) as gw:
        for _ in range(2):
            await gw.chat(ASK, candidates=["m-a", "m-b"], node="generate", template="t")
        clock.advance(61)
        await gw.chat(ASK, candidates=["m-a", "m-b"], node="generate", template="t")
        assert len(fake_llm.calls("m-a")) == 3  # the trial, which failed
        clock.advance(30)
        result = await gw.chat(
            ASK, candidates=["m-a", "m-b"], node="generate", template="t"
        )
        assert "circuit open" in result.call.attempts[0].reason


async def test_preflight_skips_a_model_whose_window_is_too_small(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer
) -> None:
    settings = make_settings([paid("tiny", context_window=2000), paid("big")])
    prompt = [ChatMessage("user", "x" * 8000)]  # ~2000 tokens before any output
    async with ModelGateway.open(settings) as gw:
        result = await gw.chat(
            prompt,
            candidates=["tiny", "big"],
            node="generate",
            template="t",
            max_output_tokens=500,
        )
    assert result.call.model == "big"
    assert fake_llm.calls("tiny") == []
    assert "context window 2000" in result.call.attempts[0].reason


async def test_all_candidates_failing_names_each_attempt(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer, sleep: RecordedSleep
) -> None:
    fake_llm.script(Reply(status=404), model="m-a")
    fake_llm.script(Reply(status=401), model="m-b")
    async with ModelGateway.open(make_settings(), sleep=sleep) as gw:
        with pytest.raises(ModelUnavailableError) as caught:
            await gw.chat(ASK, candidates=["m-a", "m-b"], node="generate", template="t")
    assert "m-a: error" in str(caught.value)
    assert "m-b: error" in str(caught.value)
    assert caught.value.exit_code == 3


async def test_never_falls_from_free_to_paid_unless_allowed(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer, sleep: RecordedSleep
) -> None:
    models = [free("f:free"), paid("p")]
    fake_llm.script(Reply(status=400), Reply(status=400), model="f:free")
    async with ModelGateway.open(make_settings(models), sleep=sleep) as gw:
        with pytest.raises(ModelUnavailableError, match="allow_paid_fallback"):
            await gw.chat(
                ASK, candidates=["f:free", "p"], node="generate", template="t"
            )
    assert fake_llm.calls("p") == []
    allowed = make_settings(models, routing={"allow_paid_fallback": True})
    async with ModelGateway.open(allowed, sleep=sleep) as gw:
        result = await gw.chat(
            ASK, candidates=["f:free", "p"], node="generate", template="t"
        )
    assert result.call.model == "p"


async def test_exhausted_free_quota_routes_around_the_model(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer, clock: FakeClock
) -> None:
    models = [free("f1:free"), free("f2:free", provider="other")]
    settings = make_settings(
        models, provider={"free_requests_per_minute": 2, "free_requests_per_day": 50}
    )
    settings.providers["other"] = settings.providers["fake"].model_copy(
        update={"free_requests_per_minute": None}
    )
    async with ModelGateway.open(settings, clock=clock) as gw:
        used = [
            (
                await gw.chat(
                    ASK, candidates=["f1:free", "f2:free"], node="g", template="t"
                )
            ).call.model
            for _ in range(3)
        ]
        assert used == ["f1:free", "f1:free", "f2:free"]
        clock.advance(60)  # a new minute
        again = await gw.chat(
            ASK, candidates=["f1:free", "f2:free"], node="g", template="t"
        )
    assert again.call.model == "f1:free"
    assert len(fake_llm.calls("f1:free")) == 3


async def test_missing_api_key_is_a_config_error_without_the_key(
    make_settings: SettingsFactory,
    fake_llm: FakeOpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = make_settings(
        provider={"api_key_env": "FAKE_PROVIDER_KEY", "api_key_required": True}
    )
    async with ModelGateway.open(settings) as gw:
        with pytest.raises(ConfigError, match="FAKE_PROVIDER_KEY") as caught:
            await gw.chat(ASK, candidates=["m-a"], node="generate", template="t")
    assert caught.value.exit_code == 2
    assert fake_llm.calls() == []
    secret = "sk-test-0123456789abcdef"
    monkeypatch.setenv("FAKE_PROVIDER_KEY", secret)
    fake_llm.script(
        Reply(status=401, content=f"Incorrect API key {secret}"), model="m-a"
    )
    async with ModelGateway.open(settings) as gw:
        with pytest.raises(ModelUnavailableError) as failed:
            await gw.chat(ASK, candidates=["m-a"], node="generate", template="t")
    headers = {k.lower(): v for k, v in fake_llm.calls("m-a")[0].headers.items()}
    assert headers["authorization"] == f"Bearer {secret}"
    assert secret not in str(failed.value)


async def test_a_slow_provider_times_out_and_falls_back(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer, sleep: RecordedSleep
) -> None:
    settings = make_settings(
        provider={"timeout_s": 0.2}, routing={"retries_per_model": 2}
    )
    fake_llm.script(Reply(delay_s=1.0), Reply(delay_s=1.0), model="m-a")
    fake_llm.script(Reply(content="quick"), model="m-b")
    async with ModelGateway.open(settings, sleep=sleep) as gw:
        result = await gw.chat(ASK, candidates=["m-a", "m-b"], node="g", template="t")
    assert result.text == "quick"
    assert [a.reason for a in result.call.attempts] == ["m-a: timed out"] * 2
    assert len(sleep.delays) == 1
