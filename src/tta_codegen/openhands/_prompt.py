"""The first message of an OpenHands conversation, built from a job."""

from __future__ import annotations

from pathlib import Path

from tta_codegen.naming import tests_file_name
from tta_codegen.openhands.job import OpenHandsJob

__all__ = ["build_message", "test_file_candidates"]

_MAX_FINDINGS = 30


def test_file_candidates(module_name: str) -> tuple[str, ...]:
    """Where the agent may put the tests, relative to the workspace, in order."""
    return (tests_file_name(module_name), f"tests/{tests_file_name(module_name)}")


def build_message(job: OpenHandsJob, workspace: Path) -> str:
    """Task, context, requirements, draft and findings as one instruction."""
    module_path = workspace / f"{job.module_name}.py"
    tests_path = workspace / test_file_candidates(job.module_name)[0]
    parts = [
        f"Working directory: {workspace}",
        "",
        "TASK:",
        job.task.strip(),
        "",
        "DELIVERABLES:",
        f"- Write the implementation to {module_path} (one module, stdlib only"
        " unless the task says otherwise).",
        f"- Write pytest tests for it to {tests_path}; they import"
        f" `{job.module_name}`.",
        "- Run the tests in the working directory and fix what fails.",
        "- Do not write outside the working directory. Call finish when done.",
    ]
    if job.requirements.strip():
        parts += ["", "REQUIREMENTS:", job.requirements.strip()]
    if job.context_text.strip():
        parts += ["", "CODEBASE CONTEXT (read-only reference):", job.context_text]
    if job.best_draft is not None:
        parts += [
            "",
            f"A previous draft is already in {module_path}; improve it rather"
            " than starting over.",
        ]
    if job.findings:
        parts += ["", "OPEN FINDINGS ON THE DRAFT:"]
        for finding in job.findings[:_MAX_FINDINGS]:
            where = f"{finding.path}:{finding.line}" if finding.line else finding.path
            code = f" [{finding.code}]" if finding.code else ""
            parts.append(
                f"- {finding.severity} {finding.gate}{code} {where}: {finding.message}"
            )
        if len(job.findings) > _MAX_FINDINGS:
            parts.append(f"- ... and {len(job.findings) - _MAX_FINDINGS} more")
    return "\n".join(parts) + "\n"
