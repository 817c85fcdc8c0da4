"""What providers really send: malformed bodies, JSON for a stream, runaway answers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.models.conftest import RecordedSleep, SettingsFactory, paid

from tta_codegen.finish_reasons import RUNAWAY
from tta_codegen.models import ChatMessage, ModelGateway
from tta_codegen.models.openai_chat import answer_char_cap
from tta_codegen.testing import FakeOpenAIServer, Reply

pytestmark = [pytest.mark.integration]

ASK = [ChatMessage("user", "Write add(a, b).")]
MALFORMED = {
    "an HTML page": Reply(raw_body="<html><body>502 Bad Gateway</body></html>"),
    "broken JSON events": Reply(
        raw_body='data: {"choices": [{"delta": {"content": "x"\n\n',
        content_type="text/event-stream",
    ),
    "garbage events": Reply(
        raw_body="event: ???\ndata: not json at all\n\n",
        content_type="text/event-stream",
    ),
    "an empty body": Reply(raw_body="", content_type="application/json"),
}


@pytest.mark.parametrize("reply", MALFORMED.values(), ids=MALFORMED.keys())
async def test_a_malformed_200_is_retried_then_falls_back(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer, reply: Reply
) -> None:
    fake_llm.script(reply, reply, reply, model="m-a")
    fake_llm.script("def add(a, b):\n    return a + b\n", model="m-b")
    sleep = RecordedSleep()
    async with ModelGateway.open(make_settings(), sleep=sleep) as gateway:
        result = await gateway.chat(
            ASK, candidates=["m-a", "m-b"], node="generate", template="t"
        )
    assert result.call.model == "m-b"
    failures = [a for a in result.call.attempts if a.model == "m-a"]
    assert len(failures) == len(sleep.delays) + 1 >= 2  # retried, then fell back
    assert all("malformed response" in a.reason for a in failures)


async def test_a_json_completion_sent_to_a_stream_request_is_accepted(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.script(
        Reply(
            content="answer",
            ignore_stream=True,
            prompt_tokens=7,
            completion_tokens=3,
            cost_usd=0.0012,
        ),
        model="m-a",
    )
    tokens: list[str] = []
    async with ModelGateway.open(make_settings()) as gateway:
        result = await gateway.chat(
            ASK,
            candidates=["m-a"],
            node="generate",
            template="t",
            on_token=tokens.append,
        )
    assert result.text == "answer" and "".join(tokens) == "answer"
    assert (result.call.input_tokens, result.call.output_tokens) == (7, 3)
    assert result.call.cost_usd == Decimal("0.0012")


async def test_a_runaway_answer_is_cut_at_the_cap(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer
) -> None:
    settings = make_settings()
    settings.generation.max_output_tokens = 256
    cap = answer_char_cap(256)
    fake_llm.script(Reply(content="x = 1\n" * (cap // 2), chunk_size=512), model="m-a")
    async with ModelGateway.open(settings) as gateway:
        result = await gateway.chat(
            ASK,
            candidates=["m-a"],
            node="generate",
            template="t",
            max_output_tokens=256,
        )
    assert cap < len(result.text) <= cap + 512
    assert result.call.finish_reason == RUNAWAY


async def test_models_of_one_provider_share_one_connection(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer
) -> None:
    settings = make_settings([paid("m-a"), paid("m-b")])
    async with ModelGateway.open(settings) as gateway:
        for model in ("m-a", "m-b", "m-a"):
            await gateway.chat(ASK, candidates=[model], node="g", template="t")
    ports = {r.client_port for r in fake_llm.calls()}
    assert len(fake_llm.calls()) == 3 and len(ports) == 1
