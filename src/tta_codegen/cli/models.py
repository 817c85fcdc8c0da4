"""``tta-codegen models``: the catalog, the ranking for a task, price refresh."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import typer

from tta_codegen.cli._common import run_async

if TYPE_CHECKING:
    from tta_codegen.models import ModelGateway
    from tta_codegen.settings import Settings

__all__ = ["app"]

app = typer.Typer(help="List, rank and refresh the models tta-codegen can use.")


def _settings(ctx: typer.Context) -> Settings:
    from tta_codegen.settings import Settings

    obj = ctx.obj
    return obj if isinstance(obj, Settings) else Settings.load()


def _run[T](ctx: typer.Context, work: Callable[[ModelGateway], Awaitable[T]]) -> T:
    """Run ``work`` on an open gateway."""

    from tta_codegen.models import ModelGateway

    async def main() -> T:
        async with ModelGateway.open(_settings(ctx)) as gateway:
            return await work(gateway)

    return run_async(main())


def _fmt(value: float | None, spec: str, suffix: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{suffix}"


def _price(value: Decimal | None) -> str:
    return "?" if value is None else f"{value.normalize():f}"


@app.command("list")
def list_models(
    ctx: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The catalog with priors and measured performance."""
    from rich.console import Console
    from rich.table import Table

    from tta_codegen.models import ModelStats

    async def work(gw: ModelGateway) -> list[dict[str, object]]:
        stats = await gw.stats.snapshot()
        task = gw.settings.generation.task_type
        rows: list[dict[str, object]] = []
        for entry in gw.catalog.all():
            s = stats.get(entry.id, ModelStats())
            rows.append(
                {
                    "id": entry.id,
                    "provider": entry.provider,
                    "free": entry.is_free,
                    "context_window": entry.context_window,
                    "input_cost_per_mtok": _price(entry.input_cost_per_mtok),
                    "output_cost_per_mtok": _price(entry.output_cost_per_mtok),
                    "quality": entry.quality,
                    "p50_ms": s.p50_ms,
                    "p95_ms": s.p95_ms,
                    "calls": s.calls,
                    "error_rate": s.error_rate,
                    "pass_rate": s.pass_rate(task),
                }
            )
        return rows

    rows = _run(ctx, work)
    if json_out:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(title="Models (prices: USD per million tokens)")
    for column in ("id", "provider", "free", "context", "in $", "out $", "prior"):
        table.add_column(column)
    for column in ("p50 ms", "p95 ms", "calls", "errors", "pass rate"):
        table.add_column(column, justify="right")
    for r in rows:
        quality = r["quality"]
        prior = quality.get("code_generation") if isinstance(quality, dict) else None
        table.add_row(
            str(r["id"]),
            str(r["provider"]),
            "yes" if r["free"] else "",
            f"{r['context_window']:,}",
            str(r["input_cost_per_mtok"]),
            str(r["output_cost_per_mtok"]),
            _fmt(prior, ".1f"),
            _fmt(r["p50_ms"], ".0f"),  # type: ignore[arg-type]
            _fmt(r["p95_ms"], ".0f"),  # type: ignore[arg-type]
            str(r["calls"]),
            _fmt(r["error_rate"], ".1%"),  # type: ignore[arg-type]
            _fmt(r["pass_rate"], ".0%"),  # type: ignore[arg-type]
        )
    Console().print(table)


@app.command("select")
def select(
    ctx: typer.Context,
    task_type: Annotated[
        str | None, typer.Option(help="Task type to rank for.")
    ] = None,
    max_latency_ms: Annotated[float | None, typer.Option(help="p95 limit.")] = None,
    min_quality: Annotated[
        float | None, typer.Option(help="Quality floor, 0-10.")
    ] = None,
    max_cost_per_mtok: Annotated[
        float | None, typer.Option(help="Blended USD per Mtok limit.")
    ] = None,
    prefer_free: Annotated[
        bool | None, typer.Option("--prefer-free/--no-prefer-free", help="Favour free.")
    ] = None,
    context_tokens: Annotated[int | None, typer.Option(help="Tokens needed.")] = None,
    capability: Annotated[
        list[str] | None, typer.Option("--capability", help="Required capability.")
    ] = None,
    explain: Annotated[bool, typer.Option(help="Show why each model ranks.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Rank the models for a task (eligible first, best first)."""
    from rich.console import Console

    from tta_codegen.models import ModelRequirements
    from tta_codegen.state import RankedModel

    async def work(gw: ModelGateway) -> list[RankedModel]:
        requirements = ModelRequirements.from_settings(
            gw.settings,
            task_type=task_type,
            max_latency_ms=max_latency_ms,
            min_quality_score=min_quality,
            max_cost_per_mtok=(
                None if max_cost_per_mtok is None else Decimal(str(max_cost_per_mtok))
            ),
            prefer_free=prefer_free,
            context_tokens_needed=context_tokens,
            required_capabilities=tuple(capability) if capability else None,
        )
        return await gw.select(requirements)

    ranking = _run(ctx, work)
    if json_out:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in ranking], indent=2))
        return
    console = Console()
    for place, ranked in enumerate(ranking, start=1):
        mark = f"{place:>2}." if ranked.eligible else " x."
        console.print(
            f"{mark} {ranked.model}  score {ranked.score:.2f}", highlight=False
        )
        if explain or not ranked.eligible:
            reasons = ranked.reasons if explain else ranked.reasons[:1]
            for reason in reasons:
                console.print(f"      - {reason}", highlight=False)


@app.command("refresh")
def refresh(
    ctx: typer.Context,
    provider: Annotated[str, typer.Option(help="Provider to query.")] = "openrouter",
) -> None:
    """Update prices and context windows from a provider's /models endpoint."""
    from tta_codegen.models import RefreshResult

    async def work(gw: ModelGateway) -> RefreshResult:
        return await gw.catalog.refresh(provider)

    result = _run(ctx, work)
    typer.echo(
        f"{result.provider}: {result.fetched} models listed; updated "
        f"{len(result.updated)} catalog entries"
        + (f" ({', '.join(result.updated)})" if result.updated else "")
    )
