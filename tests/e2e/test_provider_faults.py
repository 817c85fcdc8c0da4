"""What a broken provider does to a CLI run: malformed 200 answers and answers
that never end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli_runner import run_cli
from tests.samples import GOOD_CODE, GOOD_TESTS, fenced, retry_at_once

from tta_codegen.testing import FakeOpenAIServer, Reply

pytestmark = pytest.mark.e2e

MALFORMED = {
    "html": Reply(raw_body="<html><body>502 Bad Gateway</body></html>"),
    "broken-json": Reply(raw_body='{"choices": [{"message": ', content_type="json"),
    "garbage-sse": Reply(
        raw_body="event: ???\ndata: not json at all\n\n",
        content_type="text/event-stream",
    ),
    "no-chunks": Reply(raw_body="data: [DONE]\n\n", content_type="text/event-stream"),
}


@pytest.mark.parametrize("reply", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_answers_from_every_model_exit_3_with_a_json_result(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path, reply: Reply
) -> None:
    fake_llm.default = reply
    proc = run_cli(
        "generate",
        "Add two integers.",
        "--out",
        tmp_path / "calc.py",
        "--json",
        config=retry_at_once(config_file, retries_per_model=2),
    )
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    result = json.loads(proc.stdout)
    assert result["status"] == "interrupted" and result["error_kind"] == "model"
    assert "malformed response" in result["error"]
    models = {r.model for r in fake_llm.calls()}
    assert len(models) >= 2  # fell back to the next model
    assert all(len(fake_llm.calls(m)) == 2 for m in models)  # each retried
    assert not (tmp_path / "calc.py").exists()


def test_a_malformed_answer_falls_back_and_the_run_succeeds(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    fake_llm.script(MALFORMED["html"], MALFORMED["garbage-sse"])
    fake_llm.script(fenced(GOOD_CODE), fenced(GOOD_TESTS))
    proc = run_cli(
        "generate",
        "Add two integers.",
        "--out",
        tmp_path / "calc.py",
        "--json",
        config=retry_at_once(config_file, retries_per_model=2),
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] == "succeeded"
    first, retried, fallback = (r.model for r in fake_llm.calls()[:3])
    assert first == retried != fallback
    assert (tmp_path / "calc.py").read_text() == GOOD_CODE


def test_a_runaway_answer_is_cut_near_the_output_limit(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    two_megabytes = "x = 1\n" * (2 * 1024 * 1024 // 6)
    fake_llm.default = Reply(
        content="```python\n" + two_megabytes, chunk_size=512, chunk_delay_s=0.001
    )
    config_file.write_text(
        config_file.read_text().replace(
            "[generation]\n", "[generation]\nmax_output_tokens = 1024\n"
        )
    )
    proc = run_cli(
        "generate",
        "Add two integers.",
        "--out",
        tmp_path / "calc.py",
        "--max-iterations",
        "0",
        "--json",
        config=config_file,
    )
    assert proc.returncode == 1, proc.stderr
    result = json.loads(proc.stdout)
    assert result["status"] == "failed"
    cut = [f for f in result["findings"] if f["code"] == "answer-too-long"]
    assert cut and "max_output_tokens" in cut[0]["message"], result["findings"]
    assert fake_llm.streams
    for stream in fake_llm.streams:  # the client hung up long before the end
        assert not stream.finished
        assert stream.bytes_sent < len(two_megabytes) // 4
    assert not (tmp_path / "calc.py").exists()


def test_no_model_fit_to_try_stops_before_any_call_naming_why(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    # a context budget no catalog model's window holds: none is a candidate
    config_file.write_text(
        config_file.read_text() + "\n[context]\ntoken_budget = 5000000\n"
    )
    proc = run_cli(
        "generate", "Add two integers.", "--out", tmp_path / "calc.py", "--json",
        config=config_file,
    )  # fmt: skip
    assert proc.returncode == 3, proc.stderr
    result = json.loads(proc.stdout)
    assert result["status"] == "interrupted" and result["error_kind"] == "model"
    assert result["error"].startswith("no model can be tried now: ")
    assert "context" in result["error"]
    assert fake_llm.calls() == []
