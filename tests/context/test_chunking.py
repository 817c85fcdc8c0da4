"""AST-aware chunking and code-aware tokenization."""

from __future__ import annotations

import pytest

from tta_codegen.context._chunk import MAX_CHUNK_LINES, chunk_file
from tta_codegen.context._tokens import tokenize

pytestmark = pytest.mark.unit


def test_python_is_split_into_functions_classes_and_module_text() -> None:
    source = (
        '"""Module doc."""\n'
        "import os\n"
        "\n"
        "LIMIT = 3\n"
        "\n"
        "@decorator\n"
        "def top(x: int) -> int:\n"
        "    return x\n"
        "\n"
        "class Small:\n"
        "    def method(self) -> None:\n"
        "        pass\n"
    )
    chunks = chunk_file(".py", source)
    spans = [(c.start_line, c.end_line, c.symbol) for c in chunks]
    assert spans == [(1, 4, ""), (6, 8, "top"), (10, 12, "Small")]
    assert chunks[2].symbols == ("Small", "method")


def test_a_huge_class_is_split_into_header_and_methods() -> None:
    methods = "".join(
        f"    def m{i}(self) -> int:\n" + "        x = 1\n" * 10 + "        return x\n"
        for i in range(20)
    )
    source = 'class Big:\n    """Doc."""\n    attr = 1\n\n' + methods
    chunks = chunk_file(".py", source)
    assert chunks[0].symbol == "Big"
    assert chunks[0].end_line == 4
    assert "Big.m0" in chunks[0].symbols
    assert [c.symbol for c in chunks[1:]] == [f"Big.m{i}" for i in range(20)]
    assert all(c.end_line - c.start_line < MAX_CHUNK_LINES for c in chunks)


def test_invalid_python_falls_back_to_line_windows() -> None:
    source = "def broken(:\n" + "x = 1\n" * 300
    chunks = chunk_file(".py", source)
    assert [c.start_line for c in chunks] == [1, 121, 241]
    assert chunks[-1].end_line == 301


def test_markdown_is_split_at_headings() -> None:
    chunks = chunk_file(".md", "# Title\nintro\n## Part\nbody\n")
    assert [(c.start_line, c.symbol, c.kind) for c in chunks] == [
        (1, "Title", "doc"),
        (3, "Part", "doc"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("RedisConnectionPool", ["redis", "connection", "pool", "redisconnectionpool"]),
        ("get_user_by_id", ["get", "user", "id", "get_user_by_id"]),
        ("parseHTTPHeaders", ["parse", "http", "header", "parsehttpheaders"]),
        ("the retries of a Pool", ["retry", "pool"]),
    ],
)
def test_tokenize_splits_identifiers(text: str, expected: list[str]) -> None:
    assert tokenize(text) == expected
