"""The report's charts as inline SVG, drawn with matplotlib.

matplotlib draws static SVG: no JavaScript, a few kilobytes a chart, text kept
as text (searchable, selectable), and nothing fetched when the page opens. Each
chart comes back as an ``<svg>`` element ready to inline in HTML, with its ids
prefixed so several charts can share one page, and without XML prologue,
metadata or namespace URLs.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from tta_codegen.errors import ConfigError
from tta_codegen.report.metrics import DayCost, NodeTime

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

__all__ = [
    "bar_shares_svg",
    "cost_per_day_svg",
    "edit_distribution_svg",
    "node_times_svg",
]

INK = "#1f2933"
MUTED = "#7b8794"
BLUE = "#2f6fde"
RED = "#d64545"
GREEN = "#2f9e69"
_RC: dict[RcKeyType, object] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "tta-codegen-report",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": INK,
    "ytick.color": INK,
}
_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_NAMESPACES = re.compile(r'\s+xmlns(?::xlink)?="[^"]*"')
_IDS = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _style() -> AbstractContextManager[None]:
    """The report's matplotlib style, for drawing and saving a chart."""
    try:
        import matplotlib
    except ImportError:
        raise ConfigError(
            "the HTML report needs matplotlib", hint="pip install matplotlib"
        ) from None
    return matplotlib.rc_context(_RC)


def _svg(figure: Figure, prefix: str, label: str) -> str:
    buffer = io.StringIO()
    figure.savefig(
        buffer,
        format="svg",
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
    )
    svg = _PROLOGUE.sub("", buffer.getvalue(), count=1)
    svg = _NAMESPACES.sub("", svg)
    svg = _IDS.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)
    return svg.replace(
        "<svg ", f'<svg role="img" aria-label="{label}" class="chart-svg" ', 1
    ).strip()


def _name_each(artists: Iterable[Artist], names: Sequence[str]) -> None:
    """Give each bar an id in the SVG (``<prefix>-<name>``) so it can be found."""
    for artist, name in zip(artists, names, strict=True):
        artist.set_gid(name)


def _percent_axis(axes: Axes, axis: str = "x") -> None:
    from matplotlib.ticker import PercentFormatter

    target = axes.xaxis if axis == "x" else axes.yaxis
    target.set_major_formatter(PercentFormatter(xmax=1.0))


def cost_per_day_svg(days: Sequence[DayCost]) -> str:
    """Bars of cost per UTC day; the daily budget as a dashed line; days over it
    in red."""
    with _style():
        figure = _figure(7.5, 2.8)
        axes = figure.add_subplot()
        labels = [d.day.strftime("%m-%d") for d in days]
        values = [float(d.cost_usd) for d in days]
        colours = [RED if d.over_budget else BLUE for d in days]
        bars = axes.bar(labels, values, color=colours)
        _name_each(bars, [f"day-{d.day.isoformat()}" for d in days])
        budget = next((d.budget_usd for d in days if d.budget_usd is not None), None)
        if budget is not None:
            axes.axhline(
                float(budget),
                color=RED,
                linestyle="--",
                linewidth=1.2,
                gid="budget-line",
            )
            axes.annotate(
                f"daily budget ${float(budget):.2f}",
                xy=(1, float(budget)),
                xycoords=("axes fraction", "data"),
                ha="right",
                va="bottom",
                color=RED,
            )
        axes.set_ylabel("USD")
        step = max(1, len(labels) // 12)
        axes.set_xticks(range(0, len(labels), step), labels[::step])
        axes.set_ylim(bottom=0, top=max([*values, float(budget or 0), 1e-6]) * 1.15)
        return _svg(figure, "cost", "Cost per day against the daily budget")


def bar_shares_svg(shares: Sequence[tuple[str, float | None]], label: str) -> str:
    """Horizontal bars of shares (0-1) with their percentage written at the end."""
    with _style():
        figure = _figure(7.5, 0.45 * len(shares) + 0.8)
        axes = figure.add_subplot()
        names = [name for name, _ in shares][::-1]
        values = [value or 0.0 for _, value in shares][::-1]
        bars = axes.barh(names, values, color=GREEN)
        _name_each(bars, [f"bar-{i}" for i in range(len(bars))])
        for bar, (_, value) in zip(bars, list(shares)[::-1], strict=True):
            text = "no data" if value is None else f"{value * 100:.0f}%"
            axes.text(
                bar.get_width() + 0.01,
                bar.get_y() + bar.get_height() / 2,
                text,
                va="center",
                color=INK,
            )
        axes.set_xlim(0, 1.12)
        _percent_axis(axes)
        return _svg(figure, "rates", label)


def node_times_svg(times: Sequence[NodeTime]) -> str:
    """Median seconds per node as bars, the 95th percentile as a tick."""
    with _style():
        figure = _figure(7.5, 0.38 * len(times) + 0.9)
        axes = figure.add_subplot()
        ordered = list(times)[::-1]
        names = [t.node for t in ordered]
        medians = [t.seconds.median or 0.0 for t in ordered]
        p95s = [t.seconds.p95 or 0.0 for t in ordered]
        bars = axes.barh(names, medians, color=BLUE, label="median")
        _name_each(bars, [f"node-{name}" for name in names])
        axes.scatter(p95s, names, marker="|", s=160, color=INK, label="p95", zorder=3)
        axes.set_xlabel("seconds per run")
        axes.legend(loc="lower right", frameon=False)
        return _svg(figure, "nodes", "Time per node: median and 95th percentile")


def edit_distribution_svg(values: Sequence[float], threshold: float) -> str:
    """Histogram of the share of each generated file changed since; the minimal-
    edit threshold as a dashed line."""
    with _style():
        from matplotlib.container import BarContainer

        figure = _figure(7.5, 2.6)
        axes = figure.add_subplot()
        bins = [i / 20 for i in range(21)]
        _, _, patches = axes.hist(
            list(values), bins=bins, color=BLUE, edgecolor="white"
        )
        if isinstance(patches, BarContainer):  # one data set: one bar per bin
            _name_each(patches, [f"bin-{i}" for i in range(len(bins) - 1)])
        axes.axvline(threshold, color=GREEN, linestyle="--", linewidth=1.2)
        axes.annotate(
            f"minimal edit <= {threshold * 100:.0f}%",
            xy=(threshold, 1),
            xycoords=("data", "axes fraction"),
            xytext=(4, -12),
            textcoords="offset points",
            color=GREEN,
        )
        axes.set_xlim(0, 1)
        _percent_axis(axes)
        axes.set_xlabel("share of the file changed since it was generated")
        axes.set_ylabel("files")
        return _svg(figure, "edits", "Distribution of edits to generated files")
