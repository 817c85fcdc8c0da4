"""A worker process: one session shared by every task it runs.

Celery runs tasks on a pool of threads (``fleet.concurrency``); they hand the
runs to one asyncio loop in a thread of its own, where the session (checkpointer,
gateway with its stats, breakers and budgets, sandbox) lives, as in ``batch``.
The same loop sweeps for runs whose worker died.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import threading
from collections.abc import Coroutine
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any

from tta_codegen.fleet.app import broker_connection, make_app, send_run
from tta_codegen.fleet.config import TASK_NAME, fleet_redis_url, fleet_settings
from tta_codegen.fleet.records import FleetRecords
from tta_codegen.fleet.sweeper import sweep_forever
from tta_codegen.fleet.turn import run_turn

if TYPE_CHECKING:
    from celery import Celery

    from tta_codegen.engine import Codegen
    from tta_codegen.settings import Settings

__all__ = ["WorkerRuntime", "run_worker"]

log = logging.getLogger("tta_codegen.fleet")

CELERY_CLI_ENV = (
    "BROKER_URL",
    "RESULT_BACKEND",
    "APP",
    "LOADER",
    "CONFIG_MODULE",
    "CELERY_BROKER_URL",
    "CELERY_BROKER_WRITE_URL",
    "CELERY_BROKER_READ_URL",
    "CELERY_RESULT_BACKEND",
)
"""Variables Celery's own command line would take its broker and app from."""


class WorkerRuntime:
    """The event loop thread, the session and the sweeper of one worker."""

    def __init__(self, settings: Settings, app: Celery) -> None:
        self.settings = fleet_settings(settings)
        self.app = app
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="tta-fleet-loop", daemon=True
        )
        self._stack = AsyncExitStack()
        self._session: Codegen | None = None
        self._records: FleetRecords | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self) -> None:
        """Open the session (blocking until it is ready)."""
        self._thread.start()
        self._call(self._open())

    def stop(self) -> None:
        """Close the session and stop the loop (once; later calls do nothing)."""
        if self._thread.is_alive() and not self._stopping:
            self._stopping = True
            self._call(self._close())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)

    def run(self, thread_id: str) -> str:
        """Run one turn of a thread (called from a Celery pool thread)."""
        return self._call(self._turn(thread_id))

    def _call[T](self, coro: Coroutine[Any, Any, T]) -> T:
        future: concurrent.futures.Future[T] = asyncio.run_coroutine_threadsafe(
            coro, self._loop
        )
        return future.result()

    async def _open(self) -> None:
        from tta_codegen.engine import Codegen  # noqa: PLC0415
        from tta_codegen.models._store import open_redis  # noqa: PLC0415
        from tta_codegen.telemetry import setup_tracing  # noqa: PLC0415

        tracing = self._stack.enter_context(setup_tracing(self.settings))
        self._session = await self._stack.enter_async_context(
            Codegen.open(self.settings, tracer=tracing.tracer(), role="worker")
        )
        redis = open_redis(fleet_redis_url(self.settings))
        self._stack.push_async_callback(redis.aclose)
        self._records = FleetRecords(redis, self.settings.checkpoints.key_prefix)
        self._sweeper = asyncio.create_task(
            sweep_forever(
                self._records,
                self._session.leases,
                self.settings.fleet.lease_s,
                lambda thread_id: send_run(self.app, self.settings, thread_id),
                self.settings.fleet.queue,
            )
        )

    async def _close(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)
        await self._stack.aclose()

    async def _turn(self, thread_id: str) -> str:
        assert self._session is not None and self._records is not None
        outcome = await run_turn(self._session, self._records, thread_id)
        log.info("%s: %s", thread_id, outcome)
        return outcome


def run_worker(settings: Settings, *, concurrency: int, queue: str) -> int:
    """Run a worker in this process until it is stopped (SIGTERM, Ctrl-C);
    returns Celery's exit code (not 0 when it stopped on an unrecoverable
    error). A broker that cannot be reached or refuses us stops it before it
    starts (``StoreUnavailableError``)."""
    from celery import signals  # noqa: PLC0415

    settings = settings.model_copy(
        update={
            "fleet": settings.fleet.model_copy(
                update={"concurrency": concurrency, "queue": queue}
            )
        }
    )
    app = make_app(settings)
    runtime = WorkerRuntime(settings, app)

    def run_thread(thread_id: str) -> str:
        return runtime.run(thread_id)

    app.task(name=TASK_NAME, acks_late=True, reject_on_worker_lost=True)(run_thread)

    def on_shutdown(**_: object) -> None:
        runtime.stop()

    signals.worker_shutdown.connect(on_shutdown, weak=False)
    for name in CELERY_CLI_ENV:  # the broker is fleet.broker_url, nothing else
        os.environ.pop(name, None)
    with broker_connection(app, settings):
        pass  # reached, and let in: Celery itself retries a dead broker at length
    runtime.start()
    try:
        code = app.start(
            [
                "worker",
                "--pool=threads",
                f"--concurrency={concurrency}",
                f"--queues={queue}",
                # a node name of its own: workers sharing a host and an AMQP broker
                # would fight over one node's exclusive control queue
                f"--hostname=tta-{os.getpid()}@%h",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ]
        )
    finally:
        runtime.stop()  # idempotent: Celery's shutdown signal may have done it
    return int(code or 0)
