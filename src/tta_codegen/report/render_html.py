"""The report as one self-contained HTML file: inline CSS and SVG charts, no
scripts, nothing loaded from the network, so it opens offline and can be mailed."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from tta_codegen.report import charts
from tta_codegen.report.format import count_of, seconds, share, usd
from tta_codegen.report.metrics import ReportMetrics

if TYPE_CHECKING:
    from tta_codegen.report.build import Report
    from tta_codegen.report.edits import FileEdit

__all__ = ["render_html"]

_CSS = """
body{font-family:"DejaVu Sans",Verdana,sans-serif;color:#1f2933;margin:24px auto;
max-width:980px;padding:0 16px;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
.meta{color:#7b8794;font-size:13px}
.tiles{display:grid;grid-template-columns:repeat(4,1fr);gap:10px;margin-top:16px}
.tile{border:1px solid #e4e7eb;border-radius:6px;padding:10px 12px}
.tile .value{font-size:22px;font-weight:bold}.tile .label{font-size:12px;color:#52606d}
figure.chart{margin:0;border:1px solid #e4e7eb;border-radius:6px;padding:8px}
figure.chart figcaption{font-size:13px;font-weight:bold;margin-bottom:4px}
svg.chart-svg{width:100%;height:auto}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e4e7eb;padding:4px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}
tr.over td{color:#d64545;font-weight:bold}
"""


def _tile(value: str, label: str) -> str:
    return (
        f'<div class="tile"><div class="value">{escape(value)}</div>'
        f'<div class="label">{escape(label)}</div></div>'
    )


def _tiles(m: ReportMetrics) -> str:
    tiles = [
        _tile(str(m.runs), "runs"),
        _tile(str(m.components_written), "components written"),
        _tile(
            share(m.first_try_pass.value),
            f"first-try gate pass ({count_of(m.first_try_pass)} runs)",
        ),
        _tile(
            share(m.final_pass.value),
            f"final gate pass ({count_of(m.final_pass)} runs)",
        ),
        _tile(
            seconds(m.run_seconds.median),
            f"median run, p95 {seconds(m.run_seconds.p95)}",
        ),
        _tile(
            usd(m.total_cost_usd),
            f"total cost, median run {usd(m.cost_per_run.median)}",
        ),
        _tile(
            share(m.fallback.value),
            f"LLM calls after a fallback ({count_of(m.fallback)})",
        ),
        _tile(
            share(m.edits.minimal.value),
            f"files edited <= {share(m.edits.threshold)} since "
            f"({count_of(m.edits.minimal)})",
        ),
    ]
    return f'<section class="tiles">{"".join(tiles)}</section>'


def _figure(chart_id: str, caption: str, svg: str) -> str:
    return (
        f'<figure class="chart" id="chart-{chart_id}">'
        f"<figcaption>{escape(caption)}</figcaption>{svg}</figure>"
    )


def _table(
    head: list[str], rows: list[list[str]], classes: list[str] | None = None
) -> str:
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(
        f'<tr class="{(classes or [""] * len(rows))[i]}">'
        + "".join(f"<td>{escape(cell)}</td>" for cell in row)
        + "</tr>"
        for i, row in enumerate(rows)
    )
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def _charts(m: ReportMetrics) -> str:
    parts = [
        _figure(
            "cost-per-day",
            "Cost per day (UTC) and the daily budget",
            charts.cost_per_day_svg(m.days),
        )
        if m.days
        else "",
        _figure(
            "pass-rates",
            "Gate pass rates",
            charts.bar_shares_svg(
                [
                    ("first-try gate pass", m.first_try_pass.value),
                    ("final gate pass", m.final_pass.value),
                    ("median mutation score", m.mutation_score.median),
                    ("files minimally edited", m.edits.minimal.value),
                ],
                "Gate pass rates",
            ),
        ),
        _figure(
            "node-times",
            "Time per node (median bar, p95 tick)",
            charts.node_times_svg(m.node_times),
        )
        if m.node_times
        else "",
        _figure(
            "edit-distribution",
            "How much of each generated file people changed since",
            charts.edit_distribution_svg(m.edits.values, m.edits.threshold),
        )
        if m.edits.values
        else "",
    ]
    return "".join(parts)


def _model_table(m: ReportMetrics) -> str:
    rows = [
        [
            u.model,
            str(u.calls),
            share(u.call_share),
            f"{u.input_tokens:,} / {u.output_tokens:,}",
            usd(u.cost_usd),
            str(u.unknown_cost_calls),
            str(u.fallbacks),
        ]
        for u in m.models
    ]
    head = [
        "model",
        "calls",
        "share",
        "tokens in / out",
        "cost",
        "unknown cost",
        "fallbacks",
    ]
    return _table(head, rows)


def _day_table(m: ReportMetrics) -> str:
    days = [d for d in m.days if d.runs or d.over_budget]
    rows = [
        [
            d.day.isoformat(),
            str(d.runs),
            usd(d.cost_usd),
            usd(d.budget_usd) if d.budget_usd is not None else "none",
        ]
        for d in days
    ]
    classes = ["over" if d.over_budget else "" for d in days]
    return _table(["day", "runs", "cost", "daily budget"], rows, classes)


def _file_table(edits: tuple[FileEdit, ...]) -> str:
    rows = [
        [e.path, e.kind, e.thread_id, e.source, share(e.changed_share, 1)]
        for e in edits
    ]
    return _table(["file", "kind", "run", "read from", "changed since"], rows)


def render_html(report: Report) -> str:
    """The whole report page."""
    m = report.metrics
    window = f"since {report.since:%Y-%m-%d %H:%M} UTC" if report.since else "all runs"
    meta = (
        f"{m.runs} runs {window}; store {report.store}; "
        f"made {report.generated_at:%Y-%m-%d %H:%M} UTC"
    )
    body = [
        "<h1>tta-codegen report</h1>",
        f'<p class="meta">{escape(meta)}</p>',
        _tiles(m),
    ]
    if m.runs:
        body += [
            "<h2>Charts</h2>",
            _charts(m),
            "<h2>Models</h2>",
            _model_table(m),
            "<h2>Cost per day</h2>",
            _day_table(m),
            "<h2>Generated files</h2>",
            _file_table(report.edits),
        ]
    else:
        body.append("<p>No runs in this window.</p>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>tta-codegen report</title>"
        f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n"
    )
