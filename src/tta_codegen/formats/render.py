"""One call per command: the text to print for ``--format json|sarif|junit``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from tta_codegen.formats._files import find_repo_root
from tta_codegen.formats.choice import FORMATS, OutputFormat, choose_format
from tta_codegen.formats.junit import junit_xml
from tta_codegen.formats.sarif import sarif_log
from tta_codegen.formats.subjects import (
    Subject,
    batch_subjects,
    run_subject,
    validate_subject,
)
from tta_codegen.formats.validate_json import ValidateOutput
from tta_codegen.result import RunResult
from tta_codegen.state import CodegenRequest, GateReport

__all__ = [
    "FORMATS",
    "OutputFormat",
    "choose_format",
    "render_batch",
    "render_run",
    "render_subjects",
    "render_validate",
]


def render_subjects(
    output_format: Literal["sarif", "junit"],
    subjects: Sequence[Subject],
    *,
    suite: str,
    root: Path | None = None,
) -> str:
    """SARIF or JUnit XML text for ``subjects``; SARIF paths are relative to
    ``root`` (default: the git repository around the working directory)."""
    if output_format == "sarif":
        where = root or find_repo_root(Path.cwd())
        return json.dumps(sarif_log(subjects, root=where), indent=2) + "\n"
    return junit_xml(subjects, suite=suite)


def render_validate(
    output_format: OutputFormat,
    report: GateReport,
    code: Path,
    *,
    tests: Path | None = None,
    locked_tests: Path | None = None,
    root: Path | None = None,
) -> str:
    """``tta-codegen validate FILE --format ...``'s output."""
    if output_format == "json":
        return ValidateOutput.from_report(report).model_dump_json() + "\n"
    subject = validate_subject(report, code, tests=tests, locked_tests=locked_tests)
    return render_subjects(
        output_format, [subject], suite=f"tta-codegen validate {code}", root=root
    )


def render_run(
    output_format: OutputFormat,
    result: RunResult,
    request: CodegenRequest | None = None,
    *,
    root: Path | None = None,
) -> str:
    """``tta-codegen generate --format ...``'s output for a finished run."""
    if output_format == "json":
        return result.model_dump_json() + "\n"
    subject = run_subject(result, request)
    suite = f"tta-codegen generate {result.thread_id}"
    return render_subjects(output_format, [subject], suite=suite, root=root)


def render_batch(
    output_format: Literal["sarif", "junit"],
    name: str,
    rows: Sequence[tuple[str, RunResult]],
    *,
    tasks_file: Path | None = None,
    root: Path | None = None,
) -> str:
    """SARIF or JUnit for a batch's results (task id, result); findings of
    tasks that wrote nothing are shown on their entry in ``tasks_file``."""
    subjects = batch_subjects(rows, tasks_file)
    suite = f"tta-codegen batch {name}"
    return render_subjects(output_format, subjects, suite=suite, root=root)
