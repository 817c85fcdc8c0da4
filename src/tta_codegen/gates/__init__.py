"""Quality gates and the sandbox that runs untrusted code.

``run_gates`` runs every gate on one draft and returns a ``GateReport``;
``create_sandbox`` builds the isolation every execution of generated code
goes through; ``profiles`` holds the maturity profiles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tta_codegen._lazy import lazy_exports

if TYPE_CHECKING:
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

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "ExecResult": "tta_codegen.gates._process",
        "Mutant": "tta_codegen.gates.mutation",
        "PROFILES": "tta_codegen.gates.profiles",
        "Profile": "tta_codegen.gates.profiles",
        "Sandbox": "tta_codegen.gates.sandbox",
        "create_sandbox": "tta_codegen.gates.sandbox",
        "drop_tests": "tta_codegen.gates.flaky",
        "make_mutants": "tta_codegen.gates.mutation",
        "requirements_text": "tta_codegen.gates.profiles",
        "run_gates": "tta_codegen.gates.run",
    },
)
