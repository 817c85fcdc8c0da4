"""Quality gates and the sandbox that runs untrusted code.

``run_gates`` runs every gate on one draft and returns a ``GateReport``;
``create_sandbox`` builds the isolation every execution of generated code
goes through; ``profiles`` holds the maturity profiles.
"""

from tta_codegen.gates._process import ExecResult
from tta_codegen.gates.flaky import drop_tests
from tta_codegen.gates.mutation import Mutant, make_mutants
from tta_codegen.gates.profiles import PROFILES, Profile, requirements_text
from tta_codegen.gates.run import run_gates
from tta_codegen.gates.sandbox import Sandbox, create_sandbox

__all__ = [
    "PROFILES",
    "ExecResult",
    "Mutant",
    "Profile",
    "Sandbox",
    "create_sandbox",
    "drop_tests",
    "make_mutants",
    "requirements_text",
    "run_gates",
]
