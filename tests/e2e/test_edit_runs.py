"""`tta-codegen edit` on a real repository, through the CLI, against the loopback
LLM: every answer shape, re-asked edits, a broken test refined, conflicts, undo."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.cli_runner import run_cli
from tests.fixtures.repos import copy_edit_repo

from tta_codegen.answers import unified_diff
from tta_codegen.testing import FakeOpenAIServer, RecordedRequest, Reply

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

Answers = dict[str, list[str]]
"""Scripted answers per prompt kind: edit, refine, tests."""


def _kind(request: RecordedRequest) -> str:
    system = str(request.messages[0].get("content", ""))
    if "writing pytest tests for a change" in system:
        return "tests"
    if "finishing a change" in system:
        return "refine"
    return "edit"


def scripted(answers: Answers) -> Callable[[RecordedRequest], Reply]:
    """A responder answering each kind of prompt from its own queue."""

    def respond(request: RecordedRequest) -> Reply:
        queue = answers[_kind(request)]
        assert queue, f"no scripted {_kind(request)} answer left"
        return Reply(content=queue.pop(0))

    return respond


def sr(path: str, search: str, replace: str) -> str:
    """One SEARCH/REPLACE block for ``path``."""
    return (
        f"{path}\n```python\n<<<<<<< SEARCH\n{search}=======\n{replace}"
        ">>>>>>> REPLACE\n```\n"
    )


def pytest_answer(body: str) -> str:
    return f"Here are the tests:\n\n```python\n{body}```\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = copy_edit_repo(tmp_path / "shop")
    (root / ".git").mkdir()
    return root


def edit(
    config: Path, repo: Path, task: str, *files: str, extra: tuple[str, ...] = ()
) -> tuple[int, dict[str, object], str]:
    done = run_cli(
        "edit",
        task,
        *(repo / f for f in files),
        "--json",
        "--thread-id",
        "e1",
        *extra,
        config=config,
    )
    result = json.loads(done.stdout) if done.stdout.strip() else {}
    return done.returncode, result, done.stderr


MONEY = "src/shop/money.py"
TAX = "src/shop/pricing/tax.py"
QUOTE = "src/shop/pricing/quote.py"
RULES = "src/shop/pricing/rules.py"
INVOICE = "src/shop/orders/invoice.py"

DISCOUNT_LINE = (
    "    discount = to_money(sum((best_discount(line, rules) for line in lines), "
    "Decimal(0)))\n"
)
RENAME = (
    sr(
        MONEY,
        "def to_money(value: Decimal | int | str) -> Decimal:\n",
        "def round_money(value: Decimal | int | str) -> Decimal:\n",
    )
    + sr(
        MONEY,
        '    return f"{to_money(amount):.2f} {currency}"\n',
        '    return f"{round_money(amount):.2f} {currency}"\n',
    )
    + sr(
        MONEY,
        "    cents = int(to_money(total) / CENT)\n",
        "    cents = int(round_money(total) / CENT)\n",
    )
    + sr(
        INVOICE,
        "from shop.money import format_money, to_money\n",
        "from shop.money import format_money, round_money\n",
    )
    + sr(
        INVOICE,
        "        amount = to_money(product.unit_price * line.quantity)\n",
        "        amount = round_money(product.unit_price * line.quantity)\n",
    )
    + sr(
        QUOTE,
        "from shop.money import to_money\n",
        "from shop.money import round_money\n",
    )
    + sr(
        QUOTE,
        "    subtotal = to_money(sum((line.gross for line in lines), Decimal(0)))\n",
        "    subtotal = round_money(sum((line.gross for line in lines), Decimal(0)))\n",
    )
    + sr(QUOTE, DISCOUNT_LINE, DISCOUNT_LINE.replace("to_money", "round_money"))
    + sr(
        TAX, "from shop.money import to_money\n", "from shop.money import round_money\n"
    )
    + sr(
        TAX,
        "    return to_money(amount * tax_rate(region))\n",
        "    return round_money(amount * tax_rate(region))\n",
    )
)
FORMAT_LINE = 'def format_money(amount: Decimal, currency: str = "EUR") -> str:\n'
ALIAS = sr(
    MONEY,
    FORMAT_LINE,
    'to_money = round_money\n"""The old name, kept for existing callers."""\n\n\n'
    + FORMAT_LINE,
)
RENAME_TESTS = pytest_answer(
    "from decimal import Decimal\n\nfrom shop.money import round_money, to_money\n\n\n"
    "def test_round_money_rounds_half_up() -> None:\n"
    '    assert round_money(Decimal("0.125")) == Decimal("0.13")\n\n\n'
    "def test_the_old_name_still_works() -> None:\n"
    "    assert to_money is round_money\n"
)
FILES_FOR_RENAME = (MONEY, INVOICE, QUOTE, TAX)
SPLIT_LINE = (
    "    return [(share + (1 if i < left else 0)) * CENT for i in range(parts)]\n"
)


def test_a_rename_across_callers_in_three_files_with_search_replace_blocks(
    fake_llm: FakeOpenAIServer, config_file: Path, repo: Path
) -> None:
    fake_llm.responder = scripted(
        {"edit": [RENAME + ALIAS], "tests": [RENAME_TESTS], "refine": []}
    )
    code, result, err = edit(
        config_file,
        repo,
        "Rename to_money to round_money and update its callers; keep to_money "
        "working as an alias.",
        *FILES_FOR_RENAME,
    )
    assert code == 0, err
    changed = {c["path"]: c for c in result["changes"]}  # type: ignore[union-attr]
    assert set(changed) == {*FILES_FOR_RENAME, "tests/test_money_change.py"}
    assert changed["tests/test_money_change.py"]["kind"] == "created"
    assert "round_money(product.unit_price" in (repo / INVOICE).read_text()
    assert "-        amount = to_money(" in changed[INVOICE]["diff"]
    # the repository's own tests ran on the edited files (and the new ones)
    assert "repo-tests" in result["timings"] or "validate" in result["timings"]
    undone = run_cli("runs", "undo", "e1", config=config_file)
    assert undone.returncode == 0, undone.stderr
    assert "to_money(product.unit_price" in (repo / INVOICE).read_text()
    assert not (repo / "tests/test_money_change.py").exists()


def test_an_edit_that_breaks_an_existing_test_is_refined_until_it_passes(
    fake_llm: FakeOpenAIServer, config_file: Path, repo: Path
) -> None:
    fake_llm.responder = scripted(
        {"edit": [RENAME], "refine": [ALIAS], "tests": [RENAME_TESTS]}
    )
    code, result, err = edit(
        config_file,
        repo,
        "Rename to_money to round_money and update its callers.",
        *FILES_FOR_RENAME,
    )
    assert code == 0, err
    assert result["iterations"] == 1
    refine_prompt = next(r.prompt for r in fake_llm.calls() if _kind(r) == "refine")
    assert "repo-tests" in refine_prompt and "test_money" in refine_prompt
    assert "to_money = round_money" in (repo / MONEY).read_text()


def test_a_new_parameter_threaded_through_as_a_unified_diff(
    fake_llm: FakeOpenAIServer, config_file: Path, repo: Path
) -> None:
    tax_before = (repo / TAX).read_text()
    tax_after = tax_before.replace(
        "def tax_on(amount: Decimal, region: str) -> Decimal:\n"
        '    """Tax due on a net ``amount``, rounded to cents."""\n',
        "def tax_on(amount: Decimal, region: str, *, exempt: bool = False) -> "
        "Decimal:\n"
        '    """Tax due on a net ``amount``, rounded to cents (none if exempt)."""\n'
        "    if exempt:\n"
        '        return Decimal("0.00")\n',
    )
    quote_before = (repo / QUOTE).read_text()
    quote_after = quote_before.replace(
        "    lines: Sequence[PricedLine], *, region: str, discounts: "
        "Iterable[Discount] = ()\n",
        "    lines: Sequence[PricedLine],\n    *,\n    region: str,\n"
        "    discounts: Iterable[Discount] = (),\n    tax_exempt: bool = False,\n",
    ).replace(
        "    tax = tax_on(subtotal - discount, region)\n",
        "    tax = tax_on(subtotal - discount, region, exempt=tax_exempt)\n",
    )
    diff = unified_diff(TAX, tax_before, tax_after) + unified_diff(
        QUOTE, quote_before, quote_after
    )
    fake_llm.responder = scripted(
        {
            "edit": [f"```diff\n{diff}```"],
            "refine": [],
            "tests": [
                pytest_answer(
                    "from decimal import Decimal\n\nfrom shop.pricing.tax import "
                    "tax_on\n\n\ndef test_exempt_pays_no_tax() -> None:\n"
                    '    assert tax_on(Decimal("10"), "DE", exempt=True) == '
                    'Decimal("0.00")\n'
                )
            ],
        }
    )
    code, result, err = edit(
        config_file, repo, "Let quotes be tax exempt (tax_exempt=True).", TAX, QUOTE
    )
    assert code == 0, err
    assert "tax_exempt: bool = False" in (repo / QUOTE).read_text()
    assert "exempt=tax_exempt" in (repo / QUOTE).read_text()


def test_a_bug_fix_makes_a_failing_existing_test_pass(
    fake_llm: FakeOpenAIServer, config_file: Path, repo: Path
) -> None:
    money = repo / MONEY
    money.write_text(
        money.read_text().replace("(1 if i < left else 0)", "(1 if i <= left else 0)")
    )
    fake_llm.responder = scripted(
        {
            "edit": [
                sr(MONEY, SPLIT_LINE.replace("i < left", "i <= left"), SPLIT_LINE)
            ],
            "refine": [],
            "tests": [
                pytest_answer(
                    "from decimal import Decimal\n\nfrom shop.money import "
                    "split_evenly\n\n\ndef test_two_parts_add_up() -> None:\n"
                    '    assert sum(split_evenly(Decimal("1.01"), 2)) == '
                    'Decimal("1.01")\n'
                )
            ],
        }
    )
    code, result, err = edit(
        config_file, repo, "split_evenly hands out one cent too many; fix it.", MONEY
    )
    assert code == 0, err
    advice = {f["code"] for f in result["findings"]}  # type: ignore[union-attr]
    assert "now-passes" in advice
    assert "(1 if i < left else 0)" in money.read_text()


def test_a_new_module_in_an_existing_package_as_whole_files(
    fake_llm: FakeOpenAIServer, config_file: Path, repo: Path
) -> None:
    init = repo / "src/shop/pricing/__init__.py"
    new_init = (
        init.read_text()
        .replace(
            "from shop.pricing.rules import",
            "from shop.pricing.shipping import shipping_cost\nfrom shop.pricing.rules "
            "import",
        )
        .replace('    "quote_lines",\n', '    "quote_lines",\n    "shipping_cost",\n')
    )
    shipping = (
        '"""Shipping costs."""\n\nfrom __future__ import annotations\n\n'
        "from decimal import Decimal\n\n\n"
        "def shipping_cost(net: Decimal) -> Decimal:\n"
        '    """Free from 50, else a flat 4.90."""\n'
        '    return Decimal("0.00") if net >= 50 else Decimal("4.90")\n'
    )
    fake_llm.responder = scripted(
        {
            "edit": [
                f"src/shop/pricing/shipping.py\n```python\n{shipping}```\n\n"
                f"src/shop/pricing/__init__.py\n```python\n{new_init}```\n"
            ],
            "refine": [],
            "tests": [
                pytest_answer(
                    "from decimal import Decimal\n\nfrom shop.pricing import "
                    "shipping_cost\n\n\ndef test_free_from_fifty() -> None:\n"
                    '    assert shipping_cost(Decimal("50")) == Decimal("0.00")\n'
                    '    assert shipping_cost(Decimal("10")) == Decimal("4.90")\n'
                )
            ],
        }
    )
    code, result, err = edit(
        config_file,
        repo,
        "Add a shipping module with shipping_cost() and export it from pricing.",
        "src/shop/pricing/__init__.py",
    )
    assert code == 0, err
    kinds = {c["path"]: c["kind"] for c in result["changes"]}  # type: ignore[union-attr]
    assert kinds["src/shop/pricing/shipping.py"] == "created"
    assert kinds["src/shop/pricing/__init__.py"] == "modified"


def test_a_search_block_that_does_not_match_is_asked_again(
    fake_llm: FakeOpenAIServer, config_file: Path, repo: Path
) -> None:
    wrong = sr(TAX, '    "DE": Decimal("0.16"),\n', '    "DE": Decimal("0.19"),\n')
    right = sr(
        TAX,
        '    "US-CA": Decimal("0.0725"),\n',
        '    "US-CA": Decimal("0.0725"),\n    "AT": Decimal("0.20"),\n',
    )
    fake_llm.responder = scripted(
        {
            "edit": [wrong],
            "refine": [right],
            "tests": [
                pytest_answer(
                    "from decimal import Decimal\n\nfrom shop.pricing.tax import "
                    "tax_rate\n\n\ndef test_austria() -> None:\n"
                    '    assert tax_rate("AT") == Decimal("0.20")\n'
                )
            ],
        }
    )
    code, result, err = edit(config_file, repo, "Add Austria at 20%.", TAX)
    assert code == 0, err
    refine_prompt = next(r.prompt for r in fake_llm.calls() if _kind(r) == "refine")
    assert "edit-mismatch" in refine_prompt
    assert '"DE": Decimal("0.19")' in refine_prompt  # the nearest lines were shown
    assert '"AT": Decimal("0.20")' in (repo / TAX).read_text()


def test_an_edit_outside_the_named_files_is_refused(
    fake_llm: FakeOpenAIServer, config_file: Path, repo: Path
) -> None:
    fake_llm.responder = scripted(
        {
            "edit": [
                sr(
                    "tests/test_tax.py",
                    "from decimal import Decimal\n",
                    "from decimal import Decimal\n",
                )
            ],
            "refine": [
                sr(
                    "tests/test_tax.py",
                    "from decimal import Decimal\n",
                    "from decimal import Decimal\n",
                )
            ],
            "tests": [],
        }
    )
    code, result, err = edit(
        config_file, repo, "Add Austria.", TAX, extra=("--max-iterations", "1")
    )
    assert code == 1, err
    codes = {f["code"] for f in result["findings"]}  # type: ignore[union-attr]
    assert "file-not-allowed" in codes


def test_a_file_changed_during_the_run_is_a_conflict_and_nothing_is_written(
    fake_llm: FakeOpenAIServer, config_file: Path, repo: Path
) -> None:
    fake_llm.responder = scripted(
        {"edit": [RENAME + ALIAS], "tests": [RENAME_TESTS], "refine": []}
    )
    code, result, err = edit(
        config_file, repo, "Rename to_money.", *FILES_FOR_RENAME, extra=("--review",)
    )
    assert code == 0 and result["status"] == "awaiting_review", err
    tax_before = (repo / TAX).read_text()
    (repo / QUOTE).write_text((repo / QUOTE).read_text() + "\n# a human edit\n")
    done = run_cli("resume", "e1", "--approve", config=config_file)
    assert done.returncode == 2
    assert "error[TTA601]" in done.stderr and QUOTE in done.stderr
    assert (repo / TAX).read_text() == tax_before  # nothing was written
    assert not (repo / "tests/test_money_change.py").exists()


PACKAGE = (
    "ratelimit/__init__.py\n```python\n"
    '"""Rate limiting."""\n\nfrom ratelimit.bucket import TokenBucket\n\n'
    '__all__ = ["TokenBucket"]\n```\n\n'
    "ratelimit/bucket.py\n```python\n"
    '"""A token bucket."""\n\n\nclass TokenBucket:\n'
    '    """``capacity`` tokens, taken one at a time."""\n\n'
    "    def __init__(self, capacity: int) -> None:\n        self.tokens = capacity\n\n"
    "    def take(self) -> bool:\n"
    '        """Take a token if one is left."""\n'
    "        if self.tokens > 0:\n"
    "            self.tokens -= 1\n"
    "            return True\n"
    "        return False\n```\n"
)


def test_generate_out_dir_writes_a_package_of_several_modules(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    fake_llm.responder = scripted(
        {
            "edit": [PACKAGE],
            "refine": [],
            "tests": [
                pytest_answer(
                    "from ratelimit import TokenBucket\n\n\n"
                    "def test_takes_until_empty() -> None:\n"
                    "    bucket = TokenBucket(2)\n"
                    "    assert [bucket.take() for _ in range(3)] == "
                    "[True, True, False]\n"
                )
            ],
        }
    )
    out = tmp_path / "out"
    done = run_cli(
        "generate",
        "A token-bucket package.",
        "--out-dir",
        out,
        "--json",
        config=config_file,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert {c["path"] for c in result["changes"]} == {
        "ratelimit/__init__.py",
        "ratelimit/bucket.py",
        "tests/test_ratelimit.py",
    }
    assert (out / "ratelimit" / "bucket.py").read_text().startswith('"""A token')
    assert (out / "tests" / "test_ratelimit.py").exists()


@pytest.mark.parametrize("force", [False, True], ids=["kept", "force"])
def test_generate_out_dir_keeps_an_existing_file_unless_forced(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path, force: bool
) -> None:
    fake_llm.responder = scripted(
        {
            "edit": [PACKAGE],
            "refine": [],
            "tests": [
                pytest_answer(
                    "from ratelimit import TokenBucket\n\n\n"
                    "def test_takes_until_empty() -> None:\n"
                    "    bucket = TokenBucket(2)\n"
                    "    assert [bucket.take() for _ in range(3)] == "
                    "[True, True, False]\n"
                )
            ],
        }
    )
    out = tmp_path / "out"
    (out / "ratelimit").mkdir(parents=True)
    bucket = out / "ratelimit" / "bucket.py"
    bucket.write_text("MINE = 1\n")
    bucket.chmod(0o600)
    args = ["generate", "A token-bucket package.", "--out-dir", out, "--json"]
    done = run_cli(*args, *(["--force"] if force else []), config=config_file)
    if force:
        assert done.returncode == 0, done.stderr
        assert bucket.read_text().startswith('"""A token')
        assert bucket.stat().st_mode & 0o777 == 0o600
    else:
        assert done.returncode == 2, done.stderr
        assert "error[TTA604]" in done.stderr and str(bucket) in done.stderr
        assert "--force" in done.stderr
        assert bucket.read_text() == "MINE = 1\n"
        assert fake_llm.calls() == []
