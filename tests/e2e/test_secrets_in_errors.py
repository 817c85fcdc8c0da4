"""An error that carries the API key is scrubbed before it is checkpointed: the
raw SQLite file and Redis keys never hold the key's bytes, and the CLI shows
one redacted line."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import redis
from tests.cli_runner import run_cli
from tests.samples import GOOD_CODE, fenced

from tta_codegen.testing import FakeOpenAIServer, Reply

pytestmark = pytest.mark.e2e

PLAIN_KEY = "plainsecretvalue0123"
"""A key that looks like nothing in particular: only knowing it finds it."""


def redis_bytes(url: str, prefix: str) -> bytes:
    """Every value under ``prefix``, read as stored (no dump compression)."""
    client = redis.Redis.from_url(url)
    parts: list[bytes] = []
    for key in client.scan_iter(f"{prefix}*"):
        kind = client.type(key)
        if kind == b"string":
            parts.append(client.get(key) or b"")
        elif kind == b"hash":
            for field, value in client.hgetall(key).items():
                parts += [field, value]
        elif kind == b"list":
            parts += client.lrange(key, 0, -1)
        elif kind == b"set":
            parts += list(client.smembers(key))
        elif kind == b"zset":
            parts += client.zrange(key, 0, -1)
        elif kind == b"stream":
            for _, fields in client.xrange(key):
                for field, value in fields.items():
                    parts += [field, value]
        else:
            raise AssertionError(f"unexpected Redis type {kind!r} at {key!r}")
    client.close()
    assert parts, f"nothing stored under {prefix}"
    return b"".join(parts)


@pytest.mark.parametrize("store", ["sqlite", "redis"])
def test_a_failed_call_echoing_the_key_is_stored_redacted(
    fake_llm: FakeOpenAIServer,
    config_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    redis_url: str,
    store: str,
) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", PLAIN_KEY)
    prefix = f"leak-{uuid.uuid4().hex}"
    if store == "redis":
        config_file.write_text(
            config_file.read_text().replace(
                f'url = "sqlite:///{tmp_path}/checkpoints.sqlite"',
                f'url = "{redis_url}"\nkey_prefix = "{prefix}"',
            )
        )
    fake_llm.responder = lambda request: Reply(
        status=401, content=f"invalid api key {PLAIN_KEY}"
    )

    proc = run_cli(
        "generate", "Add two integers.", "--thread-id", "k1", config=config_file
    )

    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(fake_llm.calls()) >= 1
    assert PLAIN_KEY not in proc.stdout + proc.stderr
    stored = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    if store == "redis":
        stored += redis_bytes(redis_url, prefix)
    else:
        assert (tmp_path / "checkpoints.sqlite").exists()
    assert PLAIN_KEY.encode() not in stored


CRASHING_CHECKER = """
import os


def check_factory(settings):
    return Checker()


class Checker:
    def check(self, code, *, task):
        raise ValueError("checker crashed with " + os.environ["OPENROUTER_API_KEY"])
"""


@pytest.mark.parametrize("debug", ["", "1"])
def test_an_unexpected_error_carrying_the_key_is_redacted_everywhere(
    fake_llm: FakeOpenAIServer,
    config_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    debug: str,
) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", PLAIN_KEY)
    (tmp_path / "crashing_checker.py").write_text(CRASHING_CHECKER)
    monkeypatch.syspath_prepend(str(tmp_path))
    config_file.write_text(
        config_file.read_text()
        + '[safety]\nenabled = true\nchecker = "crashing_checker:check_factory"\n'
    )
    fake_llm.script(fenced(GOOD_CODE))

    proc = run_cli(
        "generate",
        "Add two integers.",
        "--thread-id",
        "k2",
        config=config_file,
        env={"TTA_CODEGEN_DEBUG": debug},
    )

    assert proc.returncode == 1, proc.stderr
    assert "error[TTA999]: unexpected ValueError: checker crashed with" in proc.stderr
    assert ("Traceback" in proc.stderr) == (debug == "1")
    assert PLAIN_KEY not in proc.stdout + proc.stderr
    stored = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert b"checker crashed with" in stored  # the failed step's error write
    assert PLAIN_KEY.encode() not in stored


def test_a_non_ascii_key_stops_before_a_thread_exists(
    fake_llm: FakeOpenAIServer,
    config_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = "sk-or-v1-test-secret-0123456789abcd\u00e9"
    monkeypatch.setenv("OPENROUTER_API_KEY", key)

    proc = run_cli(
        "generate", "Add two integers.", "--thread-id", "k3", config=config_file
    )

    assert proc.returncode == 2, proc.stderr
    [line] = [x for x in proc.stderr.splitlines() if x.startswith("error")]
    assert "OPENROUTER_API_KEY" in line and "character 36 of 36" in line
    assert "0123456789abcd" not in proc.stdout + proc.stderr
    assert fake_llm.calls() == []
    shown = run_cli("runs", "show", "k3", config=config_file)
    assert "no run with thread id 'k3'" in shown.stderr
