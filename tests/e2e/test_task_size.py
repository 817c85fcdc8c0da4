"""A task too big for any model, or for ``generation.max_task_bytes``, is bad
input: exit 2 with one line, before a thread or anything else is stored."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from tests.cli_runner import run_cli

from tta_codegen import CodegenRequest, Settings
from tta_codegen.api import generate
from tta_codegen.errors import InputError
from tta_codegen.testing import FakeOpenAIServer

pytestmark = pytest.mark.e2e

SMALL = "acme/small"


def with_small_model(config_file: Path) -> Path:
    config_file.write_text(
        config_file.read_text()
        + f'[[models]]\nid = "{SMALL}"\nprovider = "openrouter"\n'
        + "context_window = 4096\nmax_output_tokens = 1024\n"
    )
    return config_file


def test_a_task_bigger_than_every_context_window_exits_2_and_leaves_no_thread(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    config = with_small_model(config_file)
    task = "Add two integers. " + "Be careful. " * 2000  # about 6000 tokens

    proc = run_cli(
        "generate",
        task,
        "--model",
        SMALL,
        "--thread-id",
        "big",
        "--out",
        tmp_path / "calc.py",
        config=config,
    )

    assert proc.returncode == 2, proc.stderr
    [line] = [x for x in proc.stderr.splitlines() if x.startswith("error")]
    assert "prompt of about 60" in line
    assert "exceeds every usable model's context window (largest: 4096)" in line
    assert "resume" not in proc.stderr
    assert fake_llm.calls() == []
    shown = run_cli("runs", "show", "big", config=config)
    assert shown.returncode == 2 and "no run with thread id 'big'" in shown.stderr


def test_a_huge_task_in_a_batch_file_is_refused_before_anything_is_stored(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    batch = tmp_path / "huge.yaml"
    batch.write_text(
        "tasks:\n  - id: huge\n    task: '" + "x" * 5_000_000 + "'\n"
        f"    out: {tmp_path}/huge.py\n"
    )

    proc = run_cli("batch", batch, config=config_file)

    assert proc.returncode == 2, proc.stderr
    [line] = [x for x in proc.stderr.splitlines() if x.startswith("error")]
    assert "batch task 'huge'" in line
    assert "5000000 bytes, more than generation.max_task_bytes = 262144" in line
    assert fake_llm.calls() == []
    store = tmp_path / "checkpoints.sqlite"
    assert not store.exists() or store.stat().st_size < 1_000_000
    listing = run_cli("runs", "list", config=config_file)
    assert "huge" not in listing.stdout


async def test_the_python_api_refuses_a_huge_task_before_anything_is_stored(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    settings = Settings.load(config_file)
    request = CodegenRequest(
        task="Add two integers. " + "x" * 300_000,
        module_name="calc",
        out_path=str(tmp_path / "calc.py"),
    )
    with pytest.raises(InputError, match="more than generation.max_task_bytes"):
        await generate(request, settings=settings, thread_id="huge")
    assert fake_llm.calls() == []
    # the CLI runs its own event loop: from a thread, as another process would
    shown = await asyncio.to_thread(run_cli, "runs", "show", "huge", config=config_file)
    assert shown.returncode == 2 and "no run with thread id 'huge'" in shown.stderr
