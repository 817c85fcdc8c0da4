"""Quality gates and the sandbox that runs untrusted code.

``run_gates`` runs every gate on one draft and returns a ``GateReport``;
``create_sandbox`` builds the isolation every execution of generated code
goes through; ``profiles`` holds the maturity profiles.
"""

from tta_codegen.gates._process import ExecResult
from tta_codegen.gates.convergence import (
    blocking_fingerprints,
    is_stalled,
    unique_by_fingerprint,
)
from tta_codegen.gates.dynamic import locked_tests_name, tests_name
from tta_codegen.gates.findings import Finding, blocking
from tta_codegen.gates.flaky import drop_tests
from tta_codegen.gates.mutation import Mutant, make_mutants
from tta_codegen.gates.profiles import PROFILES, Profile, requirements_text
from tta_codegen.gates.run import run_gates
from tta_codegen.gates.sandbox import Sandbox, create_sandbox

__all__ = [
    "PROFILES",
    "ExecResult",
    "Finding",
    "Mutant",
    "Profile",
    "Sandbox",
    "blocking",
    "blocking_fingerprints",
    "create_sandbox",
    "drop_tests",
    "is_stalled",
    "locked_tests_name",
    "make_mutants",
    "requirements_text",
    "run_gates",
    "tests_name",
    "unique_by_fingerprint",
]
