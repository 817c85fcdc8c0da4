"""The type-check gate checks a module once per process and text: the final
validate of a run sees the code its previous validate saw. What the module
imports from beside it is part of that text."""

from __future__ import annotations

from pathlib import Path

import pytest

from tta_codegen.gates.static import mypy_gate

pytestmark = [pytest.mark.integration]


def folder(root: Path, name: str, files: dict[str, str]) -> Path:
    work = root / name
    work.mkdir()
    for file, text in files.items():
        (work / file).write_text(text)
    return work


async def test_the_same_module_is_not_checked_twice(tmp_path: Path) -> None:
    code = "def half(x: int) -> int:\n    return x / 2\n"
    first = folder(tmp_path, "first", {"calc.py": code})
    again = folder(tmp_path, "again", {"calc.py": code, "test_calc.py": "x = 1\n"})

    found = await mypy_gate(first, "calc.py", tmp_path / "cache-1", 60)
    repeated = await mypy_gate(again, "calc.py", tmp_path / "cache-2", 60)

    assert [f.code for f in found] == ["return-value"]
    assert repeated == found
    # mypy did not run the second time: its cache folder was never made
    assert not (tmp_path / "cache-2").exists()


async def test_a_changed_module_or_neighbour_it_imports_is_checked_again(
    tmp_path: Path,
) -> None:
    code = "from helper import size\n\nn: int = size()\n"
    cache = tmp_path / "cache"
    as_text = folder(
        tmp_path,
        "a",
        {"calc.py": code, "helper.py": "def size() -> str:\n    return ''\n"},
    )
    as_int = folder(
        tmp_path,
        "b",
        {"calc.py": code, "helper.py": "def size() -> int:\n    return 0\n"},
    )
    edited = folder(
        tmp_path,
        "c",
        {
            "calc.py": code + 'k: int = "4"\n',
            "helper.py": "def size() -> int:\n    return 0\n",
        },
    )

    assert [f.code for f in await mypy_gate(as_text, "calc.py", cache, 60)] == [
        "assignment"
    ]
    assert await mypy_gate(as_int, "calc.py", cache, 60) == []
    assert [f.line for f in await mypy_gate(edited, "calc.py", cache, 60)] == [4]
