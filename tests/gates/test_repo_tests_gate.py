"""The repository's own tests as a gate: run in the sandbox on the original and
the edited files of the shop fixture repository, compared test by test."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.changes.helpers import change_set
from tests.fixtures.repos import copy_edit_repo

from tta_codegen.findings import Finding
from tta_codegen.gates import BaselineCache, Sandbox, run_repo_tests

pytestmark = [pytest.mark.integration]

TAX = "src/shop/pricing/tax.py"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_edit_repo(tmp_path / "shop")


def edited_tax(repo: Path, old: str, new: str) -> str:
    source = (repo / TAX).read_text()
    assert old in source
    return source.replace(old, new)


def add_dutch_rate(repo: Path) -> str:
    return edited_tax(repo, '    "US-CA"', '    "NL": Decimal("0.21"),\n    "US-CA"')


def errors(findings: tuple[Finding, ...]) -> list[Finding]:
    return [f for f in findings if f.blocking]


async def test_an_edit_that_keeps_the_tests_green(repo: Path, sandbox: Sandbox) -> None:
    outcome = await run_repo_tests(
        change_set(repo, {TAX: add_dutch_rate(repo)}), sandbox=sandbox
    )
    assert outcome.passed, outcome.findings
    assert {"tests/test_tax.py", "tests/test_quote.py"} <= set(outcome.tests)
    assert "tests/test_stock.py" not in outcome.tests
    assert outcome.after is not None and outcome.after.results
    assert {r.outcome for r in outcome.after.results} == {"passed"}


async def test_an_edit_that_breaks_a_test_blocks_naming_it(
    repo: Path, sandbox: Sandbox
) -> None:
    edit = change_set(repo, {TAX: edited_tax(repo, '"0.19"', '"0.21"')})
    outcome = await run_repo_tests(edit, sandbox=sandbox)
    assert not outcome.passed
    by_test = {f.message.split(" ")[0]: f for f in errors(outcome.findings)}
    german = by_test["tests/test_tax.py::test_german_rate"]
    assert german.gate == "repo-tests" and german.code == "regression"
    assert "passed before the edit and fails after it" in german.message
    assert "Decimal('0.21') == Decimal('0.19')" in german.message
    assert german.path == "tests/test_tax.py"
    assert "tests/test_quote.py::test_quote_without_discounts" in by_test


async def test_a_renamed_function_breaks_its_callers_tests(
    repo: Path, sandbox: Sandbox
) -> None:
    quote = (repo / "src/shop/pricing/quote.py").read_text()
    init = (repo / "src/shop/pricing/__init__.py").read_text()
    edit = change_set(
        repo,
        {
            "src/shop/pricing/quote.py": quote.replace("def quote_lines", "def price"),
            "src/shop/pricing/__init__.py": init.replace("quote_lines", "price"),
        },
    )
    outcome = await run_repo_tests(edit, sandbox=sandbox)
    broken = {f.path for f in errors(outcome.findings) if f.code == "collection-error"}
    assert {"tests/test_quote.py", "tests/test_service.py"} <= broken
    assert any("quote_lines" in f.message for f in errors(outcome.findings))


async def test_a_test_that_failed_before_is_advice_not_blame(
    repo: Path, sandbox: Sandbox
) -> None:
    with (repo / "tests/test_tax.py").open("a") as tests:
        tests.write(
            "\n\ndef test_french_rate() -> None:\n"
            '    assert tax.tax_rate("FR") == Decimal("0.21")\n'
        )
    outcome = await run_repo_tests(
        change_set(repo, {TAX: add_dutch_rate(repo)}), sandbox=sandbox
    )
    assert outcome.passed
    [advice] = [f for f in outcome.findings if f.code == "failing-before"]
    assert advice.severity == "warning"
    assert advice.message.startswith(
        "tests/test_tax.py::test_french_rate already failed before the edit"
    )


async def test_new_test_files_run_and_a_failing_one_blocks(
    repo: Path, sandbox: Sandbox
) -> None:
    edit = change_set(
        repo,
        {
            TAX: add_dutch_rate(repo),
            "tests/test_tax_nl.py": (
                "from decimal import Decimal\n\nfrom shop.pricing.tax import tax_rate\n"
                "\n\ndef test_dutch_rate() -> None:\n"
                '    assert tax_rate("NL") == Decimal("0.21")\n\n\n'
                "def test_dutch_tax() -> None:\n"
                '    assert tax_rate("NL") == Decimal("0.09")\n'
            ),
        },
    )
    outcome = await run_repo_tests(edit, sandbox=sandbox)
    assert "tests/test_tax_nl.py" in outcome.tests
    [failing] = errors(outcome.findings)
    assert failing.code == "new-test-fails"
    assert failing.message.startswith(
        "tests/test_tax_nl.py::test_dutch_tax (a new test)"
    )


async def test_the_baseline_is_run_once_and_cached_on_disk(
    repo: Path, sandbox: Sandbox, tmp_path: Path
) -> None:
    cache = BaselineCache(tmp_path / "baselines")
    first = await run_repo_tests(
        change_set(repo, {TAX: add_dutch_rate(repo)}), sandbox=sandbox, baseline=cache
    )
    broken = change_set(repo, {TAX: edited_tax(repo, '"0.19"', '"0.2"')})
    second = await run_repo_tests(broken, sandbox=sandbox, baseline=cache)
    fresh = BaselineCache(tmp_path / "baselines")  # a new process, the same folder
    third = await run_repo_tests(broken, sandbox=sandbox, baseline=fresh)
    assert (first.baseline_cached, second.baseline_cached) == (False, True)
    assert third.baseline_cached
    assert first.before == second.before == third.before
    assert not second.passed and not third.passed


async def test_a_deleted_test_file_is_reported_as_vanished(
    repo: Path, sandbox: Sandbox
) -> None:
    edit = change_set(repo, {TAX: add_dutch_rate(repo), "tests/test_tax.py": None})
    outcome = await run_repo_tests(edit, sandbox=sandbox)
    vanished = {f.message.split(" ")[0] for f in outcome.findings}
    assert "tests/test_tax.py::test_german_rate" in vanished
    assert "tests/test_tax.py" not in outcome.tests


async def test_no_test_exercises_the_change(repo: Path, sandbox: Sandbox) -> None:
    outcome = await run_repo_tests(
        change_set(repo, {"src/shop/extra.py": "X = 1\n"}), sandbox=sandbox
    )
    assert outcome.passed
    assert [f.code for f in outcome.findings] == ["no-tests"]
    assert outcome.before is None and outcome.after is None
