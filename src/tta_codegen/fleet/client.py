"""The fleet from any machine: queue a run, follow it, cancel it.

``FleetRun`` is the handle ``api.submit`` returns: its thread id at once,
``events()`` live, and awaiting it gives the run's result.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Generator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

from tta_codegen.errors import InputError
from tta_codegen.events import Event, RunFinished
from tta_codegen.fleet.config import fleet_redis_url, fleet_settings
from tta_codegen.fleet.records import FleetRecords
from tta_codegen.fleet.wire import event_from_wire
from tta_codegen.result import RunResult
from tta_codegen.settings import Settings
from tta_codegen.state import CodegenRequest, ReviewDecision
from tta_codegen.task_size import bounded_task

__all__ = ["FleetRun", "cancel_run", "submit_run", "watch_run"]

TERMINAL = ("finished", "failed")
"""Event types that end a run's turn."""


@asynccontextmanager
async def open_records(settings: Settings) -> AsyncIterator[FleetRecords]:
    """The fleet's run records (a Redis client for the block); a Redis that
    cannot be reached is a ``StoreUnavailableError`` naming it."""
    from redis.exceptions import RedisError  # noqa: PLC0415

    from tta_codegen.models._store import open_redis  # noqa: PLC0415

    url = fleet_redis_url(settings)
    redis = open_redis(url)
    try:
        yield FleetRecords(redis, settings.checkpoints.key_prefix)
    except RedisError as exc:
        raise _unreachable(url, exc) from None
    finally:
        await redis.aclose()


async def submit_run(
    settings: Settings,
    thread_id: str,
    *,
    request: CodegenRequest | None = None,
    decision: ReviewDecision | None = None,
    batch: str | None = None,
    batch_max_cost: Decimal | None = None,
) -> str:
    """Queue a new run (``request``) or another turn of an existing one (a
    resume, with ``decision`` answering its review); returns the thread id."""
    from tta_codegen.errors import StoreUnavailableError  # noqa: PLC0415
    from tta_codegen.fleet.app import make_app, send_run  # noqa: PLC0415

    settings = fleet_settings(settings)
    if request is not None:
        bounded_task(request.task, settings)
    app = make_app(settings)  # a broker URL of the wrong kind stops here
    async with open_records(settings) as records:
        existing = await records.get(thread_id)
        if request is not None and existing is not None:
            raise InputError(
                f"thread {thread_id!r} already exists",
                hint=f"follow it with `tta-codegen runs watch {thread_id}`",
            )
        if existing is not None and existing.status in ("queued", "running"):
            raise InputError(
                f"run {thread_id} is already {existing.status}",
                hint=f"follow it with `tta-codegen runs watch {thread_id}`",
            )
        queued_event = await records.queue(
            thread_id,
            request=None if request is None else request.model_dump_json(),
            decision=None if decision is None else decision.model_dump_json(),
            queue=settings.fleet.queue,
            batch=batch,
            batch_max_cost=batch_max_cost,
        )
        try:
            await asyncio.to_thread(send_run, app, settings, thread_id)
        except StoreUnavailableError:
            await records.unqueue(thread_id, existing, queued_event)
            raise
    return thread_id


async def watch_run(
    settings: Settings, thread_id: str, *, block_ms: int = 1000
) -> AsyncIterator[dict[str, Any]]:
    """The events of the run's current turn (from its last queueing), live,
    ending with its ``finished`` or ``failed`` event."""
    async with open_records(settings) as records:
        key = records.events_key(thread_id)
        start = await _turn_start(records, key)
        if start is None:
            raise InputError(
                f"no fleet run with thread id {thread_id!r}",
                hint="queue one with `tta-codegen submit`",
            )
        last = start
        while True:
            found: Any = await records.redis.xread(
                {key: last}, block=block_ms, count=200
            )
            for _stream, entries in found or []:
                for entry_id, fields in entries:
                    last = entry_id
                    doc: dict[str, Any] = json.loads(fields["e"])
                    yield doc
                    if doc.get("type") in TERMINAL:
                        return


async def _turn_start(records: FleetRecords, key: str) -> str | None:
    """The stream id just before the last ``queued`` event, or None."""
    newest: Any = await records.redis.xrevrange(key, count=500)
    for entry_id, fields in newest:
        if json.loads(fields["e"]).get("type") == "queued":
            ms, seq = (int(p) for p in entry_id.split("-"))
            return f"{ms}-{seq - 1}" if seq else f"{ms - 1}-{2**63}"
    return "0-0" if newest else None


async def cancel_run(settings: Settings, thread_id: str) -> str:
    """Ask the fleet to stop a run; returns its status when asked."""
    async with open_records(settings) as records:
        record = await records.get(thread_id)
        if record is None:
            raise InputError(f"no fleet run with thread id {thread_id!r}")
        if record.status not in ("queued", "running"):
            raise InputError(f"run {thread_id} is not queued or running (it is "
                             f"{record.status})")  # fmt: skip
        await records.request_cancel(thread_id)
        return record.status


def _unreachable(url: str, exc: Exception) -> Exception:
    from tta_codegen.checkpoints.urls import redact_url  # noqa: PLC0415
    from tta_codegen.errors import StoreUnavailableError  # noqa: PLC0415

    return StoreUnavailableError(
        f"cannot reach the fleet's Redis {redact_url(url)}: {type(exc).__name__}",
        hint="check checkpoints.url / routing.stats_url, and that Redis runs",
    )


class FleetRun:
    """A run queued on the fleet: await it for its result."""

    def __init__(self, settings: Settings, thread_id: str) -> None:
        self.settings = settings
        self.thread_id = thread_id

    async def events(self) -> AsyncIterator[Event]:
        """The run's events as they happen; the last is ``RunFinished``."""
        async for doc in watch_run(self.settings, self.thread_id):
            if doc.get("type") == "failed":
                yield RunFinished(
                    RunResult(
                        thread_id=self.thread_id,
                        status="failed",
                        error=str(doc.get("error", "")),
                    )
                )
                return
            event = event_from_wire(doc)
            if event is not None:
                yield event

    async def result(self) -> RunResult:
        """Wait for the run's turn to end; its result."""
        async for event in self.events():
            if isinstance(event, RunFinished):
                return event.result
        raise AssertionError("event stream ended without a result")

    async def cancel(self) -> None:
        """Stop the run (resumable later)."""
        await cancel_run(self.settings, self.thread_id)

    def __await__(self) -> Generator[Any, None, RunResult]:
        return self.result().__await__()
