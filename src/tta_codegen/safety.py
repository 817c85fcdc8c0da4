"""Output safety checks: a hook that can reject a draft with findings.

Off by default (``[safety] enabled = false``). When on, the validate node runs
the checker on every draft; its findings (gate ``safety``) block acceptance
when their severity is ``error``. The built-in checker rejects code matching
any of ``[safety] blocked_patterns``; a custom one is loaded from
``[safety] checker = "package.module:callable"``: either an object with a
``check`` method, or a factory taking ``SafetySettings`` that returns one.
The checker only reads the code as text: generated code is never imported.
"""

from __future__ import annotations

import importlib
import re
from typing import Protocol, runtime_checkable

from tta_codegen.errors import ConfigError
from tta_codegen.findings import Finding
from tta_codegen.settings import SafetySettings

__all__ = ["PatternSafetyChecker", "SafetyChecker", "load_safety_checker"]


@runtime_checkable
class SafetyChecker(Protocol):
    """Anything that can judge a draft; returns findings with gate "safety"."""

    def check(self, code: str, *, task: str) -> list[Finding]:
        """Problems found in ``code`` written for ``task`` (empty: acceptable)."""
        ...


class PatternSafetyChecker:
    """Rejects code that matches any of a list of regular expressions."""

    def __init__(self, patterns: list[str], *, severity: str = "error") -> None:
        self._patterns: list[re.Pattern[str]] = []
        for pattern in patterns:
            try:
                self._patterns.append(re.compile(pattern, re.MULTILINE))
            except re.error as exc:
                raise ConfigError(
                    f"safety.blocked_patterns: {pattern!r} is not a valid regular "
                    f"expression ({exc})"
                ) from None
        self._severity = "warning" if severity == "warning" else "error"

    def check(self, code: str, *, task: str) -> list[Finding]:
        findings: list[Finding] = []
        for pattern in self._patterns:
            for match in pattern.finditer(code):
                line = code.count("\n", 0, match.start()) + 1
                findings.append(
                    Finding(
                        gate="safety",
                        severity="warning" if self._severity == "warning" else "error",
                        message=f"blocked pattern {pattern.pattern!r} matched",
                        code="blocked-pattern",
                        line=line,
                    )
                )
                break
        return findings


def _load_custom(path: str, settings: SafetySettings) -> SafetyChecker:
    module_name, _, attr = path.partition(":")
    if not module_name or not attr:
        raise ConfigError(
            f"safety.checker must look like 'module:callable', not {path!r}"
        )
    try:
        target: object = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"safety.checker {path!r} cannot be loaded: {exc}") from None
    if not isinstance(target, type) and isinstance(target, SafetyChecker):
        return target
    if callable(target):
        made = target(settings)
        if isinstance(made, SafetyChecker):
            return made
    raise ConfigError(
        f"safety.checker {path!r} is neither a checker (with .check(code, task=...)) "
        "nor a factory returning one"
    )


def load_safety_checker(settings: SafetySettings) -> SafetyChecker | None:
    """The configured checker, or None when safety checks are off."""
    if not settings.enabled:
        return None
    if settings.checker:
        return _load_custom(settings.checker, settings)
    return PatternSafetyChecker(settings.blocked_patterns, severity=settings.severity)
