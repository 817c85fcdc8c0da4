"""Existing tests are locked: an edit may add test files, not change old ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.changes.helpers import change_set
from tests.fixtures.repos import copy_edit_repo

from tta_codegen.gates import locked_test_findings

pytestmark = [pytest.mark.unit]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_edit_repo(tmp_path / "shop")


def without_test(source: str, name: str) -> str:
    """``source`` with the test function ``name`` cut out."""
    start = source.index(f"def {name}(")
    end = source.find("\ndef ", start + 1)
    return source[:start] + (source[end + 1 :] if end != -1 else "")


def test_an_edit_that_deletes_a_test_is_refused_naming_it(repo: Path) -> None:
    source = (repo / "tests/test_tax.py").read_text()
    edit = change_set(
        repo,
        {
            "src/shop/pricing/tax.py": "RATES = {}\n",
            "tests/test_tax.py": without_test(source, "test_unknown_region"),
        },
    )
    [finding] = locked_test_findings(edit)
    assert finding.blocking and finding.gate == "locked"
    assert finding.message.startswith(
        "locked test file changed: tests/test_tax.py (removes test_unknown_region)"
    )
    assert finding.path == "tests/test_tax.py"


def test_deleting_a_test_file_or_changing_a_conftest_is_refused(repo: Path) -> None:
    conftest = (repo / "tests/conftest.py").read_text()
    edit = change_set(
        repo,
        {
            "tests/test_money.py": None,
            "tests/conftest.py": conftest.replace('"8.50"', '"9.00"'),
        },
    )
    messages = sorted(f.message for f in locked_test_findings(edit))
    assert messages[0].startswith("locked test file changed: tests/conftest.py;")
    assert messages[1].startswith(
        "locked test file deleted: tests/test_money.py (removes "
        "test_formats_with_the_currency, test_rounds_half_up_to_cents, "
    )


def test_new_test_files_and_source_edits_are_allowed(repo: Path) -> None:
    edit = change_set(
        repo,
        {
            "src/shop/pricing/tax.py": "RATES = {}\n",
            "tests/test_tax_regions.py": "def test_nl() -> None:\n    pass\n",
        },
    )
    assert locked_test_findings(edit) == []


def test_adding_a_test_to_an_existing_file_only_when_allowed(repo: Path) -> None:
    source = (repo / "tests/test_tax.py").read_text()
    added = source + "\n\ndef test_dutch_rate() -> None:\n    assert True\n"
    edit = change_set(repo, {"tests/test_tax.py": added})
    assert len(locked_test_findings(edit)) == 1
    assert locked_test_findings(edit, allow_additions=True) == []
    weakened = added.replace('Decimal("0.19")', 'Decimal("0.21")')
    edit = change_set(repo, {"tests/test_tax.py": weakened})
    assert len(locked_test_findings(edit, allow_additions=True)) == 1
