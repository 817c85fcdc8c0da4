"""The gates of an edit run: the static gates on every changed Python file (with
the rest of its packages beside it, so imports resolve), then the repository's
own tests and the run's new tests, run in the sandbox with the edits in place."""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Awaitable, Mapping
from pathlib import Path, PurePosixPath

from opentelemetry.trace import NoOpTracer, Tracer

from tta_codegen.changes import ChangeSet, change_set_of
from tta_codegen.findings import Finding, Target, unique_by_fingerprint
from tta_codegen.gates.locked_tests import locked_test_findings
from tta_codegen.gates.profiles import resolve
from tta_codegen.gates.repo_tests import BaselineCache, run_repo_tests
from tta_codegen.gates.sandbox import Sandbox
from tta_codegen.gates.static import bandit_gate, mypy_gate, ruff_gate, syntax_gate
from tta_codegen.settings import GatesSettings
from tta_codegen.state import GateReport
from tta_codegen.telemetry.spans import gate_span, sandbox_span, set_outcome

__all__ = ["changed_python", "run_edit_gates"]

_MAX_COPIED_FILES = 2000
"""Beyond this many package files, only the changed files are type-checked."""


def changed_python(
    originals: Mapping[str, str | None], files: Mapping[str, str | None]
) -> dict[str, str]:
    """Python files whose draft differs from what was read (deleted ones left out)."""
    return {
        path: text
        for path, text in sorted(files.items())
        if text is not None and path.endswith(".py") and text != originals.get(path)
    }


def _package_files(root: Path, changed: Mapping[str, str]) -> dict[str, str]:
    """The repository's Python files of the top-level folders the changes touch
    (and its top-level modules), so a type check resolves their imports."""
    tops = {
        PurePosixPath(p).parts[0] for p in changed if len(PurePosixPath(p).parts) > 1
    }
    found: dict[str, str] = {}
    candidates = [p for top in sorted(tops) for p in (root / top).rglob("*.py")]
    candidates += list(root.glob("*.py"))
    if len(candidates) > _MAX_COPIED_FILES:
        return {}
    for path in candidates:
        if any(part.startswith(".") or part == "__pycache__" for part in path.parts):
            continue
        try:
            found[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    return found


async def _timed(
    name: str, work: Awaitable[list[Finding]], timings: dict[str, float], tracer: Tracer
) -> list[Finding]:
    started = time.monotonic()
    with gate_span(tracer, name) as span:
        found = await work
        set_outcome(span, "findings" if found else "clean")
    timings[name] = round(time.monotonic() - started, 4)
    return found


async def _static(
    root: Path,
    changed: Mapping[str, str],
    tests: Mapping[str, str],
    settings: GatesSettings,
    timings: dict[str, float],
    tracer: Tracer,
) -> list[Finding]:
    limit = settings.static_timeout_s
    cache = settings.cache_dir or root / ".mypy_cache"
    with tempfile.TemporaryDirectory(prefix="tta-edit-gates-") as scratch:
        work = Path(scratch)
        for rel, text in {**_package_files(root, changed), **changed, **tests}.items():
            target = work / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        lint: dict[str, Target] = {
            **dict.fromkeys(changed, "code"),
            **dict.fromkeys(tests, "tests"),
        }
        code_files = list(changed)
        checks = [
            ("ruff", ruff_gate(work, lint, limit)),
            ("mypy", mypy_gate(work, code_files, cache, limit)),
            *((f"bandit {rel}", bandit_gate(work, rel, limit)) for rel in code_files),
        ]
        groups = await asyncio.gather(
            *(_timed(name, check, timings, tracer) for name, check in checks)
        )
    return [f for group in groups for f in group]


async def _repo_tests(
    change_set: ChangeSet,
    sandbox: Sandbox,
    baseline_dir: Path | None,
    timings: dict[str, float],
    tracer: Tracer,
) -> list[Finding]:
    started = time.monotonic()
    with sandbox_span(tracer, "repo-tests") as span:
        outcome = await run_repo_tests(
            change_set, sandbox=sandbox, baseline=BaselineCache(baseline_dir)
        )
        span.set_attribute("tta.repo_tests", len(outcome.tests))
        set_outcome(span, "passed" if outcome.passed else "findings")
    timings["repo-tests"] = round(time.monotonic() - started, 4)
    return list(outcome.findings)


async def run_edit_gates(
    root: Path,
    originals: Mapping[str, str | None],
    files: Mapping[str, str | None],
    *,
    settings: GatesSettings,
    sandbox: Sandbox,
    baseline_dir: Path | None = None,
    tracer: Tracer | None = None,
) -> GateReport:
    """Gate an edit run's draft: syntax, ruff, mypy and bandit on the changed
    files; existing test files must not change; then the repository's tests
    touching them and the run's new tests, before and after the change (the
    run on the original files is cached in ``baseline_dir``)."""
    tracer = tracer or NoOpTracer()
    profile = resolve(settings)
    timings: dict[str, float] = {}
    python = changed_python(originals, files)
    tests = {
        p: t for p, t in python.items() if PurePosixPath(p).name.startswith("test_")
    }
    code = {p: t for p, t in python.items() if p not in tests}
    findings = [
        f
        for rel, text in python.items()
        for f in syntax_gate(text, rel, "tests" if rel in tests else "code")
    ]
    change_set = change_set_of(str(root), originals, files)
    findings += locked_test_findings(change_set)
    if not findings and python:
        findings += await _static(root, code, tests, settings, timings, tracer)
        findings += await _repo_tests(
            change_set, sandbox, baseline_dir, timings, tracer
        )
    adjusted = [
        f.model_copy(update={"severity": "warning"})
        if f.severity == "error" and f.gate not in profile.blocking
        else f
        for f in unique_by_fingerprint(findings)
    ]
    adjusted.sort(key=lambda f: (f.severity != "error", f.path, f.line or 0))
    return GateReport(
        findings=tuple(adjusted),
        passed=not any(f.blocking for f in adjusted),
        timings=timings,
        profile=profile.name,
    )
