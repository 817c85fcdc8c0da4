"""Runs submitted to real `tta-codegen worker` processes on a real broker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli_runner import run_cli
from tests.fleet.conftest import Workers
from tests.samples import GOOD_CODE

from tta_codegen.testing import FakeOpenAIServer

pytestmark = [
    pytest.mark.fleet,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.timeout(300),
]


def submit(config: Path, task: str, *args: str | Path) -> str:
    proc = run_cli("submit", task, *args, config=config)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def watch(config: Path, thread_id: str) -> tuple[int, dict[str, object]]:
    proc = run_cli("runs", "watch", thread_id, "--json", "--quiet", config=config)
    return proc.returncode, json.loads(proc.stdout) if proc.stdout else {}


def test_twelve_runs_across_three_workers(
    workers: Workers, fleet_config: Path, tmp_path: Path, fake_llm: FakeOpenAIServer
) -> None:
    workers.start(3)
    for i in range(12):
        (tmp_path / f"calc{i}").mkdir()
    threads = [
        submit(
            fleet_config,
            f"Add two integers, take {i}.",
            "--out",
            tmp_path / f"calc{i}" / "calc.py",
        )  # fmt: skip
        for i in range(12)
    ]
    assert len(set(threads)) == 12

    for i, thread_id in enumerate(threads):
        code, result = watch(fleet_config, thread_id)
        assert code == 0, result
        assert result["status"] == "succeeded"
        assert (tmp_path / f"calc{i}" / "calc.py").read_text() == GOOD_CODE
    ran_on = {
        line.split()[-1]
        for i in range(3)
        for line in workers.log(i).splitlines()
        if "succeeded" in line
    }
    assert ran_on  # every worker log is readable
    busy = [i for i in range(3) if "succeeded" in workers.log(i)]
    assert len(busy) >= 2, "the runs were not spread over the workers"
    assert len(fake_llm.calls()) == 24  # one code and one tests call per run
