"""Runs that live in the server, independent of the tool call that started them.

``RunService`` owns the server's one ``Codegen`` session and a task group in
which every run executes. A tool call follows its run for as long as it wants
(``wait_s``) and returns; the run goes on, and ``run_status`` or another
``follow`` picks it up. Closing the service cancels the runs still going: every
finished node is checkpointed, so ``resume`` continues them later.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Self

import anyio
from anyio.abc import TaskGroup

from tta_codegen.engine import Codegen, new_thread_id
from tta_codegen.errors import CodegenError, InputError
from tta_codegen.events import (
    Event,
    FindingFound,
    NodeStarted,
    RunFinished,
    TokenStreamed,
    UsageUpdated,
)
from tta_codegen.findings import Finding
from tta_codegen.result import RunResult
from tta_codegen.state import CodegenRequest, ReviewDecision, Usage
from tta_codegen.telemetry.redact import redact

__all__ = ["ActiveRun", "EventHandler", "RunService"]

log = logging.getLogger(__name__)

EventHandler = Callable[[Event], Awaitable[None]]
"""Called with each event a follower sees."""


class ActiveRun:
    """A run started by this server: its events so far and how it ended."""

    def __init__(self, thread_id: str) -> None:
        self.thread_id = thread_id
        """The run's thread id."""
        self.events: list[Event] = []
        """Every event but streamed tokens, in order."""
        self.node: str | None = None
        """The node running now."""
        self.iteration = 0
        """Refinement round of the running node."""
        self.model: str | None = None
        """Model of the latest LLM call."""
        self.findings: list[Finding] = []
        """Findings of the latest validate pass."""
        self.usage = Usage()
        """Tokens and cost so far."""
        self.result: RunResult | None = None
        """Set when the run reached its end (or its review stop)."""
        self.error: str | None = None
        """Set (redacted) when the run broke off with an error."""
        self._changed = anyio.Event()

    @property
    def finished(self) -> bool:
        """The run is no longer executing in this server."""
        return self.result is not None or self.error is not None

    def record(self, event: Event) -> None:
        """Take one event from the engine and wake the followers."""
        if isinstance(event, TokenStreamed):
            return
        if isinstance(event, NodeStarted):
            self.node, self.iteration = event.node, event.iteration
            if event.node == "validate":
                self.findings = []
        elif isinstance(event, FindingFound):
            self.findings.append(event.finding)
        elif isinstance(event, UsageUpdated):
            self.usage, self.model = event.usage, event.model or self.model
        elif isinstance(event, RunFinished):
            self.result, self.node = event.result, None
        self.events.append(event)
        self._wake()

    def fail(self, error: BaseException) -> None:
        """The run broke off with ``error`` (kept as one redacted line)."""
        if isinstance(error, CodegenError):
            text = f"error[{error.code}]: {error}"
        else:
            text = f"{type(error).__name__}: {error}"
        self.error, self.node = redact(" ".join(text.split())), None
        self._wake()

    def _wake(self) -> None:
        changed, self._changed = self._changed, anyio.Event()
        changed.set()

    async def follow(self, on_event: EventHandler, *, skip_past: bool) -> None:
        """Hand each event to ``on_event`` until the run finishes; with
        ``skip_past``, only events from now on."""
        seen = len(self.events) if skip_past else 0
        while True:
            changed = self._changed
            while seen < len(self.events):
                seen += 1
                await on_event(self.events[seen - 1])
            if self.finished:
                return
            await changed.wait()


class RunService:
    """Starts, follows and reports runs on one open ``Codegen`` session."""

    def __init__(self, session: Codegen) -> None:
        self.session = session
        """The session every run of this server uses."""
        self._runs: dict[str, ActiveRun] = {}
        self._group: TaskGroup | None = None

    async def __aenter__(self) -> Self:
        self._group = anyio.create_task_group()
        await self._group.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._group is not None
        self._group.cancel_scope.cancel()
        await self._group.__aexit__(exc_type, exc, tb)
        self._group = None

    def active(self, thread_id: str) -> ActiveRun | None:
        """The run with this id started by this server, if any."""
        return self._runs.get(thread_id)

    async def start(self, request: CodegenRequest, thread_id: str | None) -> ActiveRun:
        """Start a new run in the background; InputError if the id is taken."""
        thread_id = thread_id or new_thread_id()
        self._refuse_running(thread_id)
        snapshot = await self.session.graph.aget_state(self.session.config(thread_id))
        if snapshot.values:
            raise InputError(
                f"thread {thread_id!r} already exists",
                hint="pick another thread_id, or continue it with resume",
            )
        return self._spawn(thread_id, request, None)

    async def resume(
        self, thread_id: str, decision: ReviewDecision | None
    ) -> ActiveRun:
        """Continue a stopped run (answering its review with ``decision``)."""
        self._refuse_running(thread_id)
        await self.session.snapshot_values(thread_id)  # InputError when unknown
        status = (await self.session.result(thread_id)).status
        if status == "awaiting_review" and decision is None:
            raise InputError(
                f"run {thread_id} is awaiting review",
                hint="call resume with decision 'approve' or 'reject'",
            )
        if status != "awaiting_review" and decision is not None:
            raise InputError(
                f"run {thread_id} is not awaiting review (status {status})",
                hint="leave decision out to continue an interrupted run",
            )
        if status in ("succeeded", "failed") and decision is None:
            raise InputError(
                f"run {thread_id} already finished with status {status}",
                hint="see run_status for its result",
            )
        return self._spawn(thread_id, None, decision)

    def _refuse_running(self, thread_id: str) -> None:
        run = self._runs.get(thread_id)
        if run is not None and not run.finished:
            raise InputError(
                f"run {thread_id} is still running in this server",
                hint="follow it with run_status",
            )

    def _spawn(
        self,
        thread_id: str,
        request: CodegenRequest | None,
        decision: ReviewDecision | None,
    ) -> ActiveRun:
        if self._group is None:
            raise RuntimeError("RunService is not open")
        run = ActiveRun(thread_id)
        self._runs[thread_id] = run
        self._group.start_soon(self._drive, run, request, decision)
        return run

    async def _drive(
        self,
        run: ActiveRun,
        request: CodegenRequest | None,
        decision: ReviewDecision | None,
    ) -> None:
        try:
            async for event in self.session.events(
                request, thread_id=run.thread_id, decision=decision
            ):
                run.record(event)
        except Exception as exc:  # recorded on the run; the server keeps serving
            log.warning("run %s broke off: %s", run.thread_id, redact(str(exc)))
            run.fail(exc)
        if not run.finished:
            run.fail(RuntimeError("the run ended without a result"))
