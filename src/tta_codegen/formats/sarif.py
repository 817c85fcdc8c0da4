"""SARIF 2.1.0: findings as results GitHub code scanning shows on their lines.

One run, tool ``tta-codegen``; a rule per distinct ``<gate>/<code>``; each
result with a level from the finding's severity, a location relative to the
repository root (``%SRCROOT%``) and the finding's fingerprint as a partial
fingerprint, so an alert keeps its identity when the code around it moves.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from tta_codegen.findings import Finding
from tta_codegen.formats._files import Location, relative_uri
from tta_codegen.formats.rules import Rule, rule_for
from tta_codegen.formats.subjects import Subject

__all__ = [
    "FINGERPRINT_KEY",
    "SARIF_SCHEMA_URI",
    "SRCROOT",
    "sarif_log",
    "tool_version",
]

SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
    "sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
"""The base id of every relative URI: the repository root."""
FINGERPRINT_KEY = "ttaCodegenFinding/v1"
"""Key of ``Finding.fingerprint`` in each result's ``partialFingerprints``."""
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}

JSONObject = dict[str, object]


@cache
def tool_version() -> str:
    """The installed tta-codegen version."""
    try:
        return version("tta-codegen")
    except PackageNotFoundError:
        return "0.0.0+unknown"


def sarif_log(subjects: Sequence[Subject], *, root: Path) -> JSONObject:
    """The SARIF log for ``subjects``; relative URIs are relative to ``root``."""
    rules: dict[str, Rule] = {}
    indexes: dict[str, int] = {}
    results: list[JSONObject] = []
    for subject in subjects:
        for finding in subject.findings:
            rule = rule_for(finding)
            if rule.id not in indexes:
                indexes[rule.id] = len(rules)
                rules[rule.id] = rule
            results.append(_result(subject, finding, rule, indexes[rule.id], root))
    run: JSONObject = {
        "tool": {"driver": _driver(list(rules.values()))},
        "originalUriBaseIds": {SRCROOT: {"uri": root.resolve().as_uri() + "/"}},
        "invocations": [
            {"executionSuccessful": all(_ran_to_the_end(s) for s in subjects)}
        ],
        "results": results,
        "properties": {"subjects": [_subject_summary(s) for s in subjects]},
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _driver(rules: list[Rule]) -> JSONObject:
    return {
        "name": "tta-codegen",
        "version": tool_version(),
        "semanticVersion": tool_version(),
        "rules": [_rule(rule) for rule in rules],
    }


def _rule(rule: Rule) -> JSONObject:
    entry: JSONObject = {
        "id": rule.id,
        "shortDescription": {"text": rule.description},
        "properties": {"tags": ["tta-codegen", rule.gate]},
    }
    if rule.help_uri is not None:
        entry["helpUri"] = rule.help_uri
    return entry


def _result(
    subject: Subject, finding: Finding, rule: Rule, index: int, root: Path
) -> JSONObject:
    where = subject.files.locate(finding)
    result: JSONObject = {
        "ruleId": rule.id,
        "ruleIndex": index,
        "level": _LEVEL[finding.severity],
        "message": {"text": _message(subject, finding, where)},
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "gate": finding.gate,
            "target": finding.target,
            "blocking": finding.blocking,
            "subject": subject.label,
        },
    }
    if where is not None:
        result["locations"] = [_location(where, root)]
    return result


def _message(subject: Subject, finding: Finding, where: Location | None) -> str:
    """The finding's message; for a run's finding shown away from its own file,
    prefixed with the run (task) and the file and line it names."""
    if subject.run is None or (where is not None and not where.anchored):
        return finding.message
    place = finding.path + (f":{finding.line}" if finding.line else "")
    return f"{subject.label}: " + (f"{place}: " if place else "") + finding.message


def _location(where: Location, root: Path) -> JSONObject:
    uri, inside = relative_uri(where.path, root)
    artifact: JSONObject = {"uri": uri}
    if inside:
        artifact["uriBaseId"] = SRCROOT
    physical: JSONObject = {"artifactLocation": artifact}
    if where.line is not None and where.line >= 1:
        physical["region"] = {"startLine": where.line}
    return {"physicalLocation": physical}


def _ran_to_the_end(subject: Subject) -> bool:
    """False when a run stopped without an answer (no model, budget, Ctrl-C)."""
    run = subject.run
    if run is None:
        return True
    return run.status != "interrupted" and run.error_kind not in (
        "model",
        "budget",
        "input",
    )


def _subject_summary(subject: Subject) -> JSONObject:
    summary: JSONObject = {
        "label": subject.label,
        "blockingFindings": sum(1 for f in subject.findings if f.blocking),
    }
    if subject.run is not None:
        summary["threadId"] = subject.run.thread_id
        summary["status"] = subject.run.status
    if subject.report is not None:
        summary["passed"] = subject.report.passed
    return summary
