"""One task on a worker: run a queued thread to its next stop.

The turn publishes every event to the run's stream and ends it with a
``finished`` (or ``failed``) event. A delivery of a thread that is finished,
cancelled or run by someone else (the lease says who) ends at once; a thread
with checkpoints resumes from its last one, so finished LLM calls are never
made again.
"""

from __future__ import annotations

import asyncio
import logging
from decimal import Decimal

from tta_codegen.engine import Codegen
from tta_codegen.errors import CodegenError, ExitCode, ThreadBusyError
from tta_codegen.events import RunFinished
from tta_codegen.fleet.records import FleetRecords, RunRecord
from tta_codegen.fleet.wire import event_to_wire, finished_wire
from tta_codegen.result import RunResult
from tta_codegen.state import CodegenRequest, ReviewDecision

__all__ = ["run_turn"]

log = logging.getLogger("tta_codegen.fleet")

CANCEL_POLL_S = 0.25
"""How often a running turn checks for ``runs cancel``."""


async def run_turn(session: Codegen, records: FleetRecords, thread_id: str) -> str:
    """Run one turn of ``thread_id``; returns what happened (for the log)."""
    record = await records.get(thread_id)
    if record is None:
        return "unknown thread (no record)"
    if record.status in ("finished", "cancelled"):
        return f"already {record.status}"
    if await records.cancel_requested(thread_id):
        await _cancelled(session, records, thread_id)
        return "cancelled before it started"
    if record.batch and record.batch_max_cost is not None:
        spent = await records.batch_spent(record.batch)
        if spent >= record.batch_max_cost:
            await records.publish(
                thread_id,
                {
                    "type": "failed",
                    "status": "skipped",
                    "error": f"batch budget ${record.batch_max_cost} spent",
                    "code": "TTA302",
                    "exit_code": int(ExitCode.NO_MODEL),
                },
            )
            await records.set_status(thread_id, "finished")
            return "skipped: batch budget spent"
    holder = await session.leases.holder(thread_id)
    if holder is not None:
        return f"run by {holder}"
    await records.set_status(thread_id, "running", worker=session.holder)
    await records.publish(thread_id, {"type": "started", "worker": session.holder})
    runner = asyncio.create_task(_drive(session, records, record))
    watcher = asyncio.create_task(_watch_cancel(records, thread_id, runner))
    try:
        result = await runner
    except asyncio.CancelledError:
        if not await records.cancel_requested(thread_id):
            raise
        await _cancelled(session, records, thread_id)
        return "cancelled while running"
    except ThreadBusyError as exc:
        return f"not run: {exc.message}"
    except CodegenError as exc:
        await records.publish(
            thread_id,
            {
                "type": "failed",
                "status": "failed",
                "error": exc.message,
                "code": exc.code,
                "exit_code": int(exc.exit_code),
            },
        )
        await records.set_status(thread_id, "finished")
        return f"failed: {exc.code}"
    finally:
        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)
    if record.batch:
        await records.add_batch_spend(record.batch, Decimal(str(result.usage.cost_usd)))
    await records.set_status(thread_id, "finished")
    return result.status


async def _drive(
    session: Codegen, records: FleetRecords, record: RunRecord
) -> RunResult:
    thread_id = record.thread_id
    existing = await session.graph.aget_state(session.config(thread_id))
    request = (
        CodegenRequest.model_validate_json(record.request)
        if record.request and not existing.values
        else None
    )
    decision = (
        ReviewDecision.model_validate_json(record.decision)
        if record.decision and existing.interrupts
        else None
    )
    result: RunResult | None = None
    async for event in session.events(request, thread_id=thread_id, decision=decision):
        if isinstance(event, RunFinished):
            result = event.result
        await records.publish(thread_id, event_to_wire(event))
    assert result is not None
    return result


async def _watch_cancel(
    records: FleetRecords, thread_id: str, runner: asyncio.Task[RunResult]
) -> None:
    while not runner.done():
        await asyncio.sleep(CANCEL_POLL_S)
        if await records.cancel_requested(thread_id):
            runner.cancel()
            return


async def _cancelled(session: Codegen, records: FleetRecords, thread_id: str) -> None:
    existing = await session.graph.aget_state(session.config(thread_id))
    if existing.values:
        result = await session.result(thread_id)
        if result.status != "awaiting_review":
            result = result.model_copy(update={"status": "interrupted"})
    else:
        result = RunResult(thread_id=thread_id, status="interrupted")
    await records.publish(thread_id, finished_wire(result, note="cancelled"))
    await records.set_status(thread_id, "cancelled")
