"""write_output: write accepted files atomically and set the final status."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from langgraph.runtime import Runtime

from tta_codegen.runtime import RunContext
from tta_codegen.state import CodegenState

__all__ = ["atomic_write", "write_output"]


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so a crash leaves the old file or the new one,
    never half a file (temp file in the same folder, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


async def write_output(
    state: CodegenState, runtime: Runtime[RunContext]
) -> CodegenState:
    """Succeeded: write code and tests where asked. Failed or rejected: write
    nothing (the draft and report stay in the checkpoint and the result)."""
    request = state["request"]
    decision = state.get("review")
    report = state.get("report")
    if decision is not None and not decision.approved:
        return {"status": "failed", "error": "rejected in review"}
    accepted = decision is not None or bool(report and report.passed)
    if not accepted:
        return {"status": "failed"}
    update: CodegenState = {"status": "succeeded"}
    if request.out_path:
        atomic_write(Path(request.out_path), state.get("code", ""))
        update["code_path"] = request.out_path
    tests = state.get("tests")
    if request.tests_out_path and tests:
        atomic_write(Path(request.tests_out_path), tests)
        update["tests_path"] = request.tests_out_path
    return update
