"""``tta-codegen report`` over real CLI runs, as a user runs it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tests.browser import dump_dom
from tests.cli_runner import run_cli
from tests.samples import (
    BUGGY_CODE,
    GOOD_CODE,
    GOOD_TESTS,
    fenced,
    with_final_checks,
)

from tta_codegen.testing import FakeOpenAIServer, Reply

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def project(fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path) -> Path:
    """A folder where two runs wrote modules; one module was edited since."""
    folder = tmp_path / "project"
    folder.mkdir()
    with_final_checks(config_file)
    fake_llm.script(
        Reply(content=fenced(BUGGY_CODE), cost_usd=0.02),
        Reply(content=fenced(GOOD_CODE), cost_usd=0.03),
        Reply(content=fenced(GOOD_TESTS), cost_usd=0.01),
        Reply(content=fenced(GOOD_CODE), cost_usd=0.02),
        Reply(content=fenced(GOOD_TESTS.replace("calc", "calc2")), cost_usd=0.01),
    )
    for thread, out in (("first", "calc.py"), ("second", "calc2.py")):
        done = run_cli(
            "generate", "Add two integers.", "--out", out, "--thread-id", thread,
            "--quiet", config=config_file, cwd=folder,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    calc = folder / "calc.py"
    calc.write_text(calc.read_text() + "\n\nANSWER = add(40, 2)\n")
    return folder


def test_report_of_two_cli_runs(
    project: Path, config_file: Path, tmp_path: Path
) -> None:
    _json_report(project, config_file)
    _text_report(project, config_file)
    _html_report(project, config_file, tmp_path / "out" / "report.html")


def _json_report(project: Path, config_file: Path) -> None:
    done = run_cli("report", "--json", config=config_file, cwd=project)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    metrics = report["metrics"]
    assert metrics["runs"] == 2
    assert metrics["status_counts"] == {"succeeded": 2}
    assert metrics["components_written"] == 2
    assert metrics["first_try_pass"] == {"hits": 1, "total": 2, "value": 0.5}
    assert metrics["final_pass"]["value"] == 1.0
    assert metrics["refinement_rounds"]["max"] == 1
    assert metrics["total_cost_usd"] == pytest.approx(0.09)
    assert sum(m["calls"] for m in metrics["models"]) == 5  # selection may vary
    assert sum(m["call_share"] for m in metrics["models"]) == pytest.approx(1.0)
    assert metrics["fallback"] == {"hits": 0, "total": 5, "value": 0.0}
    (today,) = [d for d in metrics["days"] if d["runs"]]
    assert today["budget_usd"] == 5.0 and not today["over_budget"]
    assert len(metrics["days"]) >= 30
    assert metrics["mutation_score"]["count"] == 2
    files = {Path(f["path"]).name: f for f in report["files"]}
    assert set(files) == {"calc.py", "test_calc.py", "calc2.py", "test_calc2.py"}
    assert 0 < files["calc.py"]["changed_share"] < 0.5
    assert files["calc2.py"]["changed_share"] == 0.0
    assert metrics["edits"]["minimal"] == {"hits": 3, "total": 4, "value": 0.75}


def _text_report(project: Path, config_file: Path) -> None:
    done = run_cli("report", "--since", "7d", config=config_file, cwd=project)
    assert done.returncode == 0, done.stderr
    for text in ("Outcomes", "first-try gate pass", "50% (1/2)", "generate", "Models"):
        assert text in done.stdout
    bad = run_cli("report", "--since", "last tuesday", config=config_file)
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") <= 1
    assert "--since" in bad.stderr and "Traceback" not in bad.stderr


def _html_report(project: Path, config_file: Path, page: Path) -> None:
    done = run_cli("report", "--html", page, config=config_file, cwd=project)
    assert done.returncode == 0, done.stderr
    html = page.read_text()
    assert re.search(r"https?:", html) is None
    dom = dump_dom(page.as_uri())
    for chart in ("cost-per-day", "pass-rates", "node-times", "edit-distribution"):
        assert f'id="chart-{chart}"' in dom
    assert 'id="cost-budget-line"' in dom
    assert "daily budget $5.00" in dom
    assert "calc.py" in dom
