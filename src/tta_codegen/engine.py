"""A session that owns the run-scoped resources and drives the graph.

``Codegen.open(settings)`` opens the checkpointer, model gateway, prompt library
and sandbox once; ``events()`` runs or resumes one thread and yields typed
events; ``run()`` does the same and returns the result. Used by ``api`` and the
CLI (and by batch runs, which share one session).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Self

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.types import Command, StateSnapshot
from opentelemetry import trace

from tta_codegen.changes import journal_dir_of, recover
from tta_codegen.checkpoints import ensure_compatible, open_configured_checkpointer
from tta_codegen.checkpoints.lease import (
    LeaseStore,
    hold_lease,
    open_lease_store,
    process_holder,
)
from tta_codegen.errors import (
    InputError,
    ModelUnavailableError,
    NoUsableModelError,
    ThreadBusyError,
)
from tta_codegen.events import (
    Event,
    FindingFound,
    ModelsRanked,
    NodeFinished,
    NodeStarted,
    RouteChosen,
    RunFinished,
    TokenStreamed,
    UsageUpdated,
)
from tta_codegen.findings import Finding
from tta_codegen.graphs import CodegenGraph, build_graph
from tta_codegen.models import Catalog, ChatModels, ModelGateway
from tta_codegen.openhands.availability import require_sdk
from tta_codegen.result import RunResult, result_from_state
from tta_codegen.runtime import Resources, RunContext
from tta_codegen.settings import Settings
from tta_codegen.state import (
    CodegenRequest,
    CodegenState,
    LLMCall,
    RankedModel,
    ReviewDecision,
    RunStatus,
    usage_of,
)
from tta_codegen.task_size import bounded_task
from tta_codegen.telemetry.spans import run_span, span_ids

__all__ = ["Codegen", "new_thread_id"]

_DONE = object()


def new_thread_id() -> str:
    """A short, unique thread id."""
    return uuid.uuid4().hex[:12]


class Codegen:
    """One process's handle on the graph and everything its nodes use."""

    def __init__(
        self,
        settings: Settings,
        graph: CodegenGraph,
        resources: Resources,
        leases: LeaseStore,
        holder: str,
    ) -> None:
        self.settings = settings
        self.graph = graph
        self.resources = resources
        self.leases = leases
        """Run leases: one runner per thread, across processes and machines."""
        self.holder = holder
        """How this session names itself as a lease holder."""

    @classmethod
    @asynccontextmanager
    async def open(
        cls,
        settings: Settings,
        *,
        tracer: trace.Tracer | None = None,
        chat_models: ChatModels | None = None,
        role: str = "run",
    ) -> AsyncIterator[Self]:
        """Open the checkpointer and model gateway; close them on exit.

        ``chat_models`` answers the LLM calls instead of the configured
        providers (``tta_codegen.testing.FunctionChatModel`` in tests).
        ``role`` names this session in the run leases it takes (with host and
        process id), e.g. "resume" or "worker".
        """
        require_sdk(settings.openhands)
        recover(journal_dir_of(settings.state_dir))  # a write a killed run left
        tracer = tracer or trace.get_tracer("tta_codegen")
        async with (
            open_configured_checkpointer(settings.checkpoints) as saver,
            ModelGateway.open(
                settings, tracer=tracer, chat_models=chat_models
            ) as gateway,
            open_lease_store(settings) as leases,
        ):
            resources = Resources.create(settings, gateway=gateway, tracer=tracer)
            graph = build_graph(settings, checkpointer=saver)
            yield cls(settings, graph, resources, leases, process_holder(role))

    @staticmethod
    def config(thread_id: str) -> RunnableConfig:
        """The LangGraph config addressing one thread."""
        return {"configurable": {"thread_id": thread_id}}

    async def snapshot_values(self, thread_id: str) -> CodegenState:
        """The thread's latest state; InputError when the thread is unknown."""
        return (await self._known_snapshot(thread_id))[1]

    async def _known_snapshot(
        self, thread_id: str
    ) -> tuple[StateSnapshot, CodegenState]:
        """The thread's latest snapshot and its state, read once; InputError
        when the thread is unknown."""
        snapshot = await self.graph.aget_state(self.config(thread_id))
        if not snapshot.values:
            raise InputError(
                f"no run with thread id {thread_id!r}",
                hint="see `tta-codegen runs list`",
            )
        return snapshot, _state_of(snapshot.values)

    async def result(self, thread_id: str) -> RunResult:
        """The result of a thread as it stands now."""
        snapshot = await self.graph.aget_state(self.config(thread_id))
        values = _state_of(snapshot.values)
        status: RunStatus
        if snapshot.interrupts:
            status = "awaiting_review"
        elif snapshot.next:
            status = "interrupted"
        else:
            status = values.get("status", "failed")
        return result_from_state(thread_id, values, status=status)

    async def fork(
        self,
        thread_id: str,
        *,
        new_thread_id: str,
        checkpoint_id: str | None = None,
        model: str | None = None,
        max_iterations: int | None = None,
    ) -> RunResult:
        """Copy a thread, go back to one of its checkpoints (default: the latest),
        change the model and/or the refinement rounds, and run on from there as
        ``new_thread_id``. The original thread is left as it was."""
        await self.snapshot_values(thread_id)
        if model is not None:
            Catalog(self.settings).get(model)  # InputError naming close matches
        saver = self.graph.checkpointer
        assert isinstance(saver, BaseCheckpointSaver)
        if (await self.graph.aget_state(self.config(new_thread_id))).values:
            raise InputError(f"thread {new_thread_id!r} already exists")
        await saver.acopy_thread(thread_id, new_thread_id)
        config = self.config(new_thread_id)
        checkpoint_id = checkpoint_id or await self._last_decision_point(new_thread_id)
        if checkpoint_id is not None:
            config["configurable"].update(checkpoint_id=checkpoint_id, checkpoint_ns="")
        at = await self.graph.aget_state(config)
        if not at.values:
            raise InputError(
                f"thread {thread_id} has no checkpoint {checkpoint_id!r}",
                hint=f"see `tta-codegen runs history {thread_id}`",
            )
        values = _state_of(at.values)
        changes: dict[str, object] = {}
        if model is not None or max_iterations is not None:
            request = values["request"].model_copy(
                update={
                    k: v
                    for k, v in (("model", model), ("max_iterations", max_iterations))
                    if v is not None
                }
            )
            changes["request"] = request
        if model is not None:
            changes["ranking"] = [
                RankedModel(model=model, score=1.0, reasons=("fork --model",))
            ]
        if changes:
            await self.graph.aupdate_state(config, changes)
        return await self.run(thread_id=new_thread_id)

    async def _last_decision_point(self, thread_id: str) -> str | None:
        """The newest checkpoint where validate's router chose how to end the run
        (so a fork with more rounds or another model can choose again)."""
        async for snap in self.graph.aget_state_history(self.config(thread_id)):
            if snap.next in (("write_output",), ("review",)):
                return str(snap.config["configurable"]["checkpoint_id"])
        return None

    async def run(
        self,
        request: CodegenRequest | None = None,
        *,
        thread_id: str | None = None,
        decision: ReviewDecision | None = None,
    ) -> RunResult:
        """Run (or resume) a thread to its end and return the result."""
        result: RunResult | None = None
        async for event in self.events(request, thread_id=thread_id, decision=decision):
            if isinstance(event, RunFinished):
                result = event.result
        assert result is not None
        return result

    async def events(
        self,
        request: CodegenRequest | None = None,
        *,
        thread_id: str | None = None,
        decision: ReviewDecision | None = None,
    ) -> AsyncIterator[Event]:
        """Start a new run for ``request``, or resume ``thread_id`` when request is
        None (with ``decision`` answering a pending review). Yields progress
        events; the last one is always ``RunFinished``."""
        thread_id = thread_id or new_thread_id()
        queue: asyncio.Queue[Any] = asyncio.Queue()

        def lost() -> None:
            queue.put_nowait(
                ThreadBusyError(
                    f"lost the run lease of thread {thread_id} (this process "
                    f"stalled for more than fleet.lease_s); stopped",
                    hint=f"another process may have taken it over (`tta-codegen "
                    f"runs show {thread_id}`); if none did, `tta-codegen resume "
                    f"{thread_id}`",
                )
            )

        async with hold_lease(
            self.leases,
            thread_id,
            self.holder,
            self.settings.fleet.lease_s,
            on_lost=lost,
        ):
            async for event in self._leased_events(request, thread_id, decision, queue):
                yield event

    async def _leased_events(
        self,
        request: CodegenRequest | None,
        thread_id: str,
        decision: ReviewDecision | None,
        queue: asyncio.Queue[Any],
    ) -> AsyncIterator[Event]:
        prepared = await self._prepare(request, thread_id, decision)
        if prepared is None:
            yield RunFinished(await self.result(thread_id), ended_before=True)
            return
        graph_input, resume_ids = prepared
        producer = asyncio.create_task(
            self._produce(graph_input, thread_id, resume_ids, request, queue)
        )
        calls: list[LLMCall] = []  # this invocation's, for the running totals
        try:
            while (item := await queue.get()) is not _DONE:
                if isinstance(item, ModelUnavailableError):
                    yield RunFinished(await self._failed(thread_id, item))
                    return
                if isinstance(item, BaseException):
                    raise item
                mode, chunk = item
                if mode == "custom":
                    event = _custom_event(chunk)
                    if event is not None:
                        yield event
                    continue
                for update in chunk.values():
                    if isinstance(update, dict) and update.get("calls"):
                        calls += update["calls"]
                        yield UsageUpdated(usage_of(calls), calls[-1].model)
            yield RunFinished(await self.result(thread_id))
        finally:
            if not producer.done():
                producer.cancel()
                await asyncio.gather(producer, return_exceptions=True)

    async def _prepare(
        self,
        request: CodegenRequest | None,
        thread_id: str,
        decision: ReviewDecision | None,
    ) -> tuple[CodegenState | Command[Any] | None, tuple[str, str] | None] | None:
        """The graph's input and the trace to continue; None when resuming a
        run that has already ended (there is nothing to run)."""
        gateway = self.resources.gateway
        if request is not None:
            bounded_task(request.task, self.settings)
            gateway.require_callable(request.model)
            gateway.require_prompt_fits(
                request.task + (request.existing_tests or ""), request.model
            )
            existing = await self.graph.aget_state(self.config(thread_id))
            if existing.values:
                raise InputError(
                    f"thread {thread_id!r} already exists",
                    hint=f"resume it with `tta-codegen resume {thread_id}` "
                    "or pick another --thread-id",
                )
            state = request.with_absolute_paths().to_state()
            if self.settings.config_file is not None:
                state["config_file"] = str(self.settings.config_file)
            return state, None
        snapshot, values = await self._known_snapshot(thread_id)
        if decision is not None and not snapshot.interrupts:
            raise InputError(f"run {thread_id} is not awaiting review")
        if not snapshot.next:
            return None
        try:
            gateway.require_callable(values["request"].model)
        except NoUsableModelError as exc:
            started_with = values.get("config_file")
            if started_with and started_with != str(self.settings.config_file):
                exc.hint = (
                    f"the run was started with the config {started_with}: resume "
                    f"it with that one (--config {started_with}, or "
                    "TTA_CODEGEN_CONFIG)"
                )
            raise
        ids = (
            (values["trace_id"], values["root_span_id"])
            if values.get("trace_id") and values.get("root_span_id")
            else None
        )
        if snapshot.interrupts:
            if decision is None:
                raise InputError(
                    f"run {thread_id} is awaiting review",
                    hint=f"resume it with `tta-codegen resume {thread_id} --approve`"
                    " or `--reject`",
                )
            return Command(resume=decision.model_dump()), ids
        return None, ids

    async def _produce(
        self,
        graph_input: CodegenState | Command[Any] | None,
        thread_id: str,
        resume_ids: tuple[str, str] | None,
        request: CodegenRequest | None,
        queue: asyncio.Queue[Any],
    ) -> None:
        try:
            with run_span(
                self.resources.tracer,
                thread_id=thread_id,
                task=request.task if request else "",
                resume=resume_ids,
            ) as span:
                if isinstance(graph_input, dict) and span.get_span_context().is_valid:
                    graph_input["trace_id"], graph_input["root_span_id"] = span_ids(
                        span
                    )
                async for item in self.graph.astream(
                    graph_input,
                    self.config(thread_id),
                    context=RunContext(thread_id, self.resources),
                    stream_mode=["custom", "updates"],
                    durability="sync",
                ):
                    await queue.put(item)
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # forwarded to the consumer, which re-raises
            await queue.put(exc)
            return
        await queue.put(_DONE)

    async def _failed(self, thread_id: str, exc: ModelUnavailableError) -> RunResult:
        result = await self.result(thread_id)
        # not "failed": the run stopped before its end and resumes, as `runs
        # show` says of it later; error_kind gives why (exit 3)
        return result.model_copy(
            update={"status": "interrupted", "error": str(exc), "error_kind": exc.kind}
        )


def _state_of(values: object) -> CodegenState:
    """A snapshot's values as our state type: migrated from an older schema, or
    refused (CheckpointError) when written by a newer tta-codegen."""
    if not isinstance(values, dict) or not values:
        return {}
    return ensure_compatible(values)  # type: ignore[return-value]


def _custom_event(chunk: dict[str, Any]) -> Event | None:
    kind = chunk.get("event")
    if kind == "token":
        return TokenStreamed(chunk["node"], chunk["text"])
    if kind == "node_started":
        return NodeStarted(chunk["node"], chunk["iteration"])
    if kind == "node_finished":
        return NodeFinished(chunk["node"], chunk["seconds"])
    if kind == "finding":
        fields = {k: v for k, v in chunk.items() if k not in ("event", "fingerprint")}
        return FindingFound(Finding.model_validate(fields))
    if kind == "ranking":
        return ModelsRanked(tuple(chunk["models"]))
    if kind == "route":
        return RouteChosen(chunk["route"], chunk["reason"])
    return None
