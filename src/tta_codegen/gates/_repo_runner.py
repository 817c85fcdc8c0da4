"""Driver executed INSIDE the sandbox: run part of a repository's own tests.

Never imported by tta-codegen itself: its source is copied into the sandbox
work dir (a copy of the needed part of the repository) and run as
``python -I -B .tta/repo_runner.py .tta/repo_spec.json``. It puts the
repository's import roots on ``sys.path``, runs pytest on the listed test files
with a per-test timeout, and writes each test's outcome and every collection
error to the result file named in the spec (rewritten in place: the sandbox
binds it from the host). When the repository's own pytest options cannot be
used here (a plugin that is not installed), it runs again without them and
says so.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import time
from typing import Any

os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"

import pytest  # noqa: E402

CWD = os.getcwd()


class Collector:
    """pytest plugin recording each test's outcome and collection errors."""

    def __init__(self) -> None:
        self.results: list[dict[str, Any]] = []
        self.collect_errors: list[dict[str, Any]] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        skipped_in_setup = report.when == "setup" and report.outcome == "skipped"
        if (
            report.when != "call"
            and report.outcome != "failed"
            and not skipped_in_setup
        ):
            return
        message = ""
        if report.failed:
            crash = getattr(report.longrepr, "reprcrash", None)
            message = crash.message if crash is not None else str(report.longrepr)
        self.results.append(
            {
                "nodeid": report.nodeid,
                "outcome": report.outcome,
                "when": report.when,
                "message": message[:800],
                "path": report.location[0],
                "line": (report.location[1] or 0) + 1,
                "duration": report.duration,
            }
        )

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collect_errors.append(
                {"path": report.nodeid, "message": str(report.longrepr)[-1500:]}
            )


def plugins() -> list[str]:
    """The plugins loaded by name (autoload is off): timeouts, and asyncio
    when the interpreter has it."""
    names = ["-p", "pytest_timeout"]
    if importlib.util.find_spec("pytest_asyncio") is not None:
        names += ["-p", "pytest_asyncio"]
    return names


def pytest_args(spec: dict[str, Any], extra: list[str]) -> list[str]:
    return [
        *spec["tests"],
        "-q",
        "--no-header",
        "--tb=short",
        "--rootdir",
        CWD,
        "-p",
        "no:cacheprovider",
        *plugins(),
        f"--timeout={spec['test_timeout']}",
        "--timeout-method=signal",
        *extra,
    ]


def save(path: str, data: dict[str, Any]) -> None:
    encoded = json.dumps(data).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        os.write(fd, encoded)
        os.ftruncate(fd, len(encoded))
    finally:
        os.close(fd)


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        spec = json.load(handle)
    for entry in reversed(spec["paths"]):
        sys.path.insert(0, os.path.normpath(os.path.join(CWD, entry)))
    started = time.monotonic()
    collector = Collector()
    code = pytest.main(pytest_args(spec, []), plugins=[collector])
    dropped = False
    if code == pytest.ExitCode.USAGE_ERROR and not collector.results:
        dropped = True
        collector = Collector()
        code = pytest.main(pytest_args(spec, ["-o", "addopts="]), plugins=[collector])
    save(
        spec["result"],
        {
            "exit": int(code),
            "results": collector.results,
            "collect_errors": collector.collect_errors,
            "addopts_dropped": dropped,
            "duration": time.monotonic() - started,
        },
    )


if __name__ == "__main__":
    main()
