"""The output safety hook."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from tta_codegen.errors import ConfigError
from tta_codegen.safety import PatternSafetyChecker, SafetyChecker, load_safety_checker
from tta_codegen.settings import SafetySettings

pytestmark = pytest.mark.unit


def test_off_by_default() -> None:
    assert load_safety_checker(SafetySettings()) is None


def test_blocked_pattern_rejects_a_draft_with_a_finding() -> None:
    checker = load_safety_checker(
        SafetySettings(enabled=True, blocked_patterns=[r"\bos\.system\(", r"rm -rf"])
    )
    assert checker is not None
    code = "import os\n\ndef wipe():\n    os.system('rm -rf /tmp/x')\n"
    findings = checker.check(code, task="clean up")
    assert [(f.gate, f.severity, f.line) for f in findings] == [
        ("safety", "error", 4),
        ("safety", "error", 4),
    ]
    assert checker.check("def add(a, b):\n    return a + b\n", task="add") == []


def test_invalid_pattern_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="blocked_patterns"):
        PatternSafetyChecker(["(unclosed"])


def test_custom_checker_loads_from_module_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "my_safety.py").write_text(
        textwrap.dedent(
            """
            from tta_codegen.findings import Finding

            class NoPrint:
                def __init__(self, settings):
                    self.settings = settings

                def check(self, code, *, task):
                    if "print(" in code:
                        return [Finding(gate="safety", severity="error",
                                        message="no print in library code")]
                    return []
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    checker = load_safety_checker(
        SafetySettings(enabled=True, checker="my_safety:NoPrint")
    )
    assert isinstance(checker, SafetyChecker)
    assert checker.check("print(1)", task="t")[0].message == "no print in library code"
    sys.modules.pop("my_safety", None)
    with pytest.raises(ConfigError, match="cannot be loaded"):
        load_safety_checker(SafetySettings(enabled=True, checker="nope_mod:X"))
    with pytest.raises(ConfigError, match="module:callable"):
        load_safety_checker(SafetySettings(enabled=True, checker="no_colon"))
