"""Small builders shared by the checkpoint tests."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

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


def free_port() -> int:
    """A loopback port nothing listens on (right now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def redis_server(binary: str, *extra: str) -> Iterator[int]:
    """Start ``binary`` on a free loopback port (no persistence); yield the port."""
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.02)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)
