"""The report as one JSON object (``tta-codegen report --json``)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from tta_codegen.report.metrics import DayCost, Rate

if TYPE_CHECKING:
    from tta_codegen.report.build import Report

__all__ = ["plain", "report_json"]

Json = None | bool | int | float | str | list["Json"] | dict[str, "Json"]


def plain(value: object) -> Json:
    """``value`` as JSON-ready data: Decimals as floats, dates as ISO text, rates
    with their value, dataclasses as objects."""
    if isinstance(value, Rate):
        return {"hits": value.hits, "total": value.total, "value": plain(value.value)}
    if isinstance(value, DayCost):
        return {
            **{
                f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
            },
            "over_budget": value.over_budget,
        }
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
        }
    if isinstance(value, Decimal):
        return round(float(value), 6)
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def report_json(report: Report) -> dict[str, Json]:
    """Window, store and every metric; files with their measured edits."""
    return {
        "generated_at": plain(report.generated_at),
        "since": plain(report.since),
        "store": report.store,
        "unreadable_threads": list(report.unreadable),
        "metrics": plain(report.metrics),
        "files": plain(list(report.edits)),
    }
