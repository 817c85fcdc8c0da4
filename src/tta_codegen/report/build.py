"""Build the report: read runs from the checkpoint store, measure edits, compute."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tta_codegen.checkpoints import open_configured_checkpointer, redact_url
from tta_codegen.errors import InputError
from tta_codegen.report.edits import FileEdit, measure_edits
from tta_codegen.report.load import load_records
from tta_codegen.report.metrics import ReportMetrics, compute_metrics
from tta_codegen.settings import Settings

__all__ = ["Report", "build_report", "parse_since"]

_SPAN = re.compile(r"^\s*(\d+)\s*([hdw])\s*$")
_UNIT = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


@dataclass(frozen=True, slots=True)
class Report:
    """What ``tta-codegen report`` shows."""

    metrics: ReportMetrics
    """Every metric."""
    since: datetime | None
    """Start of the window (None: every run in the store)."""
    generated_at: datetime
    """When the report was made (UTC)."""
    store: str
    """The checkpoint store read (password hidden)."""
    unreadable: tuple[str, ...]
    """Threads that could not be decoded."""
    edits: tuple[FileEdit, ...]
    """Each generated file and how much it changed since."""


def parse_since(text: str, now: datetime) -> datetime | None:
    """``30d``, ``12h``, ``2w``, a date (``2026-11-01``) or ``all`` (None)."""
    value = text.strip().lower()
    if value == "all":
        return None
    if match := _SPAN.match(value):
        try:
            return now - int(match.group(1)) * _UNIT[match.group(2)]
        except OverflowError:
            raise InputError(
                f"--since {text!r} reaches back before year 1",
                hint="use all for every run",
            ) from None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"--since {text!r} is not a period or a date",
            hint="use e.g. 30d, 12h, 2w, 2026-11-01 or all",
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


async def build_report(
    settings: Settings,
    *,
    since: datetime | None,
    root: Path,
    edit_threshold: float = 0.10,
    now: datetime | None = None,
) -> Report:
    """Read the runs since ``since`` from the configured checkpoint store and
    compute the report; relative paths of written files are read under ``root``."""
    now = now or datetime.now(UTC)
    async with open_configured_checkpointer(settings.checkpoints) as saver:
        loaded = await load_records(saver, since=since)
    edits = await measure_edits(loaded.records, root)
    metrics = compute_metrics(
        loaded.records,
        edits,
        daily_budget_usd=settings.budget.max_cost_per_day_usd,
        edit_threshold=edit_threshold,
        first_day=since.date() if since else None,
        last_day=now.date() if since else None,
    )
    return Report(
        metrics=metrics,
        since=since,
        generated_at=now,
        store=redact_url(settings.checkpoints.url or ""),
        unreadable=loaded.unreadable,
        edits=tuple(edits),
    )
