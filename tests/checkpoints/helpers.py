"""Small builders shared by the checkpoint tests."""

from __future__ import annotations

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.conformance.test_utils import (
    generate_checkpoint,
    generate_config,
    generate_metadata,
)


async def put_chain(
    saver: BaseCheckpointSaver[str],
    thread_id: str,
    n: int,
    *,
    ns: str = "",
    value: object = "v",
) -> list[RunnableConfig]:
    """Write ``n`` linked checkpoints (each with one pending write)."""
    stored: list[RunnableConfig] = []
    parent: RunnableConfig | None = None
    for step in range(n):
        config = generate_config(thread_id, checkpoint_ns=ns)
        if parent is not None:
            config["configurable"]["checkpoint_id"] = parent["configurable"][
                "checkpoint_id"
            ]
        checkpoint = generate_checkpoint(
            channel_values={"x": value}, channel_versions={"x": step + 1}
        )
        parent = await saver.aput(
            config, checkpoint, generate_metadata(step=step), {"x": step + 1}
        )
        await saver.aput_writes(parent, [("x", f"w{step}")], f"task-{step}")
        stored.append(parent)
    return stored
