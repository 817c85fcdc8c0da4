"""The HTML report is one file that opens offline and shows its charts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.browser import dump_dom, screenshot
from tests.report.sample_history import sample_report

from tta_codegen.report.render_html import render_html

pytestmark = [pytest.mark.integration]

CHARTS = ("cost-per-day", "pass-rates", "node-times", "edit-distribution")


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_html(sample_report()), encoding="utf-8")
    return path


def test_the_page_needs_nothing_from_the_network(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    assert re.search(r"https?:", html) is None
    assert re.search(r"<script|<link|<iframe|<img|@import|\bsrc=", html) is None
    for chart in CHARTS:
        assert f'id="chart-{chart}"' in html


def test_chromium_shows_every_chart_with_its_marks(page: Path) -> None:
    dom = dump_dom(page.as_uri())
    for chart in CHARTS:
        figure = re.search(
            rf'<figure class="chart" id="chart-{chart}">(.*?)</figure>', dom, re.DOTALL
        )
        assert figure is not None, chart
        assert "<svg" in figure.group(1)
    assert 'id="cost-budget-line"' in dom
    assert "daily budget $0.20" in dom
    assert len(re.findall(r'id="cost-day-2026-\d\d-\d\d"', dom)) == 31
    assert 'id="nodes-node-generate"' in dom
    assert len(re.findall(r'id="edits-bin-\d+"', dom)) == 20
    assert "first-try gate pass" in dom
    assert ">median mutation score<" in dom or "median mutation score" in dom
    # ids are unique across the inlined charts
    ids = re.findall(r'\bid="([^"]+)"', dom)
    assert len(ids) == len(set(ids))


def test_screenshot_of_the_report(page: Path, tmp_path: Path) -> None:
    shot = screenshot(page.as_uri(), tmp_path / "report.png", size=(1100, 1900))
    assert shot.stat().st_size > 50_000  # a blank page is a few kilobytes
