"""``context show`` through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli_runner import invoke_cli

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _no_local_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _show(*args: str) -> tuple[int, str, str]:
    result = invoke_cli("context", "show", *args)
    return result.exit_code, result.stdout, result.stderr


def test_json_lists_chunks_with_lines_score_why_and_tokens(repo: Path) -> None:
    code, out, _ = _show(
        "circuit breaker half open state",
        "--context",
        str(repo),
        "--budget",
        "800",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["budget"] == 800
    assert 0 < data["tokens"] <= 800
    assert data["tokens"] == sum(c["tokens"] for c in data["chunks"])
    kinds = [c["kind"] for c in data["chunks"]]
    assert kinds[0] == "pattern"  # docs/patterns.md is a default pattern document
    first_code = data["chunks"][kinds.index("code")]
    assert first_code["path"] == "repo/orchestration/circuit_breaker.py"
    assert (
        first_code["start_line"] >= 1
        and first_code["end_line"] > first_code["start_line"]
    )
    assert "breaker" in first_code["why"]
    assert data["index"]["files"] == 7


def test_table_output_and_second_run_uses_the_cache(repo: Path) -> None:
    code, out, _ = _show("circuit breaker", "--context", str(repo))
    assert code == 0
    assert "7 re-chunked" in out
    assert "repo/orchestration/circuit_breaker.py:" in out
    code, out, _ = _show("circuit breaker", "--context", str(repo), "--text")
    assert code == 0
    assert "0 re-chunked, 7 from cache" in out
    assert "## Relevant code from this codebase" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--context", "/no/such/dir"],
            "error[TTA100]: context path not found: /no/such/dir",
        ),
        (
            [],
            "error[TTA100]: no context roots: pass --context PATH or set [context]"
            " roots",
        ),
        (
            ["--context", ".", "--type", "frontend"],
            "error[TTA100]: unknown context type 'frontend'",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], message: str) -> None:
    code, _, err = _show("task", *args)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message)
