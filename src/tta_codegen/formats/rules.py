"""Rule ids, descriptions and help links for findings (SARIF ``rules``).

A rule id is ``<gate>/<code>`` (``ruff/F821``, ``mypy/name-defined``,
``tests/failed``), or the gate alone for a finding without a code.
"""

from __future__ import annotations

from dataclasses import dataclass

from tta_codegen.findings import Finding

__all__ = ["Rule", "rule_for", "rule_id"]

_EXACT = {
    "syntax/E999": "The file does not parse.",
    "import/crashed": "Importing the module ends the process.",
    "tests/failed": "A test fails.",
    "tests/timeout": "A test hangs or is too slow.",
    "tests/collection-error": "A tests file cannot be collected.",
    "tests/no-tests": "The tests file defines no test pytest collects.",
    "tests/crashed": "The test run ends the process.",
    "tests/run-timeout": "The test run does not finish in time.",
    "locked/locked-not-run": "The locked tests did not run.",
    "coverage/below-threshold": "The tests cover too few of the code's lines.",
    "flaky/flaky": "A test passes, then fails on a re-run.",
    "mutation/no-mutant-killed": "The tests pass on every mutant of the code.",
    "mutation/survived": "No test notices a mutation of the code.",
    "parse/no-python": "The model's answer holds no Python module.",
    "safety/blocked-pattern": "The draft matches a blocked pattern.",
}
_BY_GATE = {
    "ruff": "ruff rule {code}.",
    "mypy": "mypy error code {code}.",
    "bandit": "bandit check {code}.",
    "import": "Importing the module raises {code}.",
}
_HELP = {
    "ruff": "https://docs.astral.sh/ruff/rules/",
    "mypy": "https://mypy.rtfd.io/en/stable/_refs.html#code-{code}",
    "bandit": "https://bandit.readthedocs.io/en/latest/plugins/index.html",
}


@dataclass(frozen=True)
class Rule:
    """What a rule id means, for the SARIF ``rules`` table."""

    id: str
    """``<gate>/<code>``, or the gate alone."""
    gate: str
    """The gate whose findings it covers."""
    description: str
    """One sentence: what the rule checks."""
    help_uri: str | None = None
    """The tool's documentation for it, when it has one."""


def rule_id(finding: Finding) -> str:
    """``<gate>/<code>``, or the gate alone when the finding has no code."""
    return f"{finding.gate}/{finding.code}" if finding.code else finding.gate


def rule_for(finding: Finding) -> Rule:
    """The rule ``finding`` reports under."""
    ident = rule_id(finding)
    template = _BY_GATE.get(finding.gate, "{gate} gate: {code}.")
    description = _EXACT.get(ident) or (
        template.format(gate=finding.gate, code=finding.code)
        if finding.code
        else f"{finding.gate} gate."
    )
    help_template = _HELP.get(finding.gate)
    help_uri = None
    if help_template is not None and finding.code:
        help_uri = help_template.format(code=finding.code)
    return Rule(ident, finding.gate, description, help_uri)
