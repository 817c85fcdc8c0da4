"""What the renderers draw: one ``Subject`` per checked file or generation run.

Adapters build subjects from ``validate``'s gate report, from a run's
``RunResult`` (with its request, when at hand) and from ``batch --json`` rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tta_codegen.findings import Finding
from tta_codegen.formats._files import FileMap
from tta_codegen.naming import module_file_name
from tta_codegen.result import RunResult
from tta_codegen.state import CodegenRequest, GateReport

__all__ = [
    "Subject",
    "batch_subjects",
    "run_subject",
    "task_line",
    "validate_subject",
]


@dataclass(frozen=True)
class Subject:
    """One checked unit: a validated file, or one generation run."""

    label: str
    """Its name in reports: the file for validate, thread or task id for runs."""
    findings: tuple[Finding, ...]
    """What the gates (and answer checks) found."""
    files: FileMap
    """Where its findings are on disk."""
    report: GateReport | None = None
    """The full gate report (gate timings, per-test outcomes) when at hand."""
    run: RunResult | None = None
    """The generation run (status, error, rounds); None for validate."""


def validate_subject(
    report: GateReport,
    code: Path,
    *,
    tests: Path | None = None,
    locked_tests: Path | None = None,
) -> Subject:
    """The subject of ``tta-codegen validate FILE``: the files as the user named
    them; findings without a file of their own are shown on FILE."""
    files = FileMap(
        module=code.stem,
        code=str(code),
        tests=str(tests) if tests is not None else None,
        locked_tests=str(locked_tests) if locked_tests is not None else None,
        anchor=str(code),
    )
    return Subject(str(code), report.findings, files, report=report)


def run_subject(
    result: RunResult,
    request: CodegenRequest | None = None,
    *,
    label: str | None = None,
    anchor: str | None = None,
    anchor_line: int | None = None,
) -> Subject:
    """The subject of one generation run.

    Findings point at the written files; when a file was not written (a failed
    run writes nothing) they are shown on ``anchor``, by default the path the
    code was meant for (``--out``, or ``<module>.py``).
    """
    module = _module_name(result, request)
    if anchor is None and request is not None:
        anchor = request.out_path or module_file_name(request.module_name)
    files = FileMap(
        module=module,
        code=result.code_path,
        tests=result.tests_path,
        anchor=anchor,
        anchor_line=anchor_line,
    )
    return Subject(
        label or result.thread_id,
        tuple(result.findings),
        files,
        report=result.report,
        run=result,
    )


def _module_name(result: RunResult, request: CodegenRequest | None) -> str | None:
    if request is not None:
        return request.module_name
    if result.code_path:
        return Path(result.code_path).stem
    return None


def batch_subjects(
    rows: Iterable[tuple[str, RunResult]], tasks_file: Path | None = None
) -> list[Subject]:
    """Subjects of a batch's finished tasks (task id, result); findings of a task
    whose files were not written are shown on its entry in ``tasks_file``."""
    text = _read(tasks_file)
    return [
        run_subject(
            result,
            label=task_id,
            anchor=str(tasks_file) if tasks_file is not None else None,
            anchor_line=task_line(text, task_id),
        )
        for task_id, result in rows
    ]


def _read(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def task_line(tasks_text: str, task_id: str) -> int | None:
    """1-based line of ``id: <task_id>`` in a batch file's text, if found."""
    pattern = re.compile(
        rf"""^\s*(?:-\s*)?id:\s*(['"]?){re.escape(task_id)}\1\s*(?:#.*)?$"""
    )
    for number, line in enumerate(tasks_text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None
