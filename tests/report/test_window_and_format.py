"""The report's window option and how it writes numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tta_codegen.errors import InputError
from tta_codegen.report.build import parse_since
from tta_codegen.report.format import integer, pct, seconds, share, usd
from tta_codegen.report.metrics import Rate

pytestmark = [pytest.mark.unit]

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_since_accepts_periods_dates_and_all() -> None:
    assert parse_since("30d", NOW) == NOW - timedelta(days=30)
    assert parse_since(" 12h ", NOW) == NOW - timedelta(hours=12)
    assert parse_since("2W", NOW) == NOW - timedelta(weeks=2)
    assert parse_since("2026-11-01", NOW) == datetime(2026, 11, 1, tzinfo=UTC)
    offset = parse_since("2026-11-01T08:00:00+02:00", NOW)
    assert offset == datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
    assert parse_since("all", NOW) is None


@pytest.mark.parametrize("bad", ["", "30", "thirty days", "-3d", "2026-13-01"])
def test_since_refuses_anything_else_with_a_hint(bad: str) -> None:
    with pytest.raises(InputError, match="--since") as caught:
        parse_since(bad, NOW)
    assert "30d" in (caught.value.hint or "")


@pytest.mark.parametrize("far", ["99999999d", "100000000000w"])
def test_since_before_year_one_is_refused_not_a_crash(far: str) -> None:
    with pytest.raises(InputError, match="before year 1") as caught:
        parse_since(far, NOW)
    assert "all" in (caught.value.hint or "")


def test_numbers_as_the_report_writes_them() -> None:
    assert pct(Rate(25, 30)) == "83% (25/30)"
    assert pct(Rate(0, 0)) == "-"
    assert share(None) == "-" and share(0.1, 1) == "10.0%"
    assert seconds(0.8412) == "0.84 s" and seconds(12.34) == "12.3 s"
    assert seconds(725) == "12m 05s" and seconds(None) == "-"
    assert usd(Decimal("0")) == "$0"
    assert usd(Decimal("0.0141")) == "$0.0141"
    assert usd(0.000012) == "$0.000012"
    assert usd(Decimal("1234.5")) == "$1,234.50"
    assert integer(7275.4) == "7,275"
