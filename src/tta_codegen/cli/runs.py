"""``runs list | show | history``: what ran, what it cost, where it stopped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from tta_codegen.cli._common import out_console, run_async, settings_of
from tta_codegen.cli.options import JsonOption

__all__ = ["app"]

app = typer.Typer(no_args_is_help=True)


def _age(ts: datetime | None) -> str:
    if ts is None:
        return "-"
    seconds = int((datetime.now(UTC) - ts).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _print_json(rows: Sequence[object]) -> None:
    """One JSON array of ``rows`` (dataclasses; times in ISO 8601) on stdout."""
    from pydantic import TypeAdapter  # noqa: PLC0415

    print(TypeAdapter(list[Any]).dump_json(list(rows)).decode())


@app.command("list")
def list_(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, help="At most this many runs.")] = 50,
    json_output: JsonOption = False,
) -> None:
    """Runs, newest first: thread, task, status, model, cost, age."""
    from rich.table import Table  # noqa: PLC0415

    from tta_codegen.engine import Codegen  # noqa: PLC0415
    from tta_codegen.history import RunSummary, list_runs  # noqa: PLC0415

    async def load() -> list[RunSummary]:
        async with Codegen.open(settings_of(ctx)) as session:
            return await list_runs(session, limit=limit)

    rows = run_async(load())
    if json_output:
        _print_json(rows)
        return
    table = Table("thread", "task", "status", "model", "cost $", "age")
    for row in rows:
        task = row.task.splitlines()[0][:48] if row.task else ""
        table.add_row(
            row.thread_id,
            task,
            row.status,
            row.model or "-",
            f"{row.cost_usd:.6f}",
            _age(row.updated_at),
        )
    out_console().print(table)


@app.command("show")
def show(
    ctx: typer.Context,
    thread_id: Annotated[str, typer.Argument()],
    code: Annotated[
        bool,
        typer.Option(help="Also print the code and tests (an edit run's diffs)."),
    ] = False,
    json_output: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """One run's result: status, model, cost, findings, calls (and --code)."""
    from tta_codegen.engine import Codegen  # noqa: PLC0415
    from tta_codegen.result import RunResult  # noqa: PLC0415

    async def load() -> RunResult:
        async with Codegen.open(settings_of(ctx)) as session:
            await session.snapshot_values(thread_id)
            return await session.result(thread_id)

    result = run_async(load())
    if json_output:
        print(result.model_dump_json())
        return
    from tta_codegen.cli.summary import print_summary  # noqa: PLC0415

    print_summary(result)
    console = out_console()
    for call in result.calls:
        cost = "unknown" if call.cost_usd is None else f"${call.cost_usd}"
        console.print(
            f"  call {call.node:<15} {call.model} {call.latency_ms:.0f} ms "
            f"in/out {call.input_tokens}/{call.output_tokens} {cost} "
            f"({call.template})",
            markup=False,
        )
    if code and result.changes:
        console.print("".join(c.diff for c in result.changes), markup=False, end="")
    elif code:
        console.print(f"# --- {result.code_path or 'code'}", markup=False)
        console.print(result.code or "", markup=False)
        console.print(f"# --- {result.tests_path or 'tests'}", markup=False)
        console.print(result.tests or "", markup=False)


@app.command("history")
def history(
    ctx: typer.Context,
    thread_id: Annotated[str, typer.Argument()],
    json_output: JsonOption = False,
) -> None:
    """Each checkpoint of a run: step, node, time, iteration (whole checkpoint
    ids with --json, for `runs fork --checkpoint`)."""
    from rich.table import Table  # noqa: PLC0415

    from tta_codegen.engine import Codegen  # noqa: PLC0415
    from tta_codegen.history import CheckpointSummary, checkpoint_history  # noqa: PLC0415

    async def load() -> list[CheckpointSummary]:
        async with Codegen.open(settings_of(ctx)) as session:
            return await checkpoint_history(session, thread_id)

    rows = run_async(load())
    if json_output:
        _print_json(rows)
        return
    table = Table("step", "checkpoint", "node", "time (UTC)", "round")
    for row in rows:
        when = row.created_at.strftime("%Y-%m-%d %H:%M:%S") if row.created_at else "-"
        table.add_row(
            str(row.step), row.checkpoint_id, row.node, when, str(row.iteration)
        )
    out_console().print(table)


@app.command("fork")
def fork(
    ctx: typer.Context,
    thread_id: Annotated[str, typer.Argument(help="The run to fork.")],
    new_thread_id: Annotated[
        str | None,
        typer.Option("--thread-id", help="Id of the new thread (default: generated)."),
    ] = None,
    checkpoint: Annotated[
        str | None,
        typer.Option(
            help="Checkpoint to go back to (see `runs history`); default: where the "
            "run last decided how to end."
        ),
    ] = None,
    model: Annotated[str | None, typer.Option(help="Continue with this model.")] = None,
    max_iterations: Annotated[
        int | None,
        typer.Option(min=0, max=20, help="Refinement rounds allowed in the fork."),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Continue a run from an earlier checkpoint with another model or more rounds,
    as a new thread (the original stays as it was)."""
    from tta_codegen.engine import Codegen  # noqa: PLC0415
    from tta_codegen.engine import new_thread_id as make_id
    from tta_codegen.result import RunResult  # noqa: PLC0415
    from tta_codegen.telemetry import setup_tracing  # noqa: PLC0415

    settings = settings_of(ctx)
    target = new_thread_id or make_id()

    async def go() -> RunResult:
        with setup_tracing(settings) as tracing:
            async with Codegen.open(settings, tracer=tracing.tracer()) as session:
                return await session.fork(
                    thread_id,
                    new_thread_id=target,
                    checkpoint_id=checkpoint,
                    model=model,
                    max_iterations=max_iterations,
                )

    result = run_async(go())
    if json_output:
        print(result.model_dump_json())
    else:
        from tta_codegen.cli.summary import print_summary  # noqa: PLC0415

        print_summary(result)
    raise typer.Exit(result.exit_code)
