"""Budgets hold for a model without a catalog price whose provider reports
``usage.cost``: once a run or the day has spent its limit, the next call is not
made (file and Redis ledgers), through ``tta-codegen generate``."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from tests.cli_runner import run_cli
from tests.samples import GOOD_CODE, GOOD_TESTS, fenced

from tta_codegen.testing import FakeOpenAIServer, Reply

pytestmark = pytest.mark.e2e

MODEL = "acme/coder"
PRICES = {
    "zero": "input_cost_per_mtok = 0\noutput_cost_per_mtok = 0\n",
    "unknown": "",
}


def budget_config(
    config_file: Path, *, budget: str, price: str, stats_url: str | None = None
) -> Path:
    """The fixture's config plus one model (priced per ``PRICES[price]``) and
    ``[budget] budget = 0.02`` (the other budget switched off)."""
    other = (
        "max_cost_per_run_usd"
        if budget == "max_cost_per_day_usd"
        else "max_cost_per_day_usd"
    )
    routing = (
        f'[routing]\nstats_url = "{stats_url}"\n'
        f'key_prefix = "budget-{uuid.uuid4().hex}"\n'
        if stats_url
        else ""
    )
    config_file.write_text(
        config_file.read_text()
        + f'[budget]\n{budget} = 0.02\n{other} = "unlimited"\n'
        + routing
        + f'[[models]]\nid = "{MODEL}"\nprovider = "openrouter"\n{PRICES[price]}'
    )
    return config_file


def generate(config: Path, tmp_path: Path, name: str) -> tuple[int, dict[str, object]]:
    proc = run_cli(
        "generate",
        "Add two integers.",
        "--out",
        tmp_path / f"{name}.py",
        "--model",
        MODEL,
        "--json",
        config=config,
    )
    assert "Traceback" not in proc.stderr
    return proc.returncode, json.loads(proc.stdout)


@pytest.mark.parametrize("price", sorted(PRICES))
@pytest.mark.parametrize("budget", ["max_cost_per_day_usd", "max_cost_per_run_usd"])
def test_a_reported_cost_stops_the_next_call_once_the_budget_is_spent(
    fake_llm: FakeOpenAIServer,
    config_file: Path,
    tmp_path: Path,
    budget: str,
    price: str,
) -> None:
    config = budget_config(config_file, budget=budget, price=price)
    # the draft alone spends the whole budget: exactly $0.02
    fake_llm.script(Reply(content=fenced(GOOD_CODE), cost_usd=0.02), model=MODEL)
    fake_llm.script(Reply(content=fenced(GOOD_TESTS), cost_usd=0.02), model=MODEL)

    code, result = generate(config, tmp_path, "calc")

    assert code == 3
    assert result["error_kind"] == "budget"
    assert budget in str(result["error"])
    assert len(fake_llm.calls()) == 1  # the tests were not asked for


@pytest.mark.parametrize("ledger", ["file", "redis"])
def test_the_day_refuses_every_run_once_reported_costs_reach_the_limit(
    fake_llm: FakeOpenAIServer,
    config_file: Path,
    tmp_path: Path,
    redis_url: str,
    ledger: str,
) -> None:
    config = budget_config(
        config_file,
        budget="max_cost_per_day_usd",
        price="zero",
        stats_url=redis_url if ledger == "redis" else None,
    )
    fake_llm.script(
        Reply(content=fenced(GOOD_CODE), cost_usd=0.01),
        Reply(content=fenced(GOOD_TESTS), cost_usd=0.01),
        model=MODEL,
    )
    first, _ = generate(config, tmp_path, "calc")
    assert first == 0

    for name in ("again", "third"):
        code, result = generate(config, tmp_path, name)
        assert code == 3
        assert result["error_kind"] == "budget"
        assert "max_cost_per_day_usd" in str(result["error"])
    assert len(fake_llm.calls()) == 2


def test_the_batch_budget_stops_the_next_call_once_reported_costs_reach_it(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    config = budget_config(config_file, budget="max_cost_per_run_usd", price="unknown")
    config.write_text(
        config.read_text().replace(
            "max_cost_per_run_usd = 0.02", 'max_cost_per_run_usd = "unlimited"'
        )
    )
    batch = tmp_path / "tasks.yaml"
    batch.write_text(
        f"""
name: spend
defaults: {{model: {MODEL}}}
tasks:
  - id: alpha
    task: Add two integers.
    out: {tmp_path}/alpha.py
  - id: beta
    task: Add two integers, again.
    out: {tmp_path}/beta.py
"""
    )
    fake_llm.script(
        Reply(content=fenced(GOOD_CODE), cost_usd=0.02),
        Reply(content=fenced(GOOD_TESTS), cost_usd=0.02),
        model=MODEL,
    )

    proc = run_cli(
        "batch",
        batch,
        "--concurrency",
        "1",
        "--max-cost",
        "0.02",
        "--json",
        config=config,
    )

    assert proc.returncode == 3, proc.stderr
    tasks = json.loads(proc.stdout)["tasks"]
    assert [t["status"] for t in tasks] == ["interrupted", "skipped"]
    assert len(fake_llm.calls()) == 1  # alpha's tests were not asked for
