"""Gate profiles for the component maturity workflow.

development -> staging needs >= 70% unit coverage and clean ruff, type checker
and bandit; staging -> production needs >= 80% coverage. A profile says which
gates block and the coverage threshold; ``GatesSettings`` can override both.
"""

from __future__ import annotations

from dataclasses import dataclass

from tta_codegen.settings import GatesSettings

__all__ = ["ALWAYS_BLOCKING", "PROFILES", "Profile", "requirements_text", "resolve"]

ALWAYS_BLOCKING = frozenset(
    {"syntax", "ruff", "import", "tests", "locked", "bandit", "flaky", "mutation"}
    | {"repo-tests"}
)
"""Gates whose errors block in every profile: code that does not parse, names
that do not exist, a module that does not import, failing tests, weakened
locked tests, high-severity high-confidence security issues, flaky tests,
tests that kill no mutant of the code, and a repository test that an edit
broke."""


@dataclass(frozen=True)
class Profile:
    """Which gates block acceptance, and the coverage threshold."""

    name: str
    min_coverage: float
    """Line coverage (percent) the tests must reach on the code."""
    blocking: frozenset[str]
    """Gates whose error findings block; other gates' errors become warnings."""
    summary: str
    """One line for docs and prompts."""


PROFILES: dict[str, Profile] = {
    "development": Profile(
        name="development",
        min_coverage=70.0,
        blocking=ALWAYS_BLOCKING,
        summary="code parses, imports and passes deterministic tests that kill "
        "mutants; type and coverage findings are advice",
    ),
    "staging": Profile(
        name="staging",
        min_coverage=70.0,
        blocking=ALWAYS_BLOCKING | {"mypy", "coverage"},
        summary=">= 70% line coverage; ruff, type checker and bandit clean; "
        "deterministic tests that kill mutants",
    ),
    "production": Profile(
        name="production",
        min_coverage=80.0,
        blocking=ALWAYS_BLOCKING | {"mypy", "coverage"},
        summary=">= 80% line coverage and everything staging requires",
    ),
}


def resolve(settings: GatesSettings) -> Profile:
    """The profile named in ``settings`` with its overrides applied."""
    base = PROFILES[settings.profile]
    blocking = base.blocking
    if settings.blocking_gates is not None:
        blocking = frozenset(settings.blocking_gates) | {"syntax"}
    coverage = base.min_coverage
    if settings.min_coverage is not None:
        coverage = settings.min_coverage
    return Profile(base.name, coverage, blocking, base.summary)


def requirements_text(profile: str | Profile) -> str:
    """The profile's maturity requirements as prompt text."""
    p = PROFILES[profile] if isinstance(profile, str) else profile
    lines = [
        f"Quality bar: {p.name} maturity ({p.summary}).",
        "- The module must parse and import without side effects (no network, no "
        "files outside the working directory, no input()).",
        "- No undefined names; every import must be used and available "
        "(standard library or the project's declared dependencies).",
        "- Type hints on every function; the code must pass mypy"
        + (" (blocking)." if "mypy" in p.blocking else " (advisory)."),
        "- No high-severity security issues (bandit): no eval/exec of input, no "
        "shell=True, no weak hashes for security.",
        f"- Tests: pytest functions, deterministic (no sleeps, no randomness without "
        f"a seed, no network), each fast; together they must cover >= "
        f"{p.min_coverage:g}% of the code's lines"
        + (" (blocking)." if "coverage" in p.blocking else " (advisory)."),
        "- Tests must check results precisely (exact values, boundaries, error "
        "cases), so that a changed comparison or constant in the code makes them "
        "fail.",
        "- Existing (locked) tests may never be removed or weakened.",
    ]
    return "\n".join(lines)
