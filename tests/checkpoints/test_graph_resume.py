"""A real LangGraph graph on each backend: interrupt, reopen the store, resume."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from langchain_core.runnables import RunnableConfig
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command, interrupt

from tta_codegen.checkpoints import ensure_compatible, open_checkpointer
from tta_codegen.findings import Finding
from tta_codegen.state import (
    CodegenRequest,
    CodegenState,
    GateReport,
    LLMCall,
    ReviewDecision,
    latest_findings,
    usage_of,
)

FINDING = Finding(gate="ruff", severity="warning", message="line too long", code="E501")
CALL = LLMCall(
    node="generate",
    model="m",
    provider="p",
    template="graph/generate@v1",
    latency_ms=1.0,
    input_tokens=12,
    output_tokens=30,
    cost_usd=Decimal("0.0021"),
)


async def draft(state: CodegenState) -> dict[str, Any]:
    return {
        "code": "def add(a, b):\n    return a + b\n",
        "calls": [CALL],
        "report": GateReport(findings=(FINDING,), passed=True),
    }


async def review(state: CodegenState) -> dict[str, Any]:
    decision = interrupt({"code": state["code"], "findings": latest_findings(state)})
    assert isinstance(decision, ReviewDecision)
    return {
        "review_decision": decision,
        "status": "succeeded" if decision.approved else "failed",
    }


def _graph() -> StateGraph[CodegenState]:
    graph = StateGraph(CodegenState)
    graph.add_node("draft", draft)
    graph.add_node("review", review)
    graph.add_edge(START, "draft")
    graph.add_edge("draft", "review")
    graph.add_edge("review", END)
    return graph


async def _interrupt_then_resume(url: str, **options: Any) -> None:
    config: RunnableConfig = {"configurable": {"thread_id": "run-1"}}
    request = CodegenRequest(task="add two numbers", review=True)
    async with open_checkpointer(url, **options) as saver:
        app = _graph().compile(checkpointer=saver)
        first = await app.ainvoke(request.to_state(), config, durability="sync")
        assert "__interrupt__" in first
        if url.startswith("memory"):
            await _resume(app, config)
            return
    async with open_checkpointer(url, **options) as saver:  # a new process would
        await _resume(_graph().compile(checkpointer=saver), config)


async def _resume(app: Any, config: RunnableConfig) -> None:
    paused = await app.aget_state(config)
    assert paused.next == ("review",)
    assert ensure_compatible(paused.values)["request"].task == "add two numbers"
    assert paused.values["report"].findings == (FINDING,)

    final = await app.ainvoke(
        Command(resume=ReviewDecision(approved=True, code="edited")),
        config,
        durability="sync",
    )

    assert final["status"] == "succeeded"
    assert final["review_decision"] == ReviewDecision(approved=True, code="edited")
    assert usage_of(final["calls"]).cost_usd == Decimal("0.0021")
    history = [s async for s in app.aget_state_history(config)]
    assert len(history) >= 3


@pytest.mark.integration
async def test_resume_on_memory() -> None:
    await _interrupt_then_resume("memory://")


@pytest.mark.integration
async def test_resume_on_sqlite_after_reopening(tmp_path: Path) -> None:
    await _interrupt_then_resume(f"sqlite:///{tmp_path}/cp.sqlite")


@pytest.mark.redis
@pytest.mark.integration
async def test_resume_on_redis_after_reopening(redis_url: str, prefix: str) -> None:
    await _interrupt_then_resume(redis_url, key_prefix=prefix, ttl_s=60, keep_last=5)


@pytest.mark.redis
@pytest.mark.integration
async def test_a_copied_thread_resumes_on_its_own(
    tmp_path: Path, redis_url: str, prefix: str
) -> None:
    original: RunnableConfig = {"configurable": {"thread_id": "orig"}}
    fork: RunnableConfig = {"configurable": {"thread_id": "fork"}}
    request = CodegenRequest(task="add two numbers", review=True)
    for url in ["memory://", f"sqlite:///{tmp_path}/cp.sqlite", redis_url]:
        async with open_checkpointer(url, key_prefix=prefix) as saver:
            app = _graph().compile(checkpointer=saver)
            await app.ainvoke(request.to_state(), original, durability="sync")
            await saver.acopy_thread("orig", "fork")

            final = await app.ainvoke(
                Command(resume=ReviewDecision(approved=False)), fork, durability="sync"
            )

            assert final["status"] == "failed", url
            assert (await app.aget_state(original)).next == ("review",), url


@pytest.mark.postgres
@pytest.mark.integration
async def test_resume_on_postgres_after_reopening(pg_url: str) -> None:
    await _interrupt_then_resume(pg_url)


@pytest.mark.postgres
@pytest.mark.integration
async def test_a_copied_thread_resumes_on_its_own_on_postgres(pg_url: str) -> None:
    original: RunnableConfig = {"configurable": {"thread_id": "orig"}}
    fork: RunnableConfig = {"configurable": {"thread_id": "fork"}}
    request = CodegenRequest(task="add two numbers", review=True)
    async with open_checkpointer(pg_url) as saver:
        app = _graph().compile(checkpointer=saver)
        await app.ainvoke(request.to_state(), original, durability="sync")
        await saver.acopy_thread("orig", "fork")

    async with open_checkpointer(pg_url) as saver:  # as `runs fork` then resume
        app = _graph().compile(checkpointer=saver)
        final = await app.ainvoke(
            Command(resume=ReviewDecision(approved=False)), fork, durability="sync"
        )

        assert final["status"] == "failed"
        assert (await app.aget_state(original)).next == ("review",)
