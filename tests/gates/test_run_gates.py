"""run_gates on small drafts: what blocks, what is advice, and who must fix it."""

from __future__ import annotations

import logging

import pytest

from tta_codegen.gates import Sandbox, run_gates
from tta_codegen.settings import GatesSettings
from tta_codegen.state import GateReport

pytestmark = [pytest.mark.integration]

CODE = '''def clamp(x: int, lo: int, hi: int) -> int:
    """Clamp x into [lo, hi]."""
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x
'''
TESTS = """from calc import clamp


def test_inside() -> None:
    assert clamp(5, 0, 10) == 5


def test_below() -> None:
    assert clamp(-1, 0, 10) == 0


def test_above() -> None:
    assert clamp(11, 0, 10) == 10


def test_edges() -> None:
    assert clamp(0, 0, 10) == 0
    assert clamp(10, 0, 10) == 10
"""


async def gates(
    code: str,
    tests: str | None,
    settings: GatesSettings,
    sandbox: Sandbox,
    *,
    locked_tests: str | None = None,
    final: bool = False,
) -> GateReport:
    return await run_gates(
        code,
        tests,
        module_name="calc",
        settings=settings,
        sandbox=sandbox,
        locked_tests=locked_tests,
        final=final,
    )


def blocking(report: GateReport) -> list[tuple[str, str, str]]:
    return [(f.gate, f.code, f.target) for f in report.findings if f.blocking]


async def test_good_code_with_good_tests_passes_and_proves_itself(
    settings: GatesSettings, sandbox: Sandbox
) -> None:
    report = await gates(CODE, TESTS, settings, sandbox, final=True)
    assert report.passed, report.findings
    assert (report.tests_passed, report.tests_failed) == (4, 0)
    assert report.coverage == 100.0
    assert report.mutants_total > 0
    assert report.mutation_score is not None and report.mutation_score > 0.5
    assert report.flaky_tests == ()
    assert {"syntax", "ruff", "mypy", "bandit", "sandbox"} <= set(report.timings)


@pytest.mark.parametrize("module", ["coverage", "pytest"])
async def test_a_module_named_like_a_test_tool_is_the_one_imported(
    settings: GatesSettings, sandbox: Sandbox, module: str
) -> None:
    code = CODE + '\nraise RuntimeError("imported")\n'
    report = await run_gates(
        code, None, module_name=module, settings=settings, sandbox=sandbox
    )
    assert [(gate, code) for gate, code, _ in blocking(report)] == [
        ("import", "RuntimeError")
    ]


async def test_undefined_name_blocks_on_the_code(
    settings: GatesSettings, sandbox: Sandbox
) -> None:
    code = CODE.replace("return x\n", "return y\n")
    report = await gates(code, None, settings, sandbox)
    assert not report.passed
    assert ("ruff", "F821", "code") in blocking(report)
    finding = next(f for f in report.findings if f.code == "F821")
    assert (finding.path, finding.line) == ("calc.py", 7)


async def test_logic_bug_is_caught_by_the_tests(
    settings: GatesSettings, sandbox: Sandbox
) -> None:
    report = await gates(CODE.replace("x > hi", "x > hi + 1"), TESTS, settings, sandbox)
    assert not report.passed
    failure = next(f for f in report.findings if f.gate == "tests")
    assert (failure.code, failure.target, failure.path) == (
        "failed",
        "code",
        "test_calc.py",
    )
    assert failure.message.startswith("test_above failed: assert 11 == 10")
    assert report.tests_failed == 1


async def test_hanging_test_is_reported_as_a_timeout(
    settings: GatesSettings, sandbox: Sandbox
) -> None:
    tests = TESTS + "\n\ndef test_hangs() -> None:\n    while True:\n        pass\n"
    report = await gates(CODE, tests, settings, sandbox)
    assert ("tests", "timeout", "code") in blocking(report)
    assert report.tests_passed == 4


async def test_flaky_test_is_found_on_re_run(
    settings: GatesSettings, sandbox: Sandbox
) -> None:
    tests = TESTS + (
        "\n\ndef test_first_time_only() -> None:\n"
        "    import os\n"
        "    seen = os.path.exists('/tmp/seen')\n"
        "    open('/tmp/seen', 'w').close()\n"
        "    assert not seen\n"
    )
    plain = await gates(CODE, tests, settings, sandbox)
    assert plain.passed
    report = await gates(CODE, tests, settings, sandbox, final=True)
    assert report.flaky_tests == ("test_first_time_only",)
    assert ("flaky", "flaky", "tests") in blocking(report)


async def test_tests_that_kill_no_mutant_block_on_the_tests(
    settings: GatesSettings, sandbox: Sandbox
) -> None:
    tests = "from calc import clamp\n\n\ndef test_runs() -> None:\n    clamp(1, 0, 2)\n"
    report = await gates(CODE, tests, settings, sandbox, final=True)
    assert report.mutation_score == 0.0
    assert ("mutation", "no-mutant-killed", "tests") in blocking(report)
    survivors = [f for f in report.findings if f.code == "survived"]
    assert survivors and all(not f.blocking for f in survivors)


async def test_locked_tests_always_run_and_cannot_be_replaced(
    settings: GatesSettings, sandbox: Sandbox
) -> None:
    locked = (
        "from calc import clamp\n\n\n"
        "def test_user() -> None:\n    assert clamp(3, 5, 9) == 5\n"
    )
    report = await gates(
        CODE.replace("return lo", "return x", 1),
        TESTS,
        settings,
        sandbox,
        locked_tests=locked,
    )
    paths = {f.path for f in report.findings if f.gate == "tests"}
    assert "test_calc_locked.py" in paths
    assert not report.passed


async def test_tests_that_do_not_collect_are_for_the_tests_to_fix(
    settings: GatesSettings, sandbox: Sandbox
) -> None:
    tests = (
        "from calc import missing\n\n\ndef test_x() -> None:\n    assert missing()\n"
    )
    report = await gates(CODE, tests, settings, sandbox)
    assert ("tests", "collection-error", "tests") in blocking(report)


async def test_syntax_error_in_tests_targets_the_tests(
    settings: GatesSettings, sandbox: Sandbox
) -> None:
    report = await gates(CODE, "def test_x(:\n    pass\n", settings, sandbox)
    assert blocking(report) == [("syntax", "E999", "tests")]


async def test_import_error_blocks(settings: GatesSettings, sandbox: Sandbox) -> None:
    report = await gates("import not_a_real_module\n" + CODE, None, settings, sandbox)
    assert ("import", "ModuleNotFoundError", "code") in blocking(report)


async def test_high_confidence_security_issue_blocks(
    settings: GatesSettings, sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    code = CODE + (
        "\n\ndef run(cmd: str) -> int:\n"
        "    import subprocess\n"
        "    return subprocess.call(cmd, shell=True)\n"
    )
    with caplog.at_level(logging.WARNING):
        report = await gates(code, None, settings, sandbox)
    assert any(gate == "bandit" for gate, _, _ in blocking(report))
    # bandit's optional SARIF formatter failing to load is not logged as ours
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_profiles_decide_what_blocks(
    settings: GatesSettings, sandbox: Sandbox
) -> None:
    code = CODE + "\n\ndef twice(x: int) -> int:\n    return clamp(x, 0)\n"
    development = await gates(code, None, settings, sandbox)
    staging = await gates(
        code, None, settings.model_copy(update={"profile": "staging"}), sandbox
    )
    assert development.passed
    assert ("mypy", "call-arg", "code") in blocking(staging)


async def test_coverage_threshold_of_the_production_profile(
    settings: GatesSettings, sandbox: Sandbox
) -> None:
    tests = (
        "from calc import clamp\n\n\n"
        "def test_inside() -> None:\n    assert clamp(5, 0, 10) == 5\n"
    )
    production = settings.model_copy(update={"profile": "production"})
    report = await gates(CODE, tests, production, sandbox)
    assert report.coverage is not None and report.coverage < 80
    assert ("coverage", "below-threshold", "tests") in blocking(report)
    lowered = production.model_copy(update={"min_coverage": 50.0})
    assert (await gates(CODE, tests, lowered, sandbox)).passed


async def test_gates_also_run_in_the_fallback_sandbox(settings: GatesSettings) -> None:
    from tta_codegen.gates import create_sandbox

    fallback = settings.model_copy(update={"sandbox": "process"})
    report = await gates(CODE, TESTS, fallback, create_sandbox(fallback))
    assert report.passed
    assert report.tests_passed == 4
    broken = await gates(
        CODE.replace("x > hi", "x > hi + 1"), TESTS, fallback, create_sandbox(fallback)
    )
    assert not broken.passed
