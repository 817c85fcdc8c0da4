"""`runs list | history | fork` on a PostgreSQL checkpoint store, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.checkpoints.helpers import free_port
from tests.cli_runner import run_cli
from tests.samples import BUGGY_CODE, GOOD_CODE, GOOD_TESTS, fenced

from tta_codegen.testing import FakeOpenAIServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def use_store(config_file: Path, tmp_path: Path, url: str) -> None:
    text = config_file.read_text().replace(
        f'url = "sqlite:///{tmp_path}/checkpoints.sqlite"', f'url = "{url}"'
    )
    config_file.write_text(text)


@pytest.mark.postgres
def test_runs_list_history_and_fork(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path, pg_url: str
) -> None:
    use_store(config_file, tmp_path, pg_url)
    fake_llm.script(fenced(BUGGY_CODE))
    failed = run_cli(
        "generate",
        "Add two integers.",
        "--out",
        tmp_path / "calc.py",
        "--thread-id",
        "orig",
        "--max-iterations",
        "0",
        "--json",
        config=config_file,
    )
    assert failed.returncode == 1, failed.stderr

    fake_llm.script(fenced(GOOD_CODE), fenced(GOOD_TESTS))
    forked = run_cli(
        "runs", "fork", "orig", "--max-iterations", "1", config=config_file
    )
    assert forked.returncode == 0, forked.stderr

    listing = run_cli("runs", "list", config=config_file)
    assert listing.returncode == 0, listing.stderr
    assert "orig" in listing.stdout and "failed" in listing.stdout
    assert "succeeded" in listing.stdout  # the fork, under its new thread id
    history = run_cli("runs", "history", "orig", config=config_file)
    assert history.returncode == 0, history.stderr
    for node in ("select_model", "generate", "validate", "write_output"):
        assert node in history.stdout
    # the same for scripts: whole checkpoint ids (the table cuts them)
    rows = json.loads(
        run_cli("runs", "history", "orig", "--json", config=config_file).stdout
    )
    assert {r["node"] for r in rows} >= {"generate", "validate", "write_output"}
    assert all(len(r["checkpoint_id"]) == 36 for r in rows)
    runs = json.loads(run_cli("runs", "list", "--json", config=config_file).stdout)
    statuses = {r["thread_id"]: r["status"] for r in runs}
    assert statuses["orig"] == "failed" and "succeeded" in statuses.values()
    assert all(r["updated_at"].endswith("Z") for r in runs)
    shown = run_cli("runs", "show", "orig", "--json", config=config_file)
    assert json.loads(shown.stdout)["status"] == "failed"
    assert (tmp_path / "calc.py").read_text() == GOOD_CODE


def test_unreachable_store_is_one_line_exit_2_without_the_password(
    config_file: Path, tmp_path: Path
) -> None:
    url = f"postgresql://app:s3cret-pw@127.0.0.1:{free_port()}/cp"
    use_store(config_file, tmp_path, url)

    proc = run_cli("runs", "list", config=config_file)

    assert proc.returncode == 2
    first = proc.stderr.splitlines()[0]
    assert first.startswith("error[TTA200]: cannot reach PostgreSQL at postgresql://")
    assert "Connection refused" in first
    assert "s3cret-pw" not in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr
