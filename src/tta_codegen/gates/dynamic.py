"""Gates that execute the code, all inside the sandbox in one process start:
import check, tests with per-test timeout and coverage, and (final pass) re-runs
for flakiness and the mutation pass."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tta_codegen.findings import Finding
from tta_codegen.gates._disk import describe_limit
from tta_codegen.gates._process import ExecResult
from tta_codegen.gates.mutation import Mutant
from tta_codegen.gates.sandbox import Sandbox
from tta_codegen.naming import locked_tests_file_name, tests_file_name
from tta_codegen.settings import GatesSettings
from tta_codegen.state import TestOutcome

__all__ = ["DynamicOutcome", "run_dynamic"]

RUNNER = Path(__file__).with_name("_runner.py")
RESULT = ".tta/result.json"


@dataclass
class DynamicOutcome:
    """What the sandboxed run found."""

    findings: list[Finding] = field(default_factory=list)
    tests_ran: bool = False
    passed: int = 0
    failed: int = 0
    coverage: float | None = None
    flaky: list[str] = field(default_factory=list)
    mutants_total: int = 0
    mutants_killed: int = 0
    duration_s: float = 0.0
    test_outcomes: list[TestOutcome] = field(default_factory=list)


async def run_dynamic(
    sandbox: Sandbox,
    module_name: str,
    files: dict[str, str],
    *,
    test_timeout_s: float,
    run_timeout_s: float,
    reruns: int = 0,
    mutants: list[Mutant] | None = None,
) -> DynamicOutcome:
    """Run the runner once in the sandbox and turn its result into findings."""
    module_file = f"{module_name}.py"
    test_files = [n for n in files if n != module_file]
    payload = dict(files)
    payload[".tta/runner.py"] = RUNNER.read_text()
    payload["pytest.ini"] = "[pytest]\n"
    for mutant in mutants or []:
        payload[f".tta/mutants/{mutant.id}/{module_file}"] = mutant.source
    spec = {
        "module": module_name,
        "tests": test_files,
        "files": [module_file, *test_files],
        "test_timeout": test_timeout_s,
        "reruns": reruns,
        "mutants": [
            {"id": m.id, "file": f".tta/mutants/{m.id}/{module_file}"}
            for m in mutants or []
        ],
        "result": RESULT,
    }
    payload[".tta/spec.json"] = json.dumps(spec)
    timeout = run_timeout_s * (2 if mutants or reruns else 1)
    result = await sandbox.run(
        ["python", "-I", "-B", ".tta/runner.py", ".tta/spec.json"],
        payload,
        timeout_s=timeout,
        outputs=(RESULT,),
    )
    try:
        data: dict[str, Any] = json.loads(result.outputs.get(RESULT, "{}"))
    except ValueError:
        data = {}
    outcome = DynamicOutcome(duration_s=result.duration_s)
    limits = sandbox.settings
    _import_findings(outcome, data, result, module_file, limits)
    _test_findings(outcome, data, result, module_name, test_files, limits)
    _flaky_findings(outcome, data)
    _mutation_findings(outcome, data, mutants or [], module_file)
    return outcome


def _crash(result: ExecResult) -> str:
    if result.killed_reason is not None:
        return f"killed at the {result.killed_reason}"
    tail = result.stderr.strip().splitlines()[-3:]
    return f"exit status {result.returncode}: " + " | ".join(tail)[-400:]


def _disk_finding(
    gate: str, what: str, kind: str | None, limits: GatesSettings, **where: Any
) -> Finding:
    return Finding(
        gate=gate,
        severity="error",
        code="file-size-limit" if kind == "file" else "disk-limit",
        message=f"{what}: {describe_limit(kind, limits)}",
        **where,
    )


def _over_cap(result: ExecResult, limits: GatesSettings) -> Finding:
    """The process sandbox saw the run's folders grow above a cap."""
    what = "the test run was stopped"
    if result.killed_reason is None:  # it ended before the watch caught it
        what = "the test run ended above a disk cap"
    return _disk_finding("tests", what, result.disk_limit, limits)


def _import_findings(
    outcome: DynamicOutcome,
    data: dict[str, Any],
    result: ExecResult,
    path: str,
    limits: GatesSettings,
) -> None:
    info = data.get("import")
    if info is None and result.disk_limit is not None:
        what = "importing the module was stopped"
        outcome.findings.append(
            _disk_finding("import", what, result.disk_limit, limits, path=path)
        )
    elif info is None:
        outcome.findings.append(
            Finding(
                gate="import",
                severity="error",
                code="crashed",
                message=f"importing the module ended the process ({_crash(result)})",
                path=path,
            )
        )
    elif not info["ok"] and info.get("disk"):
        what = f"importing the module raised {info['type']}"
        outcome.findings.append(
            _disk_finding(
                "import",
                what,
                _kind(info["disk"]),
                limits,
                path=path,
                line=info.get("line"),
            )
        )
    elif not info["ok"]:
        outcome.findings.append(
            Finding(
                gate="import",
                severity="error",
                code=info["type"],
                message=f"importing the module raised {info['type']}: {info['error']}",
                path=path,
                line=info.get("line"),
            )
        )


def _test_findings(
    outcome: DynamicOutcome,
    data: dict[str, Any],
    result: ExecResult,
    module: str,
    test_files: list[str],
    limits: GatesSettings,
) -> None:
    if not data.get("import", {}).get("ok"):
        return
    tests = data.get("tests")
    if result.disk_limit is not None and test_files:
        outcome.findings.append(_over_cap(result, limits))
        if tests is None:
            return
    if tests is None:
        if test_files:
            outcome.findings.append(
                Finding(
                    gate="tests",
                    severity="error",
                    code="run-timeout" if result.timed_out else "crashed",
                    message=f"the test run did not finish ({_crash(result)})",
                )
            )
        return
    outcome.tests_ran = True
    locked = locked_tests_file_name(module)
    for error in tests["collect_errors"]:
        in_locked = error["path"] == locked
        outcome.findings.append(
            Finding(
                gate="tests",
                severity="error",
                code="collection-error",
                message=f"{error['path']} cannot be collected: "
                + _last_line(error["message"]),
                path=error["path"],
                target="code" if in_locked else "tests",
            )
        )
    for item in tests["results"]:
        if item["outcome"] == "passed" and item["when"] == "call":
            outcome.passed += 1
        elif item["outcome"] == "failed":
            outcome.failed += 1
            outcome.findings.append(_failure(item, limits))
    ran_locked = any(r["file"] == locked for r in tests["results"])
    if locked in test_files and not ran_locked and not tests["collect_errors"]:
        outcome.findings.append(
            Finding(
                gate="locked",
                severity="error",
                code="locked-not-run",
                message="the locked tests did not run",
                path=locked,
                target="tests",
            )
        )
    generated = tests_file_name(module)
    if (
        generated in test_files
        and not any(r["file"] == generated for r in tests["results"])
        and not any(e["path"] == generated for e in tests["collect_errors"])
    ):
        outcome.findings.append(
            Finding(
                gate="tests",
                severity="error",
                code="no-tests",
                message="the tests file defines no test that pytest collects",
                path=generated,
                target="tests",
            )
        )
    outcome.coverage = data.get("coverage")
    outcome.test_outcomes = _per_test(tests["results"])


def _per_test(results: list[dict[str, Any]]) -> list[TestOutcome]:
    """One outcome per node id, in run order: failed if any reported phase
    failed, else skipped if one was skipped; the phases' seconds added up."""
    rank = {"passed": 0, "skipped": 1, "failed": 2}
    outcomes: dict[str, str] = {}
    seconds: dict[str, float] = {}
    for item in results:
        node = item["nodeid"]
        outcomes[node] = max(
            outcomes.get(node, "passed"), item["outcome"], key=rank.__getitem__
        )
        seconds[node] = seconds.get(node, 0.0) + float(item.get("duration") or 0.0)
    return [
        TestOutcome.model_validate(
            {"node_id": node, "outcome": outcome, "duration_s": round(seconds[node], 4)}
        )
        for node, outcome in outcomes.items()
    ]


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("E ")]
    return (errors[-1][2:].strip() if errors else lines[-1] if lines else "")[:400]


def _kind(disk: str) -> str | None:
    """The runner's "disk" (which of the two is not known) is None here."""
    return None if disk == "disk" else disk


def _failure(item: dict[str, Any], limits: GatesSettings) -> Finding:
    name = item["name"]
    if item.get("disk"):
        phase = "" if item["when"] == "call" else f" in {item['when']}"
        return _disk_finding(
            "tests",
            f"{name} failed{phase}",
            _kind(item["disk"]),
            limits,
            path=item["path"],
            line=item["line"],
        )
    if item["timeout"]:
        return Finding(
            gate="tests",
            severity="error",
            code="timeout",
            message=f"{name} timed out (hangs or is too slow)",
            path=item["file"],
            line=item["line"],
        )
    phase = "" if item["when"] == "call" else f" in {item['when']}"
    first = item["message"].strip().splitlines()
    return Finding(
        gate="tests",
        severity="error",
        code="failed",
        message=f"{name} failed{phase}: {' '.join(first[:3])[:400]}",
        path=item["path"],
        line=item["line"],
    )


def _flaky_findings(outcome: DynamicOutcome, data: dict[str, Any]) -> None:
    passed_first = {
        r["nodeid"]: r["name"]
        for r in data.get("tests", {}).get("results", [])
        if r["outcome"] == "passed"
    }
    flaky: dict[str, str] = {}
    for run in data.get("reruns", []):
        for item in run:
            if item["nodeid"] == "*":
                flaky["*"] = "the re-run"
            elif item["outcome"] == "failed" and item["nodeid"] in passed_first:
                flaky[item["nodeid"]] = passed_first[item["nodeid"]]
    for nodeid, name in flaky.items():
        outcome.flaky.append(name)
        outcome.findings.append(
            Finding(
                gate="flaky",
                severity="error",
                code="flaky",
                message=f"{name} passed, then failed on a re-run: make it "
                "deterministic or drop it",
                path=nodeid.split("::")[0] if nodeid != "*" else "",
                target="tests",
            )
        )


def _mutation_findings(
    outcome: DynamicOutcome, data: dict[str, Any], mutants: list[Mutant], path: str
) -> None:
    results = data.get("mutants")
    if not mutants or results is None:
        return
    by_id = {m.id: m for m in mutants}
    outcome.mutants_total = len(results)
    outcome.mutants_killed = sum(1 for r in results if r["killed"])
    survivors = [by_id[r["id"]] for r in results if not r["killed"]]
    if outcome.mutants_total and not outcome.mutants_killed:
        outcome.findings.append(
            Finding(
                gate="mutation",
                severity="error",
                code="no-mutant-killed",
                message=f"the tests pass on all {outcome.mutants_total} mutants of "
                "the code: they check almost nothing; assert exact results",
                target="tests",
            )
        )
    for mutant in survivors[:3]:
        outcome.findings.append(
            Finding(
                gate="mutation",
                severity="warning",
                code="survived",
                message=f"no test notices {mutant.description} in {mutant.function}()",
                path=path,
                line=mutant.line,
                target="tests",
            )
        )
