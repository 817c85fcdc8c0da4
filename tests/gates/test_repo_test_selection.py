"""Which existing tests exercise a changed module (found by reading imports)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.fixtures.repos import EDIT_REPO

from tta_codegen.gates import repo_tests

pytestmark = [pytest.mark.unit]


def chosen(
    changed: str, root: Path = EDIT_REPO, *, transitive: bool = True
) -> set[str]:
    found = repo_tests.tests_for([Path(changed)], root, transitive=transitive)
    return {p.relative_to(root.resolve()).as_posix() for p in found}


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_a_test_that_imports_through_a_package_re_export_is_found() -> None:
    # tests/test_quote.py only says `from shop.pricing import quote_lines`
    for transitive in (True, False):
        found = chosen("src/shop/pricing/quote.py", transitive=transitive)
        assert "tests/test_quote.py" in found
        assert not found & {"tests/test_stock.py", "tests/test_money.py"}


def test_from_package_import_module_is_found() -> None:
    # tests/test_tax.py says `from shop.pricing import tax`
    assert chosen("src/shop/pricing/tax.py", transitive=False) == {"tests/test_tax.py"}


def test_the_tests_of_callers_are_found_through_their_imports() -> None:
    found = chosen("src/shop/pricing/tax.py")
    assert {
        "tests/test_tax.py",
        "tests/test_quote.py",
        "tests/test_service.py",
    } <= found
    assert not found & {"tests/test_stock.py", "tests/test_catalog.py"}
    assert chosen("src/shop/orders/invoice.py") == {"tests/test_invoice.py"}


def test_absolute_paths_work_too() -> None:
    found = repo_tests.tests_for([EDIT_REPO / "src/shop/money.py"], EDIT_REPO)
    assert EDIT_REPO / "tests/test_money.py" in found


def test_a_conftest_fixture_brings_in_the_tests_that_use_it(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "A = 1\n",
            "pkg/b.py": "B = 2\n",
            "tests/conftest.py": (
                "import pytest\nfrom pkg import a\n\n\n"
                "@pytest.fixture\ndef thing():\n    return a.A\n"
            ),
            "tests/test_uses.py": "def test_it(thing):\n    assert thing == 1\n",
            "tests/test_plain.py": "from pkg.b import B\n\n\ndef test_b():\n    pass\n",
        },
    )
    assert chosen("pkg/a.py", root) == {"tests/test_uses.py"}
    conftest = root / "tests/conftest.py"
    conftest.write_text(
        conftest.read_text().replace("fixture\n", "fixture(autouse=True)\n")
    )
    assert chosen("pkg/a.py", root) == {"tests/test_uses.py", "tests/test_plain.py"}


def test_relative_imports_and_import_module_strings(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "src/app/__init__.py": "from .core import run as run\n",
            "src/app/core.py": "from . import util\n\nrun = util.X\n",
            "src/app/util.py": "X = 1\n",
            "src/app/plugin.py": "P = 1\n",
            "tests/test_app.py": "from app import run\n",
            "tests/test_plugins.py": (
                "import importlib\n\nmod = importlib.import_module('app.plugin')\n"
            ),
        },
    )
    assert chosen("src/app/util.py", root) == {
        "tests/test_app.py",
        "tests/test_plugins.py",
    }
    assert chosen("src/app/util.py", root, transitive=False) == set()
    assert chosen("src/app/plugin.py", root, transitive=False) == {
        "tests/test_plugins.py"
    }


def test_a_changed_test_file_is_chosen_and_a_new_one_is_not_existing() -> None:
    assert chosen("tests/test_money.py") == {"tests/test_money.py"}
    assert chosen("tests/test_brand_new.py") == set()


def test_conftests_that_apply() -> None:
    tests = [EDIT_REPO / "tests/test_stock.py"]
    assert repo_tests.conftests_for(tests, EDIT_REPO) == [
        EDIT_REPO / "tests/conftest.py"
    ]


def test_lazy_re_exports_count_and_type_checking_imports_do_not(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "lib/__init__.py": (
                "from typing import TYPE_CHECKING\n\n"
                "if TYPE_CHECKING:\n"
                "    from lib.heavy import Engine\n"
                "    from lib.other import Other\n\n\n"
                "WHERE = {'Engine': 'lib.heavy', 'Other': 'lib.other'}\n\n\n"
                "def __getattr__(name):\n"
                "    import importlib\n\n"
                "    return getattr(importlib.import_module(WHERE[name]), name)\n"
            ),
            "lib/heavy.py": "class Engine: ...\n",
            "lib/other.py": "class Other: ...\n",
            "lib/light.py": (
                "from typing import TYPE_CHECKING\n\n"
                "if TYPE_CHECKING:\n    from lib.other import Other\n"
            ),
            "tests/test_engine.py": "from lib import Engine\n",
            "tests/test_light.py": "import lib.light\n",
        },
    )
    assert chosen("lib/heavy.py", root) == {"tests/test_engine.py"}
    assert chosen("lib/other.py", root) == set()
