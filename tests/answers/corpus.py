"""Answer shapes real models send, each with the outcome tta-codegen must reach."""

from __future__ import annotations

from dataclasses import dataclass

PREVIOUS = '''"""Shopping cart arithmetic."""

from decimal import Decimal


def subtotal(prices: list[Decimal]) -> Decimal:
    """Sum of the item prices."""
    return sum(prices, Decimal(0))


def discount(total: Decimal, percent: int) -> Decimal:
    """``percent`` off ``total``."""
    return total * (100 - percent) / 100


def tax(total: Decimal, rate: Decimal) -> Decimal:
    """Tax on ``total`` at ``rate``."""
    return total * rate


def grand_total(prices: list[Decimal], percent: int, rate: Decimal) -> Decimal:
    """Subtotal, less the discount, plus tax."""
    discounted = discount(subtotal(prices), percent)
    return discounted + tax(discounted, rate)
'''

FIXED_TAX = '''def tax(total: Decimal, rate: Decimal) -> Decimal:
    """Tax on ``total`` at ``rate``, rounded to cents."""
    return (total * rate).quantize(Decimal("0.01"))
'''

FULL_FIXED = PREVIOUS.replace(
    '''def tax(total: Decimal, rate: Decimal) -> Decimal:
    """Tax on ``total`` at ``rate``."""
    return total * rate
''',
    FIXED_TAX,
)

MODULE = '''"""Slugs for titles."""

import re


def slugify(title: str) -> str:
    """Lower-case words joined by hyphens."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words)
'''

TESTS = """from slug import slugify


def test_slugify_joins_words() -> None:
    assert slugify("Hello, World!") == "hello-world"
"""


def fenced(code: str, lang: str = "python") -> str:
    return f"```{lang}\n{code}```"


COUNTER = '''"""A counter."""


class Counter:
    """Counts up and down."""

    def __init__(self) -> None:
        self.value = 0

    def up(self) -> int:
        self.value += 1
        return self.value

    def down(self) -> int:
        self.value -= 1
        return self.value
'''

COUNTER_PARTIAL = '''class Counter:
    """Counts up and down."""

    # ... __init__ and up() unchanged ...

    def down(self) -> int:
        self.value = max(0, self.value - 1)
        return self.value
'''


@dataclass(frozen=True)
class Case:
    """One answer shape and what must come of it."""

    answer: str
    expect: str | None
    """The file the reader must produce (None: the model is asked again)."""
    notes: tuple[str, ...] = ()
    """Note codes that must be reported."""
    previous: str | None = None
    finish_reason: str | None = None
    target: str = "code"
    module: str = "slug"
    tests_too: str | None = None


CASES: dict[str, Case] = {
    "prose around the code": Case(
        f"Sure! Here is the module you asked for:\n\n{fenced(MODULE)}\n\n"
        "It uses a regular expression to split the words. Let me know!",
        MODULE,
    ),
    "usage example after the module": Case(
        f"{fenced(MODULE)}\n\nUsage:\n\n{fenced('print(slugify("A B"))\n')}",
        MODULE,
    ),
    "usage example before the module": Case(
        f"You can call it like this:\n{fenced('slugify("x")\n')}\n"
        f"And here is the code:\n{fenced(MODULE)}",
        MODULE,
    ),
    "module and tests in one answer": Case(
        f"Module:\n{fenced(MODULE)}\nTests:\n{fenced(TESTS)}", MODULE, tests_too=TESTS
    ),
    "tests asked for, module repeated in the answer": Case(
        f"{fenced(MODULE)}\n\nAnd the tests:\n\n{fenced(TESTS)}", TESTS, target="tests"
    ),
    "no fence at all": Case(MODULE, MODULE),
    "untagged fence": Case(fenced(MODULE, ""), MODULE),
    "a shell block before the module": Case(
        f"Install:\n{fenced('pip install nothing\n', 'bash')}\n{fenced(MODULE)}",
        MODULE,
    ),
    "fence tagged py with a path": Case(fenced(MODULE, "py slug.py"), MODULE),
    "tilde fence": Case(f"~~~python\n{MODULE}~~~", MODULE),
    "fence never closed": Case(
        f"Here you go:\n```python\n{MODULE[:120]}", None, ("truncated",)
    ),
    "cut at the token limit": Case(
        fenced(MODULE), None, ("truncated",), finish_reason="length"
    ),
    "cut mid-statement without a finish reason": Case(
        fenced(
            MODULE.replace('    return "-".join(words)\n', '    return "-".join(\n')
        ),
        None,
        ("truncated",),
    ),
    "placeholder for the rest of the module": Case(
        f"Only `tax` needed a change:\n{
            fenced(
                'from decimal import Decimal\n\n'
                '# ... other functions unchanged ...\n\n\n' + FIXED_TAX
            )
        }",
        FULL_FIXED,
        ("names-restored",),
        previous=PREVIOUS,
        module="cart",
    ),
    "existing code here comment": Case(
        fenced("# existing code here\n\n\n" + FIXED_TAX),
        FULL_FIXED,
        ("names-restored",),
        previous=PREVIOUS,
        module="cart",
    ),
    "bare ellipsis where the code was": Case(
        fenced(
            PREVIOUS.replace(
                '''    """Sum of the item prices."""
    return sum(prices, Decimal(0))''',
                '''    """Sum of the item prices."""
    ...''',
            ).replace(
                FULL_FIXED and "    return total * rate\n",
                '    return (total * rate).quantize(Decimal("0.01"))\n',
            )
        ),
        FULL_FIXED.replace(
            '"""Tax on ``total`` at ``rate``, rounded to cents."""',
            '"""Tax on ``total`` at ``rate``."""',
        ),
        ("names-restored",),
        previous=PREVIOUS,
        module="cart",
    ),
    "only the changed function, nothing else": Case(
        fenced(FIXED_TAX),
        FULL_FIXED,
        ("names-restored",),
        previous=PREVIOUS,
        module="cart",
    ),
    "a rewrite that drops most of the module without saying so": Case(
        fenced(PREVIOUS.split("def grand_total")[0].rstrip() + "\n"),
        None,
        ("names-dropped",),
        previous=PREVIOUS,
        module="cart",
    ),
    "one method of a class re-sent, the others a placeholder": Case(
        fenced(COUNTER_PARTIAL),
        COUNTER.replace(
            "        self.value -= 1\n", "        self.value = max(0, self.value - 1)\n"
        ),
        ("names-restored",),
        previous=COUNTER,
        module="counter",
    ),
    "a full rewrite sharing no names with the draft": Case(
        fenced(MODULE), MODULE, previous=PREVIOUS
    ),
    "a placeholder in a first draft": Case(
        fenced("def a() -> int:\n    return 1\n\n\n# ... rest of the code ...\n"),
        None,
        ("placeholder",),
    ),
    "unified diff against the draft": Case(
        "Here is the fix:\n```diff\n--- a/cart.py\n+++ b/cart.py\n"
        "@@ -16,4 +16,4 @@\n def tax(total: Decimal, rate: Decimal) -> Decimal:\n"
        '-    """Tax on ``total`` at ``rate``."""\n'
        "-    return total * rate\n"
        '+    """Tax on ``total`` at ``rate``, rounded to cents."""\n'
        '+    return (total * rate).quantize(Decimal("0.01"))\n'
        " \n```",
        FULL_FIXED,
        ("diff-applied",),
        previous=PREVIOUS,
        module="cart",
    ),
    "SEARCH/REPLACE block against the draft": Case(
        "cart.py\n```python\n<<<<<<< SEARCH\n"
        '    """Tax on ``total`` at ``rate``."""\n    return total * rate\n'
        "=======\n"
        '    """Tax on ``total`` at ``rate``, rounded to cents."""\n'
        '    return (total * rate).quantize(Decimal("0.01"))\n'
        ">>>>>>> REPLACE\n```",
        FULL_FIXED,
        ("edit-applied",),
        previous=PREVIOUS,
        module="cart",
    ),
    "SEARCH block that does not match": Case(
        "<<<<<<< SEARCH\n    return total * rate * 2\n=======\n    return 0\n"
        ">>>>>>> REPLACE\n",
        None,
        ("edit-mismatch",),
        previous=PREVIOUS,
        module="cart",
    ),
    "diff that does not apply": Case(
        "--- a/cart.py\n+++ b/cart.py\n@@ -1,2 +1,2 @@\n-import os\n+import sys\n",
        None,
        ("diff-mismatch",),
        previous=PREVIOUS,
        module="cart",
    ),
    "tests importing the module under another name": Case(
        fenced(TESTS.replace("from slug import", "from slugify_module import")),
        TESTS,
        ("import-renamed",),
        target="tests",
    ),
    "a refusal": Case(
        "I'm sorry, but I can't help with writing that code.", None, ("refusal",)
    ),
    "an empty answer": Case("   \n", None, ("empty",)),
    "prose with no code": Case(
        "You could use a regular expression and join the words with hyphens.",
        None,
        ("no-python",),
    ),
    "CRLF line endings": Case(
        fenced(MODULE).replace("\n", "\r\n"), MODULE, ("crlf-normalised",)
    ),
    "a byte-order mark": Case("\ufeff" + fenced(MODULE), MODULE, ("bom-removed",)),
    "tab indentation": Case(
        fenced(MODULE.replace("    ", "\t")), MODULE, ("tabs-expanded",)
    ),
    "a syntax error is left for the syntax gate": Case(
        fenced("def f(:\n    return 1\n"), "def f(:\n    return 1\n"
    ),
}
