"""Code that tries to fill the host's disk or memory through the sandbox's /tmp
or work dir is stopped at the cap and reported, through ``tta-codegen validate``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from tests.cli_runner import run_cli

pytestmark = [pytest.mark.e2e]

needs_bwrap = pytest.mark.skipif(
    shutil.which("bwrap") is None, reason="bubblewrap is not installed"
)
KINDS = [pytest.param("bwrap", marks=needs_bwrap), "process"]

HOG = '''\
import os


def fill(folder: str, total_mb: int) -> int:
    """Write total_mb MiB into folder, 16 MiB per file (below RLIMIT_FSIZE)."""
    chunk = b"x" * (1 << 20)
    written = 0
    while written < total_mb:
        name = os.path.join(folder, f"blob{written}")
        with open(name, "wb") as handle:
            for _ in range(16):
                handle.write(chunk)
                written += 1
    return written


def big_file(folder: str, size_mb: int) -> None:
    """One file of size_mb MiB."""
    with open(os.path.join(folder, "big"), "wb") as handle:
        handle.write(b"x" * (size_mb << 20))
'''

FILL_TMP = """\
import tempfile

from hog import fill


def test_fill_tmp() -> None:
    assert fill(tempfile.gettempdir(), 1024) == 1024
"""

FILL_WORKDIR = """\
import os

from hog import fill


def test_fill_workdir() -> None:
    assert fill(os.getcwd(), 1024) == 1024
"""

WITHIN_CAPS = """\
import os
import tempfile

from hog import fill


def test_some_tmp() -> None:
    assert fill(tempfile.gettempdir(), 32) == 32


def test_some_workdir() -> None:
    assert fill(os.getcwd(), 32) == 32
"""

BIG_FILE = """\
import os

from hog import big_file


def test_big_file() -> None:
    big_file(os.getcwd(), 40)
"""

CONFIG = """\
[gates]
sandbox = "{kind}"
tmp_mb = 64
workdir_mb = 64
file_size_mb = 32
run_timeout_s = 120
"""


def validate(tmp_path: Path, kind: str, tests: str) -> tuple[int, dict[str, object]]:
    (tmp_path / "hog.py").write_text(HOG)
    (tmp_path / "test_hog.py").write_text(tests)
    config = tmp_path / "tta-codegen.toml"
    config.write_text(CONFIG.format(kind=kind))
    done = run_cli(
        "validate", "hog.py", "--tests", "test_hog.py", "--json",
        config=config, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def disk_messages(payload: dict[str, object]) -> list[str]:
    findings = payload["findings"]
    assert isinstance(findings, list)
    return [f["message"] for f in findings if f["code"] == "disk-limit"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_gigabyte_into_tmp_is_stopped_at_the_tmp_cap(
    tmp_path: Path, kind: str
) -> None:
    code, payload = validate(tmp_path, kind, FILL_TMP)
    assert code == 1
    [message] = disk_messages(payload)
    assert "the code wrote more than 64 MB to /tmp (the sandbox limit" in message
    assert "wall-clock" not in json.dumps(payload)


@pytest.mark.parametrize("kind", KINDS)
def test_a_gigabyte_into_the_work_dir_is_stopped_at_its_cap(
    tmp_path: Path, kind: str
) -> None:
    code, payload = validate(tmp_path, kind, FILL_WORKDIR)
    assert code == 1
    [message] = disk_messages(payload)
    assert "the code wrote more than 64 MB to its work dir (the sandbox limit" in (
        message
    )
    assert "wall-clock" not in json.dumps(payload)


@pytest.mark.parametrize("kind", KINDS)
def test_a_file_above_the_file_size_limit_is_reported(
    tmp_path: Path, kind: str
) -> None:
    code, payload = validate(tmp_path, kind, BIG_FILE)
    assert code == 1
    findings = payload["findings"]
    assert isinstance(findings, list)
    [finding] = [f for f in findings if f["code"] == "file-size-limit"]
    assert finding["gate"] == "tests"
    assert "test_big_file failed" in finding["message"]
    assert "a file larger than 32 MB" in finding["message"]


@pytest.mark.parametrize("kind", KINDS)
def test_tests_writing_within_the_caps_pass(tmp_path: Path, kind: str) -> None:
    code, payload = validate(tmp_path, kind, WITHIN_CAPS)
    assert code == 0, payload
    assert payload["tests_passed"] == 2
