"""The global --config is read wherever it is written on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.cli_runner import run_cli

from tta_codegen.cli._arguments import config_first

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("given", "parsed"),
    [
        (
            ["resume", "t1", "--config", "a.toml"],
            ["--config", "a.toml", "resume", "t1"],
        ),
        (
            ["runs", "show", "t1", "--config=a.toml"],
            ["--config=a.toml", "runs", "show", "t1"],
        ),
        (
            ["--config", "a.toml", "resume", "t1"],
            ["--config", "a.toml", "resume", "t1"],
        ),
        # after `--` everything is an argument; a dangling --config is left for
        # the parser to report ("requires an argument")
        (["generate", "--", "--config", "x"], ["generate", "--", "--config", "x"]),
        (["resume", "t1", "--config"], ["resume", "t1", "--config"]),
    ],
    ids=["after-command", "equals-form", "already-first", "after-dashes", "dangling"],
)
def test_config_moves_before_the_command(given: list[str], parsed: list[str]) -> None:
    assert config_first(given) == parsed


def test_a_nested_command_reads_the_config_given_after_it(tmp_path: Path) -> None:
    config = tmp_path / "team.toml"
    config.write_text('[[models]]\nid = "team/coder-7b"\nprovider = "local"\n')

    listed = run_cli("models", "list", f"--config={config}", cwd=tmp_path)

    assert listed.returncode == 0, listed.stderr
    assert "team/coder-7b" in listed.stdout


def test_a_missing_config_after_the_command_is_one_error_line(tmp_path: Path) -> None:
    done = run_cli("runs", "list", "--config", tmp_path / "nope.toml")

    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == (
        f"error[TTA101]: config file not found: {tmp_path / 'nope.toml'}"
    )
