"""JUnit XML: a test case per gate and per test, for CI test-report views.

One ``<testsuite>`` (inside ``<testsuites>``, as pytest writes it). Each gate
that ran is a test case that fails when it has blocking findings (they are the
failure text; advice goes to ``system-out``); each test the tests gate ran is a
test case of its own; a generation run adds a ``generate`` case that passes,
fails (gates still fail), errors (no answer) or is skipped (awaiting review).
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from tta_codegen.findings import Finding
from tta_codegen.formats.rules import rule_id
from tta_codegen.formats.subjects import Subject
from tta_codegen.result import RunResult
from tta_codegen.state import TestOutcome

__all__ = ["GATE_ORDER", "junit_xml"]

GATE_ORDER = (
    "parse",
    "safety",
    "openhands",
    "syntax",
    "ruff",
    "mypy",
    "bandit",
    "import",
    "tests",
    "locked",
    "coverage",
    "flaky",
    "mutation",
    "review",
)
"""Gates in the order a draft meets them; others follow by name."""
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def junit_xml(
    subjects: Sequence[Subject], *, suite: str, now: dt.datetime | None = None
) -> str:
    """The JUnit XML document for ``subjects`` as one test suite named ``suite``."""
    many = len(subjects) > 1
    cases: list[ET.Element] = []
    properties = ET.Element("properties")
    for subject in subjects:
        prefix = f"{subject.label}." if many else ""
        cases.extend(_gate_cases(subject, prefix))
        cases.extend(_test_cases(subject, prefix))
        if subject.run is not None:
            cases.append(_run_case(subject.label, subject.run))
        for name, value in _properties(subject):
            ET.SubElement(
                properties, "property", name=_clean(prefix + name), value=_clean(value)
            )
    stamp = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    counts = _counts(cases)
    seconds = _seconds(sum(_subject_seconds(s) for s in subjects))
    root = ET.Element("testsuites", {"name": "tta-codegen", "time": seconds, **counts})
    testsuite = ET.SubElement(
        root,
        "testsuite",
        {"name": suite, "time": seconds, "timestamp": stamp, **counts},
    )
    testsuite.set("skipped", str(sum(c.find("skipped") is not None for c in cases)))
    if len(properties):
        testsuite.append(properties)
    testsuite.extend(cases)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _gates_that_ran(subject: Subject) -> list[str]:
    names = {f.gate for f in subject.findings}
    report = subject.report
    if report is not None:
        names |= {gate for gate in report.timings if gate != "sandbox"}
        if "sandbox" in report.timings:
            names.add("import")
        if report.tests_ran:
            names.add("tests")
        if report.coverage is not None:
            names.add("coverage")
        if report.mutants_total:
            names.add("mutation")
    order = {gate: index for index, gate in enumerate(GATE_ORDER)}
    return sorted(names, key=lambda gate: (order.get(gate, len(order)), gate))


def _gate_cases(subject: Subject, prefix: str) -> list[ET.Element]:
    cases = []
    for gate in _gates_that_ran(subject):
        case = ET.Element("testcase", classname=prefix + "gates", name=gate)
        seconds = _gate_seconds(subject, gate)
        if seconds is not None:
            case.set("time", _seconds(seconds))
        found = [f for f in subject.findings if f.gate == gate]
        blocking = [f for f in found if f.blocking]
        if blocking:
            failure = ET.SubElement(
                case,
                "failure",
                type=gate,
                message=f"{len(blocking)} blocking finding(s)",
            )
            failure.text = _clean(_lines(subject, blocking))
        advice = [f for f in found if not f.blocking]
        if advice:
            ET.SubElement(case, "system-out").text = _clean(_lines(subject, advice))
        cases.append(case)
    return cases


def _subject_seconds(subject: Subject) -> float:
    """A run's node seconds, else the gates' (they include the tests)."""
    if subject.run is not None:
        return sum(subject.run.timings.values())
    if subject.report is not None:
        return sum(subject.report.timings.values())
    return 0.0


def _gate_seconds(subject: Subject, gate: str) -> float | None:
    report = subject.report
    if report is None:
        return None
    if gate == "tests" and report.test_outcomes:
        return sum(t.duration_s for t in report.test_outcomes)
    return report.timings.get(gate)


def _test_cases(subject: Subject, prefix: str) -> list[ET.Element]:
    if subject.report is None:
        return []
    cases = []
    for test in subject.report.test_outcomes:
        module, _, rest = test.node_id.partition("::")
        parts = rest.split("::") if rest else [module]
        classname = ".".join([module.removesuffix(".py"), *parts[:-1]])
        case = ET.Element(
            "testcase",
            classname=_clean(prefix + classname),
            name=_clean(parts[-1]),
            time=_seconds(test.duration_s),
        )
        if test.outcome == "failed":
            message = _clean(_failure_text(subject, test))
            failure = ET.SubElement(case, "failure", message=message[:200])
            failure.text = message
        elif test.outcome == "skipped":
            ET.SubElement(case, "skipped")
        cases.append(case)
    return cases


def _failure_text(subject: Subject, test: TestOutcome) -> str:
    """The tests gate's finding for this test (its message starts with the
    test's name as pytest reports it: ``TestClass.test_name[param]``)."""
    name = ".".join(test.node_id.split("::")[1:])
    for finding in subject.findings:
        if finding.gate == "tests" and finding.message.startswith(f"{name} "):
            return finding.message
    return f"{name} failed"


def _run_case(label: str, run: RunResult) -> ET.Element:
    case = ET.Element("testcase", classname=_clean(label), name="generate")
    case.set("time", _seconds(sum(run.timings.values())))
    if run.status == "awaiting_review":
        ET.SubElement(case, "skipped", message="awaiting review")
    elif run.status == "interrupted" or run.error:
        error = ET.SubElement(
            case,
            "error",
            type=run.error_kind or run.status,
            message=_clean(run.error or run.status)[:200],
        )
        error.text = _clean(run.error or f"the run was {run.status}")
    elif run.status == "failed":
        ET.SubElement(
            case,
            "failure",
            type="gates",
            message=f"the gates still fail after {run.iterations} refinement round(s)",
        )
    return case


def _properties(subject: Subject) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    report = subject.report
    if report is not None:
        found.append(("profile", report.profile))
        if report.coverage is not None:
            found.append(("coverage", f"{report.coverage:.1f}"))
        if report.mutation_score is not None:
            found.append(("mutation_score", f"{report.mutation_score:.2f}"))
    if subject.run is not None:
        found.append(("thread_id", subject.run.thread_id))
        found.append(("status", subject.run.status))
        if subject.run.model:
            found.append(("model", subject.run.model))
    return found


def _lines(subject: Subject, findings: list[Finding]) -> str:
    return "\n".join(
        f"{_where(subject, f)}: {f.severity} [{rule_id(f)}] {f.message}"
        for f in findings
    )


def _where(subject: Subject, finding: Finding) -> str:
    place = subject.files.locate(finding)
    if place is not None and not place.anchored:
        path, line = place.path, place.line
    else:
        path, line = finding.path or subject.label, finding.line
    return f"{path}:{line}" if line else path


def _counts(cases: list[ET.Element]) -> dict[str, str]:
    return {
        "tests": str(len(cases)),
        "failures": str(sum(c.find("failure") is not None for c in cases)),
        "errors": str(sum(c.find("error") is not None for c in cases)),
    }


def _seconds(value: float) -> str:
    return f"{max(value, 0.0):.3f}"


def _clean(text: str) -> str:
    """Text XML 1.0 can hold (test output may carry terminal escapes)."""
    return _NOT_XML.sub("", text)
