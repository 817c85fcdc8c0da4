"""Quality gates and the sandbox that runs untrusted code.

``run_gates`` runs every gate on one draft and returns a ``GateReport``;
``create_sandbox`` builds the isolation every execution of generated code
goes through; ``profiles`` holds the maturity profiles. For edit runs,
``run_repo_tests`` runs the repository's own tests that exercise a change set
and ``locked_test_findings`` refuses changes to existing tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tta_codegen._lazy import lazy_exports

if TYPE_CHECKING:
    from tta_codegen.gates._process import ExecResult
    from tta_codegen.gates.flaky import drop_tests
    from tta_codegen.gates.locked_tests import locked_test_findings
    from tta_codegen.gates.mutation import Mutant, make_mutants
    from tta_codegen.gates.profiles import PROFILES, Profile, requirements_text
    from tta_codegen.gates.repo_tests import (
        BaselineCache,
        RepoTestOutcome,
        run_repo_tests,
        tests_for,
    )
    from tta_codegen.gates.run import run_gates
    from tta_codegen.gates.sandbox import Sandbox, create_sandbox

__all__ = [
    "PROFILES",
    "BaselineCache",
    "ExecResult",
    "Mutant",
    "Profile",
    "RepoTestOutcome",
    "Sandbox",
    "create_sandbox",
    "drop_tests",
    "locked_test_findings",
    "make_mutants",
    "requirements_text",
    "run_gates",
    "run_repo_tests",
    "tests_for",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "BaselineCache": "tta_codegen.gates.repo_tests",
        "ExecResult": "tta_codegen.gates._process",
        "Mutant": "tta_codegen.gates.mutation",
        "PROFILES": "tta_codegen.gates.profiles",
        "RepoTestOutcome": "tta_codegen.gates.repo_tests",
        "Profile": "tta_codegen.gates.profiles",
        "Sandbox": "tta_codegen.gates.sandbox",
        "create_sandbox": "tta_codegen.gates.sandbox",
        "drop_tests": "tta_codegen.gates.flaky",
        "locked_test_findings": "tta_codegen.gates.locked_tests",
        "make_mutants": "tta_codegen.gates.mutation",
        "requirements_text": "tta_codegen.gates.profiles",
        "run_gates": "tta_codegen.gates.run",
        "run_repo_tests": "tta_codegen.gates.repo_tests",
        "tests_for": "tta_codegen.gates.repo_tests",
    },
)
