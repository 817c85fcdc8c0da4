"""Nodes run in process: a session whose models are a Python function."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from langgraph.runtime import Runtime

from tta_codegen import Codegen, Settings
from tta_codegen.runtime import RunContext
from tta_codegen.testing import FunctionChatModel


class Recorder:
    """The custom stream events a node wrote."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: Any) -> None:
        self.events.append(event)

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("event") == kind]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Memory checkpoints, state under tmp_path, two local models (m-best, m-2)."""
    models = [
        {"id": name, "provider": "local", "context_window": 32768}
        for name in ("m-best", "m-2")
    ]
    return Settings(
        checkpoints={"url": "memory://"}, state_dir=tmp_path / "state", models=models
    )


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def node_runtime(
    settings: Settings, recorder: Recorder
) -> Callable[[FunctionChatModel], Any]:
    """``async with node_runtime(model) as runtime:`` a node's Runtime."""

    @asynccontextmanager
    async def opened(model: FunctionChatModel) -> AsyncIterator[Runtime[RunContext]]:
        async with Codegen.open(settings, chat_models=model) as session:
            context = RunContext("t-1", session.resources)
            yield Runtime(context=context, stream_writer=recorder)

    return opened
