"""Edits to several files: every shape models send, applied strictly."""

from __future__ import annotations

import pytest

from tta_codegen.answers import apply_edits, normalise_path, unified_diff

pytestmark = pytest.mark.unit

FILES = {
    "shop/pricing.py": "def price(qty: int) -> int:\n    return qty * 10\n",
    "shop/orders.py": (
        "from shop.pricing import price\n\n\n"
        "def order_total(qty: int) -> int:\n    return price(qty)\n"
    ),
    "tests/test_orders.py": "from shop.orders import order_total\n",
}
ALLOWED = {"shop/pricing.py", "shop/orders.py"}


def test_search_replace_blocks_for_two_files() -> None:
    answer = (
        "Rename `price` to `unit_price` and update the caller.\n\n"
        "shop/pricing.py\n```python\n<<<<<<< SEARCH\ndef price(qty: int) -> int:\n"
        "=======\ndef unit_price(qty: int) -> int:\n>>>>>>> REPLACE\n```\n\n"
        "**shop/orders.py**\n```python\n<<<<<<< SEARCH\n"
        "from shop.pricing import price\n=======\n"
        "from shop.pricing import unit_price\n>>>>>>> REPLACE\n```\n\n"
        "shop/orders.py\n```python\n<<<<<<< SEARCH\n    return price(qty)\n=======\n"
        "    return unit_price(qty)\n>>>>>>> REPLACE\n```\n"
    )
    outcome = apply_edits(answer, FILES, allowed=ALLOWED)
    assert not outcome.needs_new_answer, outcome.notes
    assert "def unit_price" in (outcome.contents["shop/pricing.py"] or "")
    assert "return unit_price(qty)" in (outcome.contents["shop/orders.py"] or "")


def test_a_unified_diff_of_two_files() -> None:
    diff = unified_diff(
        "shop/pricing.py",
        FILES["shop/pricing.py"],
        FILES["shop/pricing.py"].replace("* 10", "* 12"),
    ) + unified_diff(
        "shop/orders.py",
        FILES["shop/orders.py"],
        FILES["shop/orders.py"].replace("price(qty)\n", "price(qty) + 1\n"),
    )
    outcome = apply_edits(f"```diff\n{diff}```", FILES, allowed=ALLOWED)
    assert not outcome.needs_new_answer, outcome.notes
    assert outcome.contents["shop/pricing.py"].endswith("qty * 12\n")  # type: ignore[union-attr]
    assert "price(qty) + 1" in (outcome.contents["shop/orders.py"] or "")


@pytest.mark.parametrize(
    "marker",
    [
        "shop/pricing.py\n```python\n{code}```",
        "```python shop/pricing.py\n{code}```",
        "```shop/pricing.py\n{code}```",
        "```python\n# path: shop/pricing.py\n{code}```",
        "File: `shop/pricing.py`\n```python\n{code}```",
    ],
)
def test_whole_files_marked_every_way_models_mark_them(marker: str) -> None:
    code = "def price(qty: int) -> int:\n    return qty * 11\n"
    outcome = apply_edits(marker.format(code=code), FILES, allowed=ALLOWED)
    assert outcome.contents == {"shop/pricing.py": code}, outcome.notes


def test_a_search_block_that_does_not_match_names_the_file_and_nearest_lines() -> None:
    answer = (
        "shop/pricing.py\n<<<<<<< SEARCH\ndef price(quantity: int) -> int:\n"
        "=======\ndef price(quantity: int) -> float:\n>>>>>>> REPLACE\n"
    )
    outcome = apply_edits(answer, FILES, allowed=ALLOWED)
    assert outcome.needs_new_answer
    (note,) = [n for n in outcome.notes if n.code == "edit-mismatch"]
    assert note.message.startswith("shop/pricing.py:")
    assert "1 | def price(qty: int) -> int:" in note.message


def test_files_outside_the_allowed_set_are_refused() -> None:
    answer = "tests/test_orders.py\n```python\nassert True\n```"
    outcome = apply_edits(answer, FILES, allowed=ALLOWED)
    assert outcome.needs_new_answer
    assert [n.code for n in outcome.notes] == ["file-not-allowed"]


def test_paths_that_leave_the_repository_are_refused() -> None:
    outcome = apply_edits(
        "../../etc/evil.py\n```python\nx = 1\n```", FILES, allowed=ALLOWED
    )
    assert [n.code for n in outcome.notes] == ["path-outside"]
    assert normalise_path("./shop/../shop/x.py") == "shop/x.py"
    assert normalise_path("/etc/passwd") is None


def test_new_files_only_when_allowed_and_deletions_only_by_diff() -> None:
    new = "shop/tax.py\n```python\nRATE = 0.2\n```"
    assert apply_edits(new, FILES, allowed=ALLOWED).needs_new_answer
    created = apply_edits(new, FILES, allowed=ALLOWED, may_create=True)
    assert created.contents == {"shop/tax.py": "RATE = 0.2\n"}
    deletion = unified_diff("shop/pricing.py", FILES["shop/pricing.py"], None)
    gone = apply_edits(deletion, FILES, allowed=ALLOWED)
    assert gone.contents == {"shop/pricing.py": None}


def test_an_answer_without_edits_asks_again() -> None:
    outcome = apply_edits("I would rename the function.", FILES, allowed=ALLOWED)
    assert outcome.needs_new_answer
    assert [n.code for n in outcome.notes] == ["no-edits"]


def test_a_broken_search_replace_block_is_never_taken_as_a_whole_file() -> None:
    answer = (
        "shop/pricing.py\n```python\n<<<<<<< SEARCH\nqty * 10=======\nqty * 12"
        ">>>>>>> REPLACE\n```"
    )
    outcome = apply_edits(answer, FILES, allowed=ALLOWED)
    assert outcome.contents == {}
    assert [n.code for n in outcome.notes] == ["malformed-edit"]
