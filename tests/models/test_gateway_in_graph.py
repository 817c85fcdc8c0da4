"""Inside a LangGraph node, the gateway's tokens reach graph streaming."""

from __future__ import annotations

from typing import TypedDict

import pytest
from langchain_core.messages import AIMessageChunk
from langgraph.graph import END, START, StateGraph

from tta_codegen.models import ChatMessage, ModelGateway
from tta_codegen.testing import FakeOpenAIServer, Reply

from .conftest import SettingsFactory

pytestmark = pytest.mark.integration


class _State(TypedDict, total=False):
    code: str


async def test_tokens_stream_through_stream_mode_messages(
    make_settings: SettingsFactory, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.script(
        Reply(content="def f():\n    return 1\n", chunk_size=4), model="m-a"
    )
    async with ModelGateway.open(make_settings()) as gw:

        async def generate(state: _State) -> _State:
            result = await gw.chat(
                [ChatMessage("user", "f")],
                candidates=["m-a"],
                node="generate",
                template="t",
            )
            return {"code": result.text}

        builder = StateGraph(_State)
        builder.add_node("generate", generate)
        builder.add_edge(START, "generate")
        builder.add_edge("generate", END)
        graph = builder.compile()
        pieces = [
            message.content
            async for message, meta in graph.astream({}, stream_mode="messages")
            if isinstance(message, AIMessageChunk)
            and meta["langgraph_node"] == "generate"
        ]
    assert len([p for p in pieces if p]) == 6
    assert "".join(str(p) for p in pieces) == "def f():\n    return 1\n"
