"""Limits that would remove limits are refused when the settings load: through
``tta-codegen --config FILE validate`` and environment overrides, as a user
meets them (exit 2, one line naming the key and where it came from); the CLI
runs in this process (tests/e2e/test_invalid_utf8.py starts real ones)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from tests.cli_runner import error_line, run_cli

pytestmark = [pytest.mark.e2e]

MODULE = "def add(a: int, b: int) -> int:\n    return a + b\n"


def run(
    tmp_path: Path, config: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "calc.py").write_text(MODULE)
    path = None
    if config is not None:
        path = tmp_path / "bad.toml"
        path.write_text(config)
    return run_cli("validate", "calc.py", "--json", config=path, cwd=tmp_path, env=env)


@pytest.mark.parametrize(
    ("config", "key"),
    [
        ("[gates]\nmemory_mb = -1\n", "gates.memory_mb"),
        ("[gates]\nmemory_mb = 0\n", "gates.memory_mb"),
        ("[gates]\ntmp_mb = 0\n", "gates.tmp_mb"),
        ("[gates]\nrun_timeout_s = -5\n", "gates.run_timeout_s"),
        ("[budget]\nmax_cost_per_run_usd = -0.01\n", "budget.max_cost_per_run_usd"),
        ("[budget]\nmax_cost_per_day_usd = -1\n", "budget.max_cost_per_day_usd"),
        ("[routing]\nretries_per_model = 0\n", "routing.retries_per_model"),
        ("[generation]\nmax_task_bytes = 0\n", "generation.max_task_bytes"),
        ("[providers.openrouter]\ntimeout_s = 0\n", "providers.openrouter.timeout_s"),
        # "unlimited" only where no limit makes sense, and only that word
        ('[gates]\nmemory_mb = "unlimited"\n', "gates.memory_mb"),
        ('[budget]\nmax_cost_per_run_usd = "none"\n', "budget.max_cost_per_run_usd"),
        (
            '[budget]\nmax_cost_per_run_usd = "Unlimited"\n',
            "budget.max_cost_per_run_usd",
        ),
    ],
)
def test_out_of_range_setting_in_the_file_exits_2_naming_key_and_file(
    tmp_path: Path, config: str, key: str
) -> None:
    line = error_line(run(tmp_path, config))
    assert f"'{key}'" in line
    assert str(tmp_path / "bad.toml") in line


def test_unlimited_budgets_and_zero_refinement_are_accepted(tmp_path: Path) -> None:
    config = (
        '[budget]\nmax_cost_per_run_usd = "unlimited"\n'
        'max_cost_per_day_usd = "unlimited"\n'
        "[generation]\nmax_iterations = 0\n"
        '[checkpoints]\nttl_s = "unlimited"\n'
    )
    done = run(tmp_path, config)
    assert done.returncode == 0, done.stderr


def test_a_negative_environment_override_names_the_variable(tmp_path: Path) -> None:
    line = error_line(run(tmp_path, env={"TTA_CODEGEN_GATES__MEMORY_MB": "-1"}))
    assert "'gates.memory_mb'" in line
    assert "TTA_CODEGEN_GATES__MEMORY_MB" in line


def test_environment_override_wins_over_a_good_file_and_is_named(
    tmp_path: Path,
) -> None:
    done = run(
        tmp_path,
        "[budget]\nmax_cost_per_run_usd = 1.0\n",
        env={"TTA_CODEGEN_BUDGET__MAX_COST_PER_RUN_USD": "-2"},
    )
    line = error_line(done)
    assert "TTA_CODEGEN_BUDGET__MAX_COST_PER_RUN_USD" in line
    assert "bad.toml" not in line


def test_unlimited_from_the_environment_is_accepted(tmp_path: Path) -> None:
    done = run(tmp_path, env={"TTA_CODEGEN_BUDGET__MAX_COST_PER_DAY_USD": "unlimited"})
    assert done.returncode == 0, done.stderr


def test_a_header_that_cannot_be_sent_is_refused_without_showing_it(
    tmp_path: Path,
) -> None:
    config = (
        "[providers.openrouter]\n"
        'base_url = "http://127.0.0.1:9/v1"\n'
        'headers = {"X-Api-Key" = "tok-\u00e9-secretvalue"}\n'
    )
    line = error_line(run(tmp_path, config))
    assert "'providers.openrouter.headers'" in line
    assert "header 'X-Api-Key' value: character 5 of 17" in line
    assert "secretvalue" not in line
