"""Leftover processes of a worker are found by their marker and killed."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

from tta_codegen.openhands._reaper import MARKER_ENV, kill_marked, marked_pids

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc"),
]


def test_kills_a_detached_process_carrying_the_marker() -> None:
    marker = uuid.uuid4().hex
    other = uuid.uuid4().hex
    env = {**os.environ, MARKER_ENV: marker}
    escaped = subprocess.Popen(["sleep", "60"], env=env, start_new_session=True)
    bystander = subprocess.Popen(["sleep", "60"], env={**os.environ, MARKER_ENV: other})
    try:
        assert marked_pids(marker) == [escaped.pid]
        assert kill_marked(marker) == 1
        assert escaped.wait(timeout=10) == -9
        assert bystander.poll() is None  # another run's process is left alone
        assert marked_pids(marker) == []
    finally:
        for process in (escaped, bystander):
            process.kill()
            process.wait()
