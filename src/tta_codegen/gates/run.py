"""``run_gates``: every gate on one draft, independent gates concurrently."""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path

from opentelemetry.trace import NoOpTracer, Tracer

from tta_codegen.findings import Finding, Target, unique_by_fingerprint
from tta_codegen.gates.dynamic import DynamicOutcome, run_dynamic
from tta_codegen.gates.mutation import Mutant, make_mutants
from tta_codegen.gates.profiles import Profile, resolve
from tta_codegen.gates.sandbox import Sandbox
from tta_codegen.gates.static import bandit_gate, mypy_gate, ruff_gate, syntax_gate
from tta_codegen.naming import locked_tests_file_name, tests_file_name
from tta_codegen.settings import GatesSettings, default_state_dir
from tta_codegen.state import GateReport
from tta_codegen.telemetry.spans import gate_span, sandbox_span, set_outcome

__all__ = ["run_gates"]


async def _timed(
    name: str,
    work: Awaitable[list[Finding]],
    timings: dict[str, float],
    tracer: Tracer,
) -> list[Finding]:
    started = time.monotonic()
    try:
        with gate_span(tracer, name) as span:
            found = await work
            set_outcome(span, "findings" if found else "clean")
            return found
    finally:
        timings[name] = round(time.monotonic() - started, 4)


async def run_gates(
    code: str,
    tests: str | None,
    *,
    module_name: str,
    settings: GatesSettings,
    sandbox: Sandbox,
    locked_tests: str | None = None,
    final: bool = False,
    tracer: Tracer | None = None,
) -> GateReport:
    """Run the gates on ``code`` (and its tests) and return the report.

    ``locked_tests`` (the user's own tests) always run from their own file,
    ``test_<module>_locked.py``, so generated or refined tests can neither
    remove nor alter them. ``final=True`` (code passes, tests exist) also
    re-runs the tests for flakiness and runs them against mutants of the code.
    Each gate gets a ``gate {name}`` span and the sandboxed run a ``sandbox``
    span when a ``tracer`` is given.
    """
    tracer = tracer or NoOpTracer()
    profile = resolve(settings)
    timings: dict[str, float] = {}
    module_file = f"{module_name}.py"
    sources: dict[str, tuple[str, Target]] = {module_file: (code, "code")}
    if tests is not None:
        sources[tests_file_name(module_name)] = (tests, "tests")
    if locked_tests is not None:
        sources[locked_tests_file_name(module_name)] = (locked_tests, "tests")
    started = time.monotonic()
    findings = [
        f
        for name, (text, target) in sources.items()
        for f in syntax_gate(text, name, target)
    ]
    timings["syntax"] = round(time.monotonic() - started, 4)
    if findings:
        return _report(findings, profile, DynamicOutcome(), timings)
    cache = settings.cache_dir or default_state_dir() / "mypy-cache"
    limit = settings.static_timeout_s
    with tempfile.TemporaryDirectory(prefix="tta-gates-") as scratch:
        work = Path(scratch)
        for name, (text, _) in sources.items():
            (work / name).write_text(text, encoding="utf-8")
        lint = {
            n: t
            for n, (_, t) in sources.items()
            if n != locked_tests_file_name(module_name)
        }
        mutants: list[Mutant] = []
        if final and tests is not None and settings.mutation:
            mutants = make_mutants(code, limit=settings.max_mutants)
        dynamic_task = asyncio.ensure_future(
            _dynamic(
                sandbox, module_name, sources, settings, final, mutants, timings, tracer
            )
        )
        static = await asyncio.gather(
            _timed("ruff", ruff_gate(work, lint, limit), timings, tracer),
            _timed("mypy", mypy_gate(work, module_file, cache, limit), timings, tracer),
            _timed("bandit", bandit_gate(work, module_file, limit), timings, tracer),
        )
        dynamic = await dynamic_task
    for group in static:
        findings.extend(group)
    findings.extend(dynamic.findings)
    return _report(findings, profile, dynamic, timings)


async def _dynamic(
    sandbox: Sandbox,
    module_name: str,
    sources: dict[str, tuple[str, Target]],
    settings: GatesSettings,
    final: bool,
    mutants: list[Mutant],
    timings: dict[str, float],
    tracer: Tracer,
) -> DynamicOutcome:
    with sandbox_span(tracer, "pytest") as span:
        outcome = await run_dynamic(
            sandbox,
            module_name,
            {name: text for name, (text, _) in sources.items()},
            test_timeout_s=settings.test_timeout_s,
            run_timeout_s=settings.run_timeout_s,
            reruns=settings.reruns if final else 0,
            mutants=mutants,
        )
        span.set_attribute("tta.tests_passed", outcome.passed)
        span.set_attribute("tta.tests_failed", outcome.failed)
        if outcome.mutants_total:
            span.set_attribute("tta.mutants_killed", outcome.mutants_killed)
            span.set_attribute("tta.mutants_total", outcome.mutants_total)
    timings["sandbox"] = round(outcome.duration_s, 4)
    return outcome


def _coverage_findings(outcome: DynamicOutcome, profile: Profile) -> list[Finding]:
    if outcome.coverage is None or outcome.failed or not outcome.tests_ran:
        return []
    if any(f.gate == "tests" and f.blocking for f in outcome.findings):
        return []
    if outcome.coverage + 1e-9 >= profile.min_coverage:
        return []
    return [
        Finding(
            gate="coverage",
            severity="error",
            code="below-threshold",
            message=f"the tests cover {outcome.coverage:.0f}% of the code's lines; "
            f"the {profile.name} profile needs {profile.min_coverage:g}%",
            target="tests",
        )
    ]


def _report(
    findings: list[Finding],
    profile: Profile,
    outcome: DynamicOutcome,
    timings: dict[str, float],
) -> GateReport:

    findings = findings + _coverage_findings(outcome, profile)
    adjusted = [
        f.model_copy(update={"severity": "warning"})
        if f.severity == "error" and f.gate not in profile.blocking
        else f
        for f in unique_by_fingerprint(findings)
    ]
    adjusted.sort(key=lambda f: (f.severity != "error", f.path, f.line or 0))
    score = None
    if outcome.mutants_total:
        score = outcome.mutants_killed / outcome.mutants_total
    return GateReport(
        findings=tuple(adjusted),
        passed=not any(f.blocking for f in adjusted),
        tests_ran=outcome.tests_ran,
        tests_passed=outcome.passed,
        tests_failed=outcome.failed,
        coverage=outcome.coverage,
        mutation_score=score,
        timings=timings,
        profile=profile.name,
        flaky_tests=tuple(outcome.flaky),
        mutants_total=outcome.mutants_total,
        mutants_killed=outcome.mutants_killed,
        test_outcomes=tuple(outcome.test_outcomes),
    )
