"""``batch TASKS.yaml``: many generations in one process, with a summary."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tta_codegen.cli._common import err_console, out_console, run_async, settings_of
from tta_codegen.cli.options import ForceOption
from tta_codegen.errors import ExitCode

if TYPE_CHECKING:
    from tta_codegen.batch import BatchOutcome, PlannedTask
    from tta_codegen.settings import Settings

__all__ = ["batch"]


def batch(
    ctx: typer.Context,
    tasks_file: Annotated[Path, typer.Argument(help="YAML file listing the tasks.")],
    concurrency: Annotated[int, typer.Option(min=1, max=256, help="Runs at once.")] = 4,
    max_cost: Annotated[
        float | None,
        typer.Option(min=0, help="Shared budget for the whole batch, USD."),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Finish what an interrupted batch left.")
    ] = False,
    json_output: Annotated[bool, typer.Option("--json")] = False,
    force: ForceOption = False,
    fleet: Annotated[
        bool,
        typer.Option(
            "--fleet",
            help="Queue every task on the fleet and print the thread ids "
            "(--max-cost holds for the whole fleet).",
        ),
    ] = False,
) -> None:
    """Run every task of TASKS_FILE, each as its own resumable thread."""
    from tta_codegen.batch import load_batch  # noqa: PLC0415

    settings = settings_of(ctx)
    name, planned = load_batch(tasks_file, settings, force=force)
    budget = Decimal(str(max_cost)) if max_cost is not None else None
    if fleet:
        _queue_on_fleet(
            settings, name, planned, budget, resume=resume, json_output=json_output
        )
        return
    try:
        outcomes = run_async(_run(settings, planned, concurrency, budget, resume))
    except KeyboardInterrupt:
        print(
            f"\ninterrupted; finish the batch with:\n  tta-codegen batch "
            f"{tasks_file} --resume",
            file=sys.stderr,
        )
        raise typer.Exit(ExitCode.INTERRUPTED) from None
    _print_summary(name, outcomes, json_output=json_output)
    raise typer.Exit(_exit_code(outcomes))


def _queue_on_fleet(
    settings: Settings,
    name: str,
    planned: list[PlannedTask],
    budget: Decimal | None,
    *,
    resume: bool,
    json_output: bool,
) -> None:
    """Queue the tasks on the fleet; print each thread id queued (stdout) and
    what happened to the others (stderr), or one JSON object; exit 2 when a
    task could not be queued."""
    from tta_codegen.cli.fleet import queue_batch  # noqa: PLC0415

    outcomes = queue_batch(
        settings, planned, batch=name, batch_max_cost=budget, resume=resume
    )
    if json_output:
        import json  # noqa: PLC0415

        rows = [
            {"task": o.task.task_id, "thread_id": o.task.thread_id, "note": o.note}
            for o in outcomes
        ]
        print(json.dumps({"batch": name, "tasks": rows}))
    else:
        for o in outcomes:
            if o.note == "queued":
                print(o.task.thread_id)
            else:
                print(f"{o.task.task_id}: {o.note}", file=sys.stderr)
    if any(o.refused for o in outcomes):
        raise typer.Exit(ExitCode.BAD_INPUT)


async def _run(
    settings: Settings,
    planned: list[PlannedTask],
    concurrency: int,
    budget: Decimal | None,
    resume: bool,
) -> list[BatchOutcome]:
    from rich.progress import Progress  # noqa: PLC0415

    from tta_codegen.batch import run_batch  # noqa: PLC0415
    from tta_codegen.engine import Codegen  # noqa: PLC0415
    from tta_codegen.telemetry import setup_tracing  # noqa: PLC0415

    console = err_console()
    with (
        setup_tracing(settings) as tracing,
        Progress(console=console, transient=True) as progress,
    ):
        bar = progress.add_task("batch", total=len(planned))

        def on_update(outcome: BatchOutcome) -> None:
            if outcome.status != "running":
                progress.advance(bar)
            console.print(
                f"{outcome.task_id}: {outcome.status}"
                + (f" ({outcome.note})" if outcome.note else "")
                + (f"\n  hint: {outcome.hint}" if outcome.hint else ""),
                markup=False,
            )

        async with Codegen.open(settings, tracer=tracing.tracer()) as session:
            return await run_batch(
                session,
                planned,
                concurrency=concurrency,
                max_cost_usd=budget,
                resume=resume,
                on_update=on_update,
            )


def _exit_code(outcomes: list[BatchOutcome]) -> int:
    """The worst exit code of the tasks; a task skipped for the batch budget
    counts as a budget stop."""
    from tta_codegen.errors import BudgetExceededError  # noqa: PLC0415

    codes = [o.result.exit_code for o in outcomes if o.result is not None]
    if any(o.status == "skipped" for o in outcomes):
        codes.append(BudgetExceededError.exit_code)
    return max(codes, default=0)


def _print_summary(
    name: str, outcomes: list[BatchOutcome], *, json_output: bool
) -> None:
    if json_output:
        import json  # noqa: PLC0415

        rows = [
            {
                "task": o.task_id,
                "thread_id": o.thread_id,
                "status": o.status,
                "note": o.note,
                "hint": o.hint,
                "seconds": round(o.seconds, 3),
                "result": o.result.model_dump(mode="json") if o.result else None,
            }
            for o in outcomes
        ]
        print(json.dumps({"batch": name, "tasks": rows}))
        return
    from rich.table import Table  # noqa: PLC0415

    table = Table(
        "task",
        "thread",
        "status",
        "model",
        "rounds",
        "cost $",
        "time s",
        title=f"batch {name}",
    )
    total = 0.0
    for o in outcomes:
        r = o.result
        cost = r.usage.cost_usd if r else 0.0
        total += cost
        table.add_row(
            o.task_id,
            o.thread_id,
            o.status,
            (r.model if r else None) or "-",
            str(r.iterations) if r else "-",
            f"{cost:.6f}",
            f"{o.seconds:.1f}",
        )
    table.add_row("total", "", "", "", "", f"{total:.6f}", "")
    out_console().print(table)
