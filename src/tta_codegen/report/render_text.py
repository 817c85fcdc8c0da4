"""The report as rich tables for the terminal (printed by the CLI)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tta_codegen.report.format import integer, pct, seconds, share, usd
from tta_codegen.report.metrics import DayCost, Distribution, ReportMetrics

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.table import Table

    from tta_codegen.report.build import Report

__all__ = ["report_renderables"]


def _table(title: str, *columns: str) -> Table:
    from rich.table import Table

    table = Table(*columns, title=title, title_justify="left", title_style="bold")
    for column in table.columns[1:]:
        column.justify = "right"
    return table


def _header(report: Report) -> str:
    window = f"since {report.since:%Y-%m-%d %H:%M} UTC" if report.since else "all runs"
    line = f"tta-codegen report: {report.metrics.runs} runs, {window} ({report.store})"
    if report.unreadable:
        line += f"; {len(report.unreadable)} unreadable thread(s) skipped"
    return line


def _outcomes(m: ReportMetrics) -> Table:
    table = _table("Outcomes", "metric", "value")
    statuses = ", ".join(f"{n} {s}" for s, n in m.status_counts.items()) or "-"
    table.add_row("runs", f"{m.runs} ({statuses})")
    table.add_row("components written", str(m.components_written))
    table.add_row("first-try gate pass", pct(m.first_try_pass))
    table.add_row("final gate pass", pct(m.final_pass))
    rounds = m.refinement_rounds
    table.add_row(
        "refinement rounds (mean / p95)", f"{_num(rounds.mean)} / {_num(rounds.p95)}"
    )
    table.add_row(
        "mutation score (median, runs)",
        f"{share(m.mutation_score.median)} ({m.mutation_score.count})",
    )
    edits = m.edits
    table.add_row(
        f"files edited <= {share(edits.threshold)} since",
        f"{pct(edits.minimal)}; {edits.missing} gone",
    )
    return table


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _times(m: ReportMetrics) -> Table:
    table = _table("Time", "", "runs", "median", "p95")
    _time_row(table, "per run (in nodes)", m.run_seconds)
    for node in m.node_times:
        _time_row(table, f"  {node.node}", node.seconds)
    return table


def _time_row(table: Table, label: str, dist: Distribution) -> None:
    table.add_row(label, str(dist.count), seconds(dist.median), seconds(dist.p95))


def _models(m: ReportMetrics) -> Table:
    table = _table(
        "Models", "model", "calls", "share", "tokens in/out", "cost", "fallbacks"
    )
    for u in m.models:
        cost = usd(u.cost_usd) + (
            f" +{u.unknown_cost_calls}?" if u.unknown_cost_calls else ""
        )
        table.add_row(
            u.model,
            str(u.calls),
            share(u.call_share),
            f"{u.input_tokens:,}/{u.output_tokens:,}",
            cost,
            str(u.fallbacks),
        )
    table.caption = f"fallback rate {pct(m.fallback)}"
    return table


def _costs(m: ReportMetrics) -> Table:
    table = _table("Cost", "", "value")
    table.add_row("total", usd(m.total_cost_usd))
    table.add_row(
        "per run (median / p95)",
        f"{usd(m.cost_per_run.median)} / {usd(m.cost_per_run.p95)}",
    )
    tokens = m.tokens_per_run
    table.add_row(
        "tokens per run (median / p95)",
        f"{integer(tokens.median)} / {integer(tokens.p95)}",
    )
    if m.unknown_cost_calls:
        table.add_row("calls of unknown cost", str(m.unknown_cost_calls))
    return table


def _days(days: tuple[DayCost, ...]) -> Table:
    table = _table("Cost per day (UTC)", "day", "runs", "cost", "daily budget")
    shown = [d for d in days if d.runs or d.over_budget]
    for day in shown:
        style = "bold red" if day.over_budget else None
        table.add_row(
            day.day.isoformat(),
            str(day.runs),
            usd(day.cost_usd),
            usd(day.budget_usd) if day.budget_usd is not None else "none",
            style=style,
        )
    over = sum(d.over_budget for d in days)
    table.caption = f"{len(days)} days, {len(shown)} with runs, {over} over budget"
    return table


def report_renderables(report: Report) -> list[RenderableType]:
    """Header line and tables, in print order."""
    m = report.metrics
    items: list[RenderableType] = [_header(report)]
    if not m.runs:
        items.append("no runs in this window")
        return items
    items += [_outcomes(m), _times(m), _costs(m), _models(m), _days(m.days)]
    return items
