"""The programmatic front: ``generate``, ``stream``, ``resume`` and ``submit``
(queue a run on the fleet; the handle streams its events and awaits its result).

Each call opens a ``Codegen`` session (checkpointer, model gateway, sandbox) for
its duration. Programs running many generations should open one session with
``Codegen.open(settings)`` and call ``run``/``events`` on it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

from opentelemetry.trace import Tracer

from tta_codegen.engine import Codegen, new_thread_id
from tta_codegen.events import Event
from tta_codegen.fleet.client import FleetRun, submit_run
from tta_codegen.result import RunResult
from tta_codegen.settings import Settings
from tta_codegen.state import CodegenRequest, ReviewDecision
from tta_codegen.telemetry import setup_tracing

__all__ = ["FleetRun", "generate", "resume", "stream", "submit"]


@contextmanager
def _tracer(settings: Settings, tracer: Tracer | None) -> Iterator[Tracer]:
    """The caller's tracer, or tracing set up from settings and OTEL_* for the
    duration of one call (local spans for ``trace show``, OTLP when configured)."""
    if tracer is not None:
        yield tracer
        return
    with setup_tracing(settings) as handle:
        yield handle.tracer()


async def generate(
    request: CodegenRequest,
    *,
    settings: Settings | None = None,
    thread_id: str | None = None,
    tracer: Tracer | None = None,
) -> RunResult:
    """Run one generation to its end (or to its review stop)."""
    settings = settings or Settings.load()
    with _tracer(settings, tracer) as active:
        async with Codegen.open(settings, tracer=active) as session:
            return await session.run(request, thread_id=thread_id)


async def stream(
    request: CodegenRequest,
    *,
    settings: Settings | None = None,
    thread_id: str | None = None,
    tracer: Tracer | None = None,
) -> AsyncIterator[Event]:
    """Run one generation, yielding typed events; the last is ``RunFinished``."""
    settings = settings or Settings.load()
    with _tracer(settings, tracer) as active:
        async with Codegen.open(settings, tracer=active) as session:
            async for event in session.events(request, thread_id=thread_id):
                yield event


async def resume(
    thread_id: str,
    *,
    settings: Settings | None = None,
    decision: ReviewDecision | None = None,
    tracer: Tracer | None = None,
) -> RunResult:
    """Continue an interrupted run, or answer its pending review."""
    settings = settings or Settings.load()
    with _tracer(settings, tracer) as active:
        async with Codegen.open(settings, tracer=active) as session:
            return await session.run(thread_id=thread_id, decision=decision)


async def submit(
    request: CodegenRequest | None = None,
    *,
    settings: Settings | None = None,
    thread_id: str | None = None,
    decision: ReviewDecision | None = None,
) -> FleetRun:
    """Queue a run on the fleet (``tta-codegen worker`` processes) and return at
    once. ``request`` None queues another turn of ``thread_id`` (a resume, with
    ``decision`` answering its review). ``await handle`` gives the result,
    ``handle.events()`` the live events, ``handle.cancel()`` stops it."""
    settings = settings or Settings.load()
    if request is None and thread_id is None:
        raise ValueError("submit needs a request or the thread_id to resume")
    target = thread_id or new_thread_id()
    await submit_run(settings, target, request=request, decision=decision)
    return FleetRun(settings, target)
