"""``tta-codegen demo``: a first run with no key and no network."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.cli_runner import run_cli

pytestmark = pytest.mark.e2e


def test_the_demo_runs_the_whole_graph_without_a_key(tmp_path: Path) -> None:
    done = run_cli("demo", "--dir", tmp_path / "demo", "--no-stream")
    assert done.returncode == 0, done.stderr
    assert "scripted model" in done.stderr and "no LLM is called" in done.stderr
    code = (tmp_path / "demo" / "rate_limiter.py").read_text()
    assert "class TokenBucket" in code and "import time" in code
    assert (tmp_path / "demo" / "test_rate_limiter.py").exists()
    # the first draft missed an import; the gates caught it and refine fixed it
    assert "F821" in done.stderr and "1 refinement round(s)" in done.stderr
    for node in ("node generate", "node refine", "node generate_tests"):
        assert node in done.stdout
    assert "export OPENROUTER_API_KEY" in done.stderr
