"""The fleet commands: ``worker``, ``submit``, ``runs watch`` and ``runs cancel``
(``batch --fleet`` and ``resume --fleet`` queue through ``queue_turns``)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple

import typer

from tta_codegen.cli._common import err_console, run_async, settings_of
from tta_codegen.cli.options import (
    ContextTypeOption,
    JsonOption,
    ModelOption,
    NoStreamOption,
    QuietOption,
    ReviewOption,
    TaskArgument,
    TemplateOption,
    ThreadIdOption,
    VarOption,
)
from tta_codegen.errors import ExitCode

if TYPE_CHECKING:
    from tta_codegen.batch import PlannedTask
    from tta_codegen.settings import Settings
    from tta_codegen.state import CodegenRequest, ReviewDecision

__all__ = ["cancel", "queue_turns", "submit", "watch", "worker"]


def worker(
    ctx: typer.Context,
    concurrency: Annotated[
        int | None,
        typer.Option(min=1, max=256, help="Runs at once (default: fleet.concurrency)."),
    ] = None,
    queue: Annotated[
        str | None, typer.Option(help="Queue to take runs from (default: fleet.queue).")
    ] = None,
) -> None:
    """Run queued runs (from `submit`, `batch --fleet`, `resume --fleet`) until
    stopped; start one on each machine of the fleet."""
    from tta_codegen.fleet.config import fleet_settings  # noqa: PLC0415
    from tta_codegen.fleet.worker import run_worker  # noqa: PLC0415

    settings = fleet_settings(settings_of(ctx))
    code = run_worker(
        settings,
        concurrency=concurrency or settings.fleet.concurrency,
        queue=queue or settings.fleet.queue,
    )
    if code:
        raise typer.Exit(code)


def submit(
    ctx: typer.Context,
    task: TaskArgument = "",
    template: TemplateOption = None,
    var: VarOption = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Write the module here (on the worker's machine)."),
    ] = None,
    tests_out: Annotated[Path | None, typer.Option(help="Write the tests here.")] = (
        None
    ),
    thread_id: ThreadIdOption = None,
    model: ModelOption = None,
    max_iterations: Annotated[
        int | None,
        typer.Option(min=0, max=20, help="Refinement rounds after the first draft."),
    ] = None,
    review: ReviewOption = False,
    context: Annotated[
        list[Path] | None,
        typer.Option("--context", help="Folder or file to draw context from."),
    ] = None,
    context_type: ContextTypeOption = None,
) -> None:
    """Queue a generation on the fleet and print its thread id at once (follow it
    with `tta-codegen runs watch THREAD_ID`)."""
    from tta_codegen.engine import new_thread_id  # noqa: PLC0415
    from tta_codegen.inputs import build_request  # noqa: PLC0415

    settings = settings_of(ctx)
    request = build_request(
        settings,
        task=task,
        template=template,
        raw_vars=var or [],
        out=out,
        tests_out=tests_out,
        model=model,
        max_iterations=max_iterations,
        review=review,
        context=context or [],
        context_type=context_type,
        existing_tests=None,
    )
    target = thread_id or new_thread_id()
    queue_turns(settings, [(target, request)], decision=None)
    print(target)


def queue_turns(
    settings: Settings,
    turns: Sequence[tuple[str, CodegenRequest | None]],
    *,
    decision: ReviewDecision | None,
    batch: str | None = None,
    batch_max_cost: Decimal | None = None,
) -> None:
    """Queue each (thread id, request or None to resume) on the fleet."""
    from tta_codegen.fleet.client import submit_run  # noqa: PLC0415

    async def go() -> None:
        for thread_id, request in turns:
            await submit_run(
                settings,
                thread_id,
                request=request,
                decision=decision,
                batch=batch,
                batch_max_cost=batch_max_cost,
            )

    run_async(go())


class QueuedTask(NamedTuple):
    """What ``queue_batch`` did with one task."""

    task: PlannedTask
    note: str
    """``queued``, ``already <status>``, or why it was refused."""
    refused: bool = False


def queue_batch(
    settings: Settings,
    planned: Sequence[PlannedTask],
    *,
    batch: str,
    batch_max_cost: Decimal | None,
    resume: bool,
) -> list[QueuedTask]:
    """Queue a batch's tasks on the fleet, each on its own: a task that cannot
    be queued does not stop the others. With ``resume``, a task queued or run
    before is left as it is, except a cancelled one, which is queued again."""
    from tta_codegen.errors import CodegenError  # noqa: PLC0415
    from tta_codegen.fleet.client import open_records, submit_run  # noqa: PLC0415
    from tta_codegen.fleet.config import fleet_settings  # noqa: PLC0415

    async def go() -> list[QueuedTask]:
        async with open_records(fleet_settings(settings)) as records:
            before = {p.thread_id: await records.get(p.thread_id) for p in planned}
        outcomes: list[QueuedTask] = []
        for item in planned:
            record = before[item.thread_id]
            if record is not None and resume and record.status != "cancelled":
                outcomes.append(QueuedTask(item, f"already {record.status}"))
                continue
            try:
                await submit_run(
                    settings,
                    item.thread_id,
                    # a cancelled task of a resumed batch goes on from its
                    # checkpoint; any other known thread is refused as existing
                    request=None if record is not None and resume else item.request,
                    decision=None,
                    batch=batch,
                    batch_max_cost=batch_max_cost,
                )
            except CodegenError as exc:
                hint = " (finish the batch with --resume)" if record else ""
                note = f"{exc.code}: {exc.message}{hint}"
                outcomes.append(QueuedTask(item, note, refused=True))
                continue
            outcomes.append(QueuedTask(item, "queued"))
        return outcomes

    return run_async(go())


def watch(
    ctx: typer.Context,
    thread_id: Annotated[str, typer.Argument(help="A queued or running run.")],
    json_output: JsonOption = False,
    no_stream: NoStreamOption = False,
    quiet: QuietOption = False,
) -> None:
    """Follow a fleet run live (node, tokens, findings) from any machine; end
    with its result and exit code."""
    from tta_codegen.cli.generate import report_result  # noqa: PLC0415
    from tta_codegen.cli.live import LiveView  # noqa: PLC0415
    from tta_codegen.fleet.client import watch_run  # noqa: PLC0415
    from tta_codegen.fleet.wire import event_from_wire  # noqa: PLC0415
    from tta_codegen.result import RunResult  # noqa: PLC0415

    settings = settings_of(ctx)
    view = LiveView(thread_id, show_tokens=not no_stream, quiet=quiet)
    console = err_console()

    async def follow() -> tuple[RunResult | None, dict[str, object]]:
        last: dict[str, object] = {}
        async for doc in watch_run(settings, thread_id):
            last = doc
            kind = doc.get("type")
            if kind in ("queued", "started", "requeued") and not quiet:
                where = f" on {doc['worker']}" if kind == "started" else ""
                console.print(f"[fleet] {kind}{where}", markup=False)
                continue
            event = event_from_wire(doc)
            if kind == "finished" and event is not None:
                return event.result, doc  # type: ignore[union-attr]
            if event is not None:
                view.on_event(event)
        return None, last

    try:
        result, last = run_async(follow())
    except KeyboardInterrupt:
        print(f"\nstopped watching; the run goes on ({thread_id})", file=sys.stderr)
        raise typer.Exit(ExitCode.INTERRUPTED) from None
    if result is None:
        from tta_codegen.cli.main import print_error  # noqa: PLC0415

        print_error(str(last.get("code", "TTA999")), str(last.get("error", "")), None)
        raise typer.Exit(int(str(last.get("exit_code", 1))))
    if last.get("note") == "cancelled" and not quiet:
        console.print(
            f"cancelled; resume it with: tta-codegen resume {thread_id} [--fleet]",
            markup=False,
        )
    report_result(result, None, output_format="json" if json_output else None,
                  quiet=quiet)  # fmt: skip
    raise typer.Exit(result.exit_code)


def cancel(
    ctx: typer.Context,
    thread_id: Annotated[str, typer.Argument(help="A queued or running fleet run.")],
) -> None:
    """Stop a fleet run at its next step (resumable later with `resume`)."""
    from tta_codegen.fleet.client import cancel_run  # noqa: PLC0415

    status = run_async(cancel_run(settings_of(ctx), thread_id))
    print(f"cancel requested for {thread_id} ({status})")
