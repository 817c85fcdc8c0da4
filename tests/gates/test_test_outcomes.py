"""The gate report keeps each test's outcome (for JUnit reports)."""

from __future__ import annotations

import pytest

from tta_codegen.gates import Sandbox, run_gates
from tta_codegen.settings import GatesSettings

pytestmark = [pytest.mark.integration]

CODE = "def double(x: int) -> int:\n    return 2 * x\n"
TESTS = """import pytest

from calc import double


def test_double() -> None:
    assert double(2) == 4


class TestEdges:
    @pytest.mark.parametrize("x", [0, 1])
    def test_small(self, x: int) -> None:
        assert double(x) == x  # wrong for 1


@pytest.mark.skip(reason="later")
def test_later() -> None:
    assert False


@pytest.fixture
def broken() -> None:
    raise RuntimeError("fixture broke")


def test_setup_fails(broken: None) -> None:
    assert True
"""


async def test_each_test_has_its_node_id_and_outcome(
    settings: GatesSettings, sandbox: Sandbox
) -> None:
    report = await run_gates(
        CODE, TESTS, module_name="calc", settings=settings, sandbox=sandbox
    )

    outcomes = {t.node_id: t.outcome for t in report.test_outcomes}
    assert outcomes == {
        "test_calc.py::test_double": "passed",
        "test_calc.py::TestEdges::test_small[0]": "passed",
        "test_calc.py::TestEdges::test_small[1]": "failed",
        "test_calc.py::test_later": "skipped",
        "test_calc.py::test_setup_fails": "failed",
    }
    assert all(t.duration_s >= 0 for t in report.test_outcomes)
    assert (report.tests_passed, report.tests_failed) == (2, 2)
