"""Is a task simple (one direct generation) or complex and multi-step?

Transparent heuristics over the task text, the template category and the context
paths: each signal adds to a score and names itself in ``reasons``, so the route
and its cause can be shown to the user. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "COMPLEX_THRESHOLD",
    "COMPLEX_TEMPLATE_CATEGORIES",
    "Complexity",
    "Route",
    "choose_route",
    "classify_task",
    "should_escalate",
]

Route = Literal["direct", "openhands"]

COMPLEX_THRESHOLD = 2.0
"""A task whose score reaches this is complex."""

COMPLEX_TEMPLATE_CATEGORIES = frozenset(
    {"refactoring", "migration", "multi_file", "project", "scaffolding"}
)
"""Template categories that are multi-step by nature."""

_FILE = re.compile(
    r"(?<![\w/.-])[\w][\w/.-]*\.(?:py|pyi|toml|ya?ml|json|md|cfg|ini|txt|sql|sh|js|ts)\b"
)
_COMPONENT_NOUNS = re.compile(
    r"\b(?:modules|components|services|packages|layers|endpoints|"
    r"subsystems|microservices|files)\b",
    re.IGNORECASE,
)
_CROSS_CUTTING = re.compile(
    r"\b(?:refactor(?:ing)? across|across (?:the|all|every|each)|all modules|"
    r"every (?:module|file|service|component)|all (?:files|services|components)|"
    r"migrat(?:e|es|ing|ion)|throughout|everywhere|"
    r"rename \w+ (?:in|across) )",
    re.IGNORECASE,
)
_REPO_WIDE = re.compile(
    r"\b(?:repository|repo|codebase|code base|project)[- ]wide\b|"
    r"\b(?:whole|entire) (?:repository|repo|codebase|code base|project)\b|"
    r"\bscaffold\b|\bset up (?:a|the) (?:new )?(?:project|package|repository)\b",
    re.IGNORECASE,
)
_NUMBERED_STEP = re.compile(
    r"(?:^|\n)\s*\d{1,2}[.)]\s|\bstep \d{1,2}\b|\(\d{1,2}\)\s", re.IGNORECASE
)
_BULLET = re.compile(r"(?:^|\n)\s*[-*\u2022]\s+\S")
_SEQUENCE = re.compile(
    r"\b(?:and then|after that|afterwards|once (?:that|this) is done|"
    r"then (?:run|update|add|write|create|change|migrate|delete)|finally,)",
    re.IGNORECASE,
)
_COMMANDS = re.compile(
    r"\b(?:run (?:the )?(?:tests?|pytest|migrations?|linters?|the build|it)|"
    r"pip install|uv (?:add|sync|run)|npm |git (?:commit|mv|rebase|log|diff)|"
    r"docker|makefile|make \w+|alembic|execute (?:the |a )?(?:command|script)|"
    r"shell command|in the terminal|install (?:the )?dependenc)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Complexity:
    """How complex a task looks, and why."""

    level: Literal["simple", "complex"]
    """complex when ``score`` reaches COMPLEX_THRESHOLD."""
    score: float
    """Sum of the signal weights."""
    reasons: tuple[str, ...]
    """One short phrase per signal that fired, e.g. "3 files"."""

    @property
    def summary(self) -> str:
        """The reasons joined, or "no multi-step signals"."""
        return ", ".join(self.reasons) if self.reasons else "no multi-step signals"


def classify_task(
    task: str,
    *,
    template_category: str | None = None,
    context_paths: Sequence[str] = (),
) -> Complexity:
    """Score ``task`` on multi-step signals; see the module docstring."""
    signals: list[tuple[float, str]] = []

    files = {m.group(0).lower() for m in _FILE.finditer(task)}
    files.update(p.lower() for p in context_paths)
    if len(files) >= 2:
        signals.append((min(2.5, len(files) - 1.0), f"{len(files)} files"))

    components = {m.group(0).lower() for m in _COMPONENT_NOUNS.finditer(task)}
    if components - {"files"}:
        signals.append((1.0, "several modules/components named"))

    if _CROSS_CUTTING.search(task):
        signals.append((2.0, "cross-cutting change"))
    if _REPO_WIDE.search(task):
        signals.append((2.0, "repository-wide operation"))

    steps = len(_NUMBERED_STEP.findall(task))
    bullets = len(_BULLET.findall(task))
    if steps >= 2:
        signals.append((2.0 if steps >= 3 else 1.5, f"{steps} numbered steps"))
    elif bullets >= 3:
        signals.append((1.0, f"{bullets} listed steps"))

    if _SEQUENCE.search(task):
        signals.append((1.0, "sequenced steps ('and then')"))
    if _COMMANDS.search(task):
        signals.append((1.0, "needs to run commands"))

    words = len(task.split())
    if words > 300:
        signals.append((1.5, f"long task ({words} words)"))
    elif words > 150:
        signals.append((0.75, f"long task ({words} words)"))

    if template_category and template_category.lower() in COMPLEX_TEMPLATE_CATEGORIES:
        signals.append((1.0, f"template category {template_category!r}"))

    score = round(sum(weight for weight, _ in signals), 2)
    level: Literal["simple", "complex"] = (
        "complex" if score >= COMPLEX_THRESHOLD else "simple"
    )
    return Complexity(
        level=level, score=score, reasons=tuple(reason for _, reason in signals)
    )


def choose_route(complexity: Complexity, *, enabled: bool) -> tuple[Route, str]:
    """The route for a classified task and a reason a user can read."""
    if complexity.level == "simple":
        return (
            "direct",
            f"simple task (score {complexity.score:g} < {COMPLEX_THRESHOLD:g}; "
            f"{complexity.summary})",
        )
    described = f"complex multi-step task ({complexity.summary})"
    if not enabled:
        return "direct", f"{described} but OpenHands is postponed (ADR-001)"
    return "openhands", described


def should_escalate(
    level: Literal["simple", "complex"] | None,
    *,
    enabled: bool,
    stalled: bool,
    iterations_left: int,
    already_escalated: bool = False,
) -> tuple[bool, str]:
    """Hand a failing run to OpenHands?

    Only complex tasks escalate, only once (never a run OpenHands already
    worked on), only when OpenHands is enabled, and only when refinement
    stalled (same findings twice) or has no iterations left.
    """
    if level != "complex":
        return False, "not escalated: simple task"
    if already_escalated:
        return False, "not escalated: OpenHands already worked on this run"
    if not (stalled or iterations_left <= 0):
        return False, "not escalated: refinement is still making progress"
    why = "refinement stalled" if stalled else "refinement ran out of iterations"
    if not enabled:
        return False, f"not escalated: {why} but OpenHands is postponed (ADR-001)"
    return True, f"escalated to OpenHands: {why} on a complex task"
