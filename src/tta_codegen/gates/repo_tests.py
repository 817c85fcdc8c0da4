"""The repository's own tests as a gate of an edit run.

``run_repo_tests`` picks the existing tests that exercise the files a change
set touches (``tests_for``), copies the part of the repository they need into
the sandbox twice, once as it is and once with the edit applied, and runs them
both. A test that passed before the edit and fails after it blocks; a test that
already failed before is advice, not blamed on the edit. The run on the
original files is cached by content (``BaselineCache``), so a refinement round
pays for one sandboxed run only.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from tta_codegen.changes import ChangeSet, inside_root
from tta_codegen.changes._paths import resolve_root
from tta_codegen.findings import Finding
from tta_codegen.gates._imports import ImportGraph
from tta_codegen.gates._repo_findings import (
    GATE,
    RepoRun,
    TestResult,
    compare,
    parse_run,
)
from tta_codegen.gates._repo_payload import Payload, build_payload
from tta_codegen.gates._selection import conftests_for, is_test_file, tests_for
from tta_codegen.gates.sandbox import Sandbox

__all__ = [
    "GATE",
    "BaselineCache",
    "RepoRun",
    "RepoTestOutcome",
    "TestResult",
    "conftests_for",
    "run_repo_tests",
    "tests_for",
]

RUNNER = Path(__file__).with_name("_repo_runner.py")
SPEC = ".tta/repo-spec.json"
RESULT = ".tta/repo-result.json"


class BaselineCache:
    """Runs of the tests on the original files, keyed by everything that
    decides their outcome (file contents, test list, runner, interpreter).

    Kept in memory, and in ``directory`` when given, so a resumed run or the
    next edit of the same files does not run the baseline again.
    """

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        """Folder of the on-disk copies (None: memory only)."""
        self._memory: dict[str, RepoRun] = {}

    def get(self, key: str) -> RepoRun | None:
        """The cached run, or None."""
        if key in self._memory:
            return self._memory[key]
        if self.directory is None:
            return None
        try:
            run = RepoRun.model_validate_json(
                (self.directory / f"{key}.json").read_bytes()
            )
        except (OSError, ValidationError):
            return None
        self._memory[key] = run
        return run

    def put(self, key: str, run: RepoRun) -> None:
        """Keep a finished run (one that did not finish may be a passing hiccup)."""
        if not run.finished:
            return
        self._memory[key] = run
        if self.directory is not None:
            from tta_codegen.files import atomic_write  # noqa: PLC0415

            atomic_write(self.directory / f"{key}.json", run.model_dump_json())


@dataclass(frozen=True)
class RepoTestOutcome:
    """What the repository-tests gate found."""

    findings: tuple[Finding, ...]
    """Blocking: regressions, new collection errors, a run that did not
    finish; advice: tests that already failed, tests that vanished."""
    tests: tuple[str, ...]
    """Test files run (relative to the root), new ones included."""
    before: RepoRun | None
    """The run on the original files (None when no test was chosen)."""
    after: RepoRun | None
    """The run on the edited files."""
    baseline_cached: bool
    """The original files' run came from the cache."""
    duration_s: float
    """Wall-clock seconds of the gate."""

    @property
    def passed(self) -> bool:
        """No blocking finding."""
        return not any(f.blocking for f in self.findings)


def _spec(payload: Payload, test_timeout_s: float) -> dict[str, object]:
    return {
        "tests": list(payload.tests),
        "paths": list(payload.import_roots),
        "test_timeout": test_timeout_s,
        "result": RESULT,
    }


def baseline_key(payload: Payload, sandbox: Sandbox, test_timeout_s: float) -> str:
    """Digest of everything that decides the baseline run's outcome."""
    digest = hashlib.sha256()
    digest.update(RUNNER.read_bytes())
    digest.update(sandbox.python.encode())
    digest.update(json.dumps(_spec(payload, test_timeout_s), sort_keys=True).encode())
    for name in sorted(payload.files):
        digest.update(f"\0{name}\0".encode())
        digest.update(hashlib.sha256(payload.files[name].encode()).digest())
    return digest.hexdigest()[:32]


async def _run(
    sandbox: Sandbox, payload: Payload, timeout_s: float, test_timeout_s: float
) -> RepoRun:
    files = dict(payload.files)
    files[".tta/repo_runner.py"] = RUNNER.read_text()
    files[SPEC] = json.dumps(_spec(payload, test_timeout_s))
    result = await sandbox.run(
        ["python", "-I", "-B", ".tta/repo_runner.py", SPEC],
        files,
        timeout_s=timeout_s,
        outputs=(RESULT,),
    )
    return parse_run(result, result.outputs.get(RESULT))


def _chosen(
    change_set: ChangeSet, root: Path, transitive: bool
) -> tuple[ImportGraph, ImportGraph, list[Path], list[Path]]:
    """Graphs of the original and edited files, the existing tests that
    exercise the change, and the test files the change adds."""
    overlay = {inside_root(root, c.path): c.after for c in change_set.changes}
    original = ImportGraph.scan(root)
    edited = ImportGraph.scan(root, overlay)
    changed = list(overlay)
    existing = set(tests_for(changed, root, graph=original, transitive=transitive))
    existing |= {
        t
        for t in tests_for(changed, root, graph=edited, transitive=transitive)
        if t in original.files
    }
    added = [p for p, text in overlay.items() if text is not None and is_test_file(p)]
    added = [p for p in added if p not in original.files]
    return original, edited, sorted(existing), sorted(added)


def _no_tests(started: float) -> RepoTestOutcome:
    note = Finding(
        gate=GATE,
        severity="info",
        code="no-tests",
        message="no existing test imports the changed modules; nothing of the "
        "repository's own tests ran",
    )
    return RepoTestOutcome((note,), (), None, None, False, time.monotonic() - started)


async def run_repo_tests(
    change_set: ChangeSet,
    *,
    sandbox: Sandbox,
    baseline: BaselineCache | None = None,
    timeout_s: float | None = None,
    transitive: bool = True,
) -> RepoTestOutcome:
    """Run the repository's tests that exercise ``change_set`` on the original
    and on the edited files (in the sandbox, concurrently unless the original
    run is cached) and compare them test by test."""
    started = time.monotonic()
    root = resolve_root(change_set.root)
    original, edited, existing, added = _chosen(change_set, root, transitive)
    if not existing and not added:
        return _no_tests(started)
    deleted = {p for p, t in edited.overlay.items() if t is None}
    settings = sandbox.settings
    limit = timeout_s or settings.run_timeout_s
    before_payload = build_payload(original, existing)
    after_payload = build_payload(edited, [*(set(existing) - deleted), *added])
    key = baseline_key(before_payload, sandbox, settings.test_timeout_s)
    cache = baseline or BaselineCache()
    cached = cache.get(key)
    after_task = _run(sandbox, after_payload, limit, settings.test_timeout_s)
    if cached is None:
        before, after = await asyncio.gather(
            _run(sandbox, before_payload, limit, settings.test_timeout_s), after_task
        )
        cache.put(key, before)
    else:
        before, after = cached, await after_task
    new_files = [p.relative_to(root).as_posix() for p in added]
    return RepoTestOutcome(
        findings=tuple(compare(before, after, new_files)),
        tests=after_payload.tests,
        before=before,
        after=after,
        baseline_cached=cached is not None,
        duration_s=time.monotonic() - started,
    )
