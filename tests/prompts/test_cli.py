"""``templates list`` and ``templates show`` through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli_runner import invoke_cli
from typer.testing import CliRunner

from tta_codegen.cli.templates import app

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _no_local_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_list_json_gives_name_category_version_description_variables() -> None:
    result = CliRunner().invoke(app, ["list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    by_name = {row["name"]: row for row in rows}
    breaker = by_name["circuit_breaker"]
    assert breaker["category"] == "agent_orchestration"
    assert breaker["version"] == 1
    assert breaker["description"]
    assert breaker["variables"]["failure_threshold"] == {
        "type": "int",
        "required": False,
        "default": 5,
        "description": "Consecutive failures that open the circuit.",
    }
    assert by_name["graph/generate"]["variables"]["task"]["required"] is True


def test_list_table_names_every_template() -> None:
    result = CliRunner().invoke(app, ["list"], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    assert "redis_pool_manager" in result.stdout
    assert "graph/refine_tests" in result.stdout


def test_show_prints_front_matter_and_body() -> None:
    result = CliRunner().invoke(app, ["show", "circuit_breaker@1"])
    assert result.exit_code == 0
    assert result.stdout.startswith("---\nname: circuit_breaker\n")
    assert "# body\nCreate a circuit breaker implementation" in result.stdout


def test_show_of_an_unknown_template_exits_2_with_a_suggestion() -> None:
    result = invoke_cli("templates", "show", "circut_breaker")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error[TTA102]: unknown template 'circut_breaker'",
        "  hint: did you mean circuit_breaker?",
    ]


def test_user_template_dirs_from_the_config_file(tmp_path: Path) -> None:
    folder = tmp_path / "mine" / "versions" / "v1"
    folder.mkdir(parents=True)
    (folder / "saga.yaml").write_text(
        "name: saga\nversion: 1\ncategory: agent_orchestration\n"
        "description: Saga orchestrator\nbody: Build a saga.\n"
    )
    config = tmp_path / "tta-codegen.toml"
    config.write_text(f'[templates]\ndirs = ["{tmp_path / "mine"}"]\n')
    # --config after the command name, as users write it, means the global one
    result = invoke_cli("templates", "list", "--json", "--config", str(config))
    assert result.exit_code == 0, result.stderr
    assert "saga" in {row["name"] for row in json.loads(result.stdout)}
