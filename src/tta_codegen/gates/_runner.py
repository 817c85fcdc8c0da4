"""Driver executed INSIDE the sandbox (stdlib + pytest + coverage only).

Never imported by tta-codegen itself: its source is copied into the sandbox
work dir and run as ``python -I -B .tta/runner.py spec.json``. It imports the
module under test (import check), runs the tests with a per-test timeout and
line coverage, and when asked re-runs passing tests (flakiness) and runs them
against mutants of the module, each in a forked child, all in this one process
start; pytest and coverage are loaded only when there are tests (a check of the
module alone needs neither). Results go to the JSON file named in the spec,
rewritten in place after each phase (the sandbox may bind that file from the
host, so it is never replaced) so a wall-clock kill still leaves what was done.
A test or an import that fails on a full disk (ENOSPC, EDQUOT) or a too-large
file (EFBIG) is marked with which limit it hit.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import importlib
import importlib.util
import json
import os
import signal
import sys
import tempfile
import time
import traceback
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pytest

os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"

CWD = os.getcwd()
sys.path.insert(0, CWD)
SPEC: dict[str, Any] = {}
RESULT: dict[str, Any] = {}


def save() -> None:
    data = json.dumps(RESULT).encode()
    fd = os.open(SPEC["result"], os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        os.write(fd, data)
        os.ftruncate(fd, len(data))
    finally:
        os.close(fd)


DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def free_space() -> dict[str, int]:
    """Free bytes of /tmp and the work dir, by the names the host uses."""
    free = {}
    for kind, root in (("tmp", tempfile.gettempdir()), ("workdir", CWD)):
        try:
            info = os.statvfs(root)
        except OSError:
            continue
        free[kind] = info.f_bavail * info.f_frsize
    return free


def _filled(before: dict[str, int]) -> str:
    """The one place that is full now and filled up since ``before``."""
    now = free_space()
    filled = [
        kind
        for kind, left in now.items()
        if left < (1 << 20) and left < before.get(kind, left + 1)
    ]
    return filled[0] if len(filled) == 1 else "disk"


def disk_limit(exc: BaseException | None, before: dict[str, int]) -> str | None:
    """Which limit an exception (or one it chains to) hit: "file", "tmp",
    "workdir", "disk" (not known which), or None when it is no disk error.
    ``before`` is ``free_space()`` from before the failing step."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in DISK_ERRNOS:
            if exc.errno == errno.EFBIG:
                return "file"
            name = exc.filename if isinstance(exc.filename, str) else ""
            for kind, root in (("tmp", tempfile.gettempdir()), ("workdir", CWD)):
                if name and os.path.abspath(name).startswith(root + os.sep):
                    return kind
            return _filled(before)
        exc = exc.__cause__ or exc.__context__
    return None


class Collector:
    """pytest plugin recording each test's outcome and collection errors."""

    def __init__(self) -> None:
        self.results: list[dict[str, Any]] = []
        self.collect_errors: list[dict[str, Any]] = []
        self.free_before: dict[str, int] = {}

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        self.free_before = free_space()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call" and report.outcome == "passed":
            return
        if report.when == "teardown" and report.outcome == "skipped":
            return
        path, lineno = report.location[0], report.location[1]
        message, line = "", (lineno or 0) + 1
        if report.failed:
            crash = getattr(report.longrepr, "reprcrash", None)
            message = crash.message if crash is not None else str(report.longrepr)
            if crash is not None and os.path.basename(crash.path) in SPEC["files"]:
                path, line = os.path.basename(crash.path), crash.lineno
        self.results.append(
            {
                "nodeid": report.nodeid,
                "name": report.location[2],
                "file": os.path.basename(report.location[0]),
                "outcome": report.outcome,
                "when": report.when,
                "message": message[:800],
                "path": os.path.basename(path),
                "line": line,
                "timeout": report.failed and "Timeout" in message[:200],
                "duration": report.duration,
            }
        )

    def pytest_exception_interact(
        self, node: Any, call: pytest.CallInfo[Any], report: Any
    ) -> None:
        import pytest  # noqa: PLC0415 - loaded once there are tests

        if not isinstance(report, pytest.TestReport) or call.excinfo is None:
            return
        limit = disk_limit(call.excinfo.value, self.free_before)
        last = self.results[-1] if self.results else None
        if limit and last is not None and last["nodeid"] == report.nodeid:
            last["disk"] = limit

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            text = str(report.longrepr)
            self.collect_errors.append(
                {"path": os.path.basename(report.nodeid), "message": text[-1500:]}
            )


def pytest_args(extra: list[str]) -> list[str]:
    return [
        *SPEC["tests"],
        "-q",
        "--no-header",
        "--tb=short",
        "-p",
        "pytest_timeout",
        f"--timeout={SPEC['test_timeout']}",
        "--timeout-method=signal",
        "-p",
        "no:cacheprovider",
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
        *extra,
    ]


def import_check() -> bool:
    module_file = os.path.join(CWD, SPEC["module"] + ".py")
    before = free_space()
    try:
        importlib.import_module(SPEC["module"])
    except BaseException as exc:  # the module may raise anything, even SystemExit
        line = None
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename == module_file:
                line = frame.lineno
        if isinstance(exc, SyntaxError) and exc.filename == module_file:
            line = exc.lineno
        RESULT["import"] = {
            "ok": False,
            "type": type(exc).__name__,
            "error": str(exc)[:800],
            "line": line,
            "disk": disk_limit(exc, before),
        }
        return False
    RESULT["import"] = {"ok": True}
    return True


def load_test_tools() -> None:
    """Import pytest, coverage and pytest-timeout from the runner's environment,
    never from the work dir (the module under test may be ``coverage.py``), then
    freeze what they built out of the garbage collector's sight: each collection
    during and after the tests (pytest runs two per session, in every forked
    re-run and mutant too) then skips their tens of thousands of objects."""
    sys.path.remove(CWD)
    try:
        import coverage  # noqa: F401, PLC0415 - ~0.2 s, only when tests will run
        import pytest  # noqa: F401, PLC0415
        import pytest_timeout  # type: ignore[import-untyped]  # noqa: F401, PLC0415
    finally:
        sys.path.insert(0, CWD)
    gc.freeze()


def check() -> None:
    if not SPEC["tests"]:
        import_check()
        return
    load_test_tools()
    import coverage  # noqa: PLC0415 - loaded above
    import pytest  # noqa: PLC0415

    module_file = os.path.join(CWD, SPEC["module"] + ".py")
    cov = coverage.Coverage(data_file=None, include=[module_file], config_file=False)
    cov.start()
    if not import_check():
        cov.stop()
        return
    save()
    collector = Collector()
    started = time.monotonic()
    code = pytest.main(pytest_args([]), plugins=[collector])
    RESULT["tests"] = {
        "exit": int(code),
        "results": collector.results,
        "collect_errors": collector.collect_errors,
        "duration": time.monotonic() - started,
    }
    cov.stop()
    _, statements, _, missing, _ = cov.analysis2(module_file)
    total = len(statements)
    RESULT["coverage"] = 100.0 * (total - len(missing)) / total if total else 100.0


def forget_workdir_modules() -> None:
    for name, module in list(sys.modules.items()):
        origin = getattr(module, "__file__", None) or ""
        if origin.startswith(CWD + os.sep):
            del sys.modules[name]


def in_child(body: Any, timeout: float) -> int | None:
    """Run ``body()`` in a forked child; its exit code, or None on timeout."""
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        try:
            code = body()
        except BaseException:
            code = 3
        os._exit(code)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.005)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


def reruns(timeout: float) -> None:
    runs: list[list[dict[str, Any]]] = []
    RESULT["reruns"] = runs
    for index in range(SPEC["reruns"]):
        out = f".tta/rerun{index}.json"

        def body(out: str = out) -> int:
            import pytest  # noqa: PLC0415 - loaded by check() already

            forget_workdir_modules()
            collector = Collector()
            code = pytest.main(pytest_args([]), plugins=[collector])
            with open(out, "w", encoding="utf-8") as handle:
                json.dump(collector.results, handle)
            return int(code)

        status = in_child(body, timeout)
        try:
            with open(out, encoding="utf-8") as handle:
                runs.append(json.load(handle))
        except (OSError, ValueError):
            runs.append([{"nodeid": "*", "outcome": "failed", "status": status}])
        save()


def mutants(timeout: float) -> None:
    outcomes: list[dict[str, Any]] = []
    RESULT["mutants"] = outcomes
    for mutant in SPEC["mutants"]:

        def body(path: str = mutant["file"]) -> int:
            import pytest  # noqa: PLC0415 - loaded by check() already

            forget_workdir_modules()
            spec = importlib.util.spec_from_file_location(SPEC["module"], path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[SPEC["module"]] = module
            spec.loader.exec_module(module)
            args = pytest_args(["-x"])
            return int(pytest.main(args, plugins=[]))

        status = in_child(body, timeout)
        killed = status != 0
        outcomes.append({"id": mutant["id"], "killed": killed, "status": status})
        save()


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        SPEC.update(json.load(handle))
    os.makedirs(".tta", exist_ok=True)
    check()
    save()
    tests = RESULT.get("tests")
    if tests is None or tests["exit"] != 0 or not tests["results"]:
        return
    budget = float(SPEC["test_timeout"])
    per_run = min(budget * 5, max(1.0, 3 * tests["duration"] + 1.0))
    if SPEC["reruns"]:
        reruns(per_run)
    if SPEC["mutants"]:
        mutants(per_run)


if __name__ == "__main__":
    main()
