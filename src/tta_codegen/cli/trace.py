"""``tta-codegen trace show THREAD_ID``: a run's span tree from the local store."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.text import Text
    from rich.tree import Tree

    from tta_codegen.settings import Settings
    from tta_codegen.telemetry.local_store import SpanRecord

app = typer.Typer(
    name="trace",
    help="Inspect the spans recorded for a run (no Jaeger needed).",
    no_args_is_help=True,
)


@app.callback()
def _group() -> None:
    """Inspect the spans recorded for a run."""


def _settings(ctx: typer.Context) -> Settings:
    from tta_codegen.settings import Settings

    if isinstance(ctx.obj, Settings):
        return ctx.obj
    return Settings.load()


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def span_summary(record: SpanRecord) -> dict[str, Any]:
    """Model, tokens, cost and outcome of one span (None when absent)."""
    from tta_codegen.telemetry import genai
    from tta_codegen.telemetry.spans import TTA_OUTCOME

    attrs = record.attributes
    model = attrs.get(genai.GEN_AI_RESPONSE_MODEL) or attrs.get(
        genai.GEN_AI_REQUEST_MODEL
    )
    input_tokens = _number(attrs.get(genai.GEN_AI_USAGE_INPUT_TOKENS))
    output_tokens = _number(attrs.get(genai.GEN_AI_USAGE_OUTPUT_TOKENS))
    return {
        "model": model if isinstance(model, str) else None,
        "input_tokens": int(input_tokens) if input_tokens is not None else None,
        "output_tokens": int(output_tokens) if output_tokens is not None else None,
        "cost_usd": _number(attrs.get(genai.TTA_COST_USD)),
        "outcome": attrs.get(TTA_OUTCOME),
    }


def trace_totals(records: list[SpanRecord]) -> dict[str, Any]:
    """Totals over a thread's spans: LLM calls, tokens, cost, run wall time."""
    from tta_codegen.telemetry.spans import RUN_SPAN_NAME

    summaries = [span_summary(r) for r in records]
    runs = [r for r in records if r.name == RUN_SPAN_NAME]
    if runs:
        wall = sum(r.duration_s for r in runs)
    else:
        wall = (max(r.end_ns for r in records) - min(r.start_ns for r in records)) / 1e9
    return {
        "spans": len(records),
        "runs": len(runs),
        "llm_calls": sum(1 for s in summaries if s["input_tokens"] is not None),
        "input_tokens": sum(s["input_tokens"] or 0 for s in summaries),
        "output_tokens": sum(s["output_tokens"] or 0 for s in summaries),
        "cost_usd": round(sum(s["cost_usd"] or 0.0 for s in summaries), 6),
        "duration_s": round(wall, 3),
    }


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _label(record: SpanRecord) -> Text:
    from rich.text import Text

    from tta_codegen.telemetry.genai import TTA_ITERATION

    summary = span_summary(record)
    text = Text(record.name, style="bold red" if record.status == "ERROR" else "bold")
    text.append(f"  {_duration(record.duration_s)}", style="cyan")
    iteration = record.attributes.get(TTA_ITERATION)
    if isinstance(iteration, int) and not isinstance(iteration, bool) and iteration:
        text.append(f"  iter {iteration}")
    if summary["model"] and summary["model"] not in record.name:
        text.append(f"  {summary['model']}", style="magenta")
    if summary["input_tokens"] is not None or summary["output_tokens"] is not None:
        text.append(
            f"  tokens {summary['input_tokens'] or 0} in / "
            f"{summary['output_tokens'] or 0} out"
        )
    if summary["cost_usd"] is not None:
        text.append(f"  ${summary['cost_usd']:.6f}", style="green")
    if summary["outcome"]:
        text.append(f"  [{summary['outcome']}]", style="yellow")
    if record.status == "ERROR" and record.status_description:
        text.append(f"  {record.status_description[:200]}", style="red")
    return text


def build_tree(thread_id: str, records: list[SpanRecord]) -> Tree:
    """A rich Tree of ``records`` (children under their parents, by start time)."""
    from rich.tree import Tree

    ids = {r.span_id for r in records}
    children: dict[str | None, list[SpanRecord]] = {}
    for record in records:
        parent = record.parent_span_id if record.parent_span_id in ids else None
        children.setdefault(parent, []).append(record)

    root = Tree(f"thread {thread_id}")

    def add(node: Tree, parent: str | None) -> None:
        for record in sorted(children.get(parent, []), key=lambda r: r.start_ns):
            add(node.add(_label(record)), record.span_id)

    add(root, None)
    return root


@app.command("show")
def show(
    ctx: typer.Context,
    thread_id: Annotated[str, typer.Argument(help="The run's thread id.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the spans as one JSON object.")
    ] = False,
) -> None:
    """Print the span tree of THREAD_ID with durations, models, tokens and cost."""
    from rich.console import Console

    from tta_codegen.errors import InputError
    from tta_codegen.telemetry.local_store import load_trace, trace_path

    settings = _settings(ctx)
    records = load_trace(settings.state_dir, thread_id)
    if not records:
        where = trace_path(settings.state_dir, thread_id).parent
        raise InputError(
            f"no spans recorded for thread {thread_id!r} in {where}",
            hint="see `tta-codegen runs list`",
        )
    totals = trace_totals(records)
    if as_json:
        spans = [
            {**r.to_json(), "duration_s": round(r.duration_s, 6), **span_summary(r)}
            for r in records
        ]
        payload = {
            "thread_id": thread_id,
            "trace_ids": sorted({r.trace_id for r in records}),
            "totals": totals,
            "spans": spans,
        }
        typer.echo(json.dumps(payload))
        return
    console = Console(highlight=False)
    console.print(build_tree(thread_id, records))
    console.print(
        f"total: {totals['runs']} run(s), {totals['spans']} spans, "
        f"{totals['llm_calls']} LLM calls, tokens {totals['input_tokens']} in / "
        f"{totals['output_tokens']} out, ${totals['cost_usd']:.6f}, "
        f"{totals['duration_s']:.3f} s",
        markup=False,
        soft_wrap=True,
    )


def _thread_trace_id(settings: Settings, thread_id: str) -> str | None:
    from tta_codegen.telemetry.local_store import load_trace

    records = load_trace(settings.state_dir, thread_id)
    return records[0].trace_id if records else None


@app.command("open")
def open_viewer(
    ctx: typer.Context,
    thread_id: Annotated[
        str | None, typer.Argument(help="Also print the link to this run's trace.")
    ] = None,
    port: Annotated[
        int, typer.Option(min=1, max=65535, help="Phoenix's port (UI and OTLP/HTTP).")
    ] = 6006,
    env: Annotated[
        bool,
        typer.Option(
            "--env",
            help='Print only the export line, for: eval "$(tta-codegen trace open '
            '--env)"',
        ),
    ] = False,
    timeout: Annotated[
        float, typer.Option(min=1, help="Seconds to wait for Phoenix to start.")
    ] = 120.0,
) -> None:
    """Start (or reuse) a local Phoenix trace viewer and say how to send runs to
    it. No Docker needed: pip install 'tta-codegen[phoenix]'."""
    from tta_codegen.telemetry.phoenix import open_phoenix  # noqa: PLC0415

    settings = _settings(ctx)
    server = open_phoenix(settings.state_dir, port=port, timeout_s=timeout)
    how = f"started, pid {server.pid}" if server.started else "already running"
    export = f"export OTEL_EXPORTER_OTLP_ENDPOINT={server.otlp_endpoint}"
    info = [f"Phoenix {server.version} at {server.url} ({how})"]
    if server.started:
        info.append(
            f"data and log in {server.workdir}; stop it: tta-codegen trace close"
        )
    if not env:
        info += ["Send the next runs' traces to it (this shell):", f"  {export}"]
    if thread_id is not None:
        trace_id = _thread_trace_id(settings, thread_id)
        info.append(
            f"trace of {thread_id}: {server.trace_url(trace_id)}"
            if trace_id
            else f"no local spans of thread {thread_id} (its trace is in Phoenix only "
            "if it ran with the export line set)"
        )
    typer.echo("\n".join(info), err=env)
    if env:
        typer.echo(export)


@app.command("close")
def close_viewer(ctx: typer.Context) -> None:
    """Stop the Phoenix that `trace open` started."""
    from tta_codegen.telemetry.phoenix import stop_phoenix  # noqa: PLC0415

    pid = stop_phoenix(_settings(ctx).state_dir)
    typer.echo(
        f"stopped Phoenix (pid {pid})" if pid else "no Phoenix of ours is running"
    )
