"""Batch runs: many generations in one process, one resumable thread each.

The task file (YAML) names the batch and its tasks; thread ids are
``<batch name>-<task id>``, so ``--resume`` can tell what is finished, what was
interrupted (resumed) and what never started.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tta_codegen.engine import Codegen
from tta_codegen.errors import CodegenError, InputError
from tta_codegen.inputs import build_request, refuse_existing
from tta_codegen.models.budget import used_up
from tta_codegen.result import RunResult
from tta_codegen.settings import Settings
from tta_codegen.state import CodegenRequest, RunStatus
from tta_codegen.utf8 import decode_utf8
from tta_codegen.yaml_text import load_yaml

__all__ = ["BatchFile", "BatchOutcome", "load_batch", "run_batch"]


class BatchTask(BaseModel):
    """One task of a batch file; the fields mirror ``generate``'s options."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    """Unique within the batch; part of the thread id."""
    task: str = ""
    template: str | None = None
    vars: dict[str, str] = Field(default_factory=dict)
    out: Path | None = None
    tests_out: Path | None = None
    model: str | None = None
    max_iterations: int | None = Field(default=None, ge=0, le=20)
    context: list[Path] = Field(default_factory=list)
    context_type: str | None = None


class BatchFile(BaseModel):
    """A batch: a name, defaults for every task, and the tasks."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="", pattern=r"^[A-Za-z0-9_.-]*$")
    """Prefix of every thread id; the file's stem when empty."""
    defaults: dict[str, object] = Field(default_factory=dict)
    tasks: list[BatchTask] = Field(min_length=1)


@dataclass(frozen=True)
class PlannedTask:
    """A task resolved into its thread id and request."""

    task_id: str
    thread_id: str
    request: CodegenRequest


BatchStatus = RunStatus | Literal["running", "skipped"]
"""A task's row: its run's status, or running, or skipped (batch budget spent)."""


@dataclass(frozen=True)
class BatchOutcome:
    """One row of the summary table."""

    task_id: str
    thread_id: str
    status: BatchStatus
    result: RunResult | None = None
    seconds: float = 0.0
    note: str = ""
    hint: str = ""
    """What to do about ``note`` (a task that could not start)."""


def load_batch(
    path: Path, settings: Settings, *, force: bool = False
) -> tuple[str, list[PlannedTask]]:
    """Read and validate a batch file; every task's input is checked up front."""
    try:
        raw = load_yaml(decode_utf8(path.read_bytes(), f"batch file {path}"))
    except OSError as exc:
        raise InputError(f"cannot read batch file {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"batch file {path} is not valid YAML: {exc}") from None
    if isinstance(raw, list):
        raw = {"tasks": raw}
    try:
        batch = BatchFile.model_validate(raw)
        tasks = [
            BatchTask.model_validate(
                {**batch.defaults, **t.model_dump(exclude_unset=True)}
            )
            for t in batch.tasks
        ]
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise InputError(f"batch file {path}: {loc}: {first['msg']}") from None
    ids = [t.id for t in tasks]
    if len(set(ids)) != len(ids):
        raise InputError(f"batch file {path}: task ids must be unique")
    name = batch.name or path.stem
    planned: list[PlannedTask] = []
    for task in tasks:
        try:
            request = build_request(
                settings,
                task=task.task,
                template=task.template,
                raw_vars=[f"{k}={v}" for k, v in task.vars.items()],
                out=task.out,
                tests_out=task.tests_out,
                model=task.model,
                max_iterations=task.max_iterations,
                review=False,
                # files in the way are checked when the task starts: a task
                # `--resume` continues may have written its own already
                force=True,
                context=task.context,
                context_type=task.context_type,
                existing_tests=None,
            )
        except InputError as exc:
            raise InputError(
                f"batch task {task.id!r}: {exc.message}", hint=exc.hint
            ) from None
        request = request.model_copy(update={"force": force})
        planned.append(PlannedTask(task.id, f"{name}-{task.id}", request))
    _refuse_shared_outputs(path, planned)
    return name, planned


def _refuse_shared_outputs(path: Path, planned: list[PlannedTask]) -> None:
    """InputError when two tasks would write the same file (the second would
    silently replace the first's)."""
    writers: dict[str, str] = {}
    for item in planned:
        for target in (item.request.out_path, item.request.tests_out_path):
            if target is None:
                continue
            first = writers.setdefault(target, item.task_id)
            if first != item.task_id:
                raise InputError(
                    f"batch file {path}: tasks {first!r} and {item.task_id!r} "
                    f"both write {target}",
                    hint="give each task its own out (and tests_out)",
                )


async def run_batch(
    session: Codegen,
    planned: list[PlannedTask],
    *,
    concurrency: int,
    max_cost_usd: Decimal | None = None,
    resume: bool = False,
    on_update: Callable[[BatchOutcome], None] = lambda outcome: None,
) -> list[BatchOutcome]:
    """Run the tasks, at most ``concurrency`` at once, sharing one session.

    Every call of every task holds its worst case against a shared
    ``max_cost_usd`` (a call that would exceed it is not made), and no task
    starts once the batch has spent it. With ``resume``, finished threads are
    reported as they are (their cost counts) and interrupted ones are continued.
    """
    gate = asyncio.Semaphore(max(1, concurrency))
    budget = session.resources.gateway.budget
    if max_cost_usd is not None:
        budget.share_batch_budget(max_cost_usd)

    async def one(item: PlannedTask) -> BatchOutcome:
        async with gate:
            spent = budget.batch_spent
            if (
                max_cost_usd is not None
                and spent is not None
                and used_up(spent, max_cost_usd)
            ):
                outcome = BatchOutcome(
                    item.task_id,
                    item.thread_id,
                    "skipped",
                    note=f"batch budget ${max_cost_usd} spent",
                )
                on_update(outcome)
                return outcome
            on_update(BatchOutcome(item.task_id, item.thread_id, "running"))
            started = time.monotonic()
            note = hint = ""
            try:
                result = await _run_or_resume(session, item, resume=resume)
            except CodegenError as exc:  # this task cannot run; the others go on
                note, hint = f"{exc.code}: {exc.message}", exc.hint or ""
                result = RunResult(
                    thread_id=item.thread_id,
                    status="failed",
                    error=exc.message,
                    error_kind=exc.kind,
                )
            outcome = BatchOutcome(
                item.task_id,
                item.thread_id,
                result.status,
                result,
                time.monotonic() - started,
                note,
                hint,
            )
            on_update(outcome)
            return outcome

    return list(await asyncio.gather(*(one(item) for item in planned)))


async def _run_or_resume(
    session: Codegen, item: PlannedTask, *, resume: bool
) -> RunResult:
    existing = await session.graph.aget_state(session.config(item.thread_id))
    if not existing.values:
        if not item.request.force:
            refuse_existing(
                [
                    Path(p)
                    for p in (item.request.out_path, item.request.tests_out_path)
                    if p is not None
                ]
            )
        return await session.run(item.request, thread_id=item.thread_id)
    if not resume:
        raise InputError(
            f"thread {item.thread_id} already exists",
            hint="finish the batch with --resume, or give the batch another name",
        )
    current = await session.result(item.thread_id)
    if current.status == "interrupted":
        return await session.run(thread_id=item.thread_id)
    session.resources.gateway.budget.count_batch_spend(
        Decimal(str(current.usage.cost_usd))
    )
    return current
