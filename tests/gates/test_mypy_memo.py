"""The type-check gate checks a module once per text: the final validate of a
run sees the code its previous validate saw, and another process (a worker, a
resumed run) the code one before it saw. What the module imports from beside
it is part of that text."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.cli_runner import cli_env

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


def check_in_new_process(work: Path, cache: Path) -> list[dict[str, object]]:
    """``mypy_gate`` on ``work/calc.py`` in a fresh interpreter (no memo in
    memory), its findings as dicts."""
    script = (
        "import asyncio, json, sys\n"
        "from pathlib import Path\n"
        "from tta_codegen.gates.static import mypy_gate\n"
        "found = asyncio.run(mypy_gate(Path(sys.argv[1]), 'calc.py', "
        "Path(sys.argv[2]), 60))\n"
        "print(json.dumps([f.model_dump() for f in found]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(work), str(cache)],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found: list[dict[str, object]] = json.loads(done.stdout)
    return found


def test_another_process_reuses_the_verdict_and_a_damaged_one_is_checked_again(
    tmp_path: Path,
) -> None:
    code = "def half(x: int) -> int:\n    return x / 2\n"
    cache = tmp_path / "cache"
    first = check_in_new_process(folder(tmp_path, "first", {"calc.py": code}), cache)
    assert [f["code"] for f in first] == ["return-value"]
    checked = cache / "3.12"  # mypy's own cache of what it checked
    assert checked.is_dir()
    shutil.rmtree(checked)

    second = check_in_new_process(folder(tmp_path, "second", {"calc.py": code}), cache)
    assert second == first
    assert not checked.exists()  # mypy did not run

    (verdict,) = (cache / "tta-verdicts").iterdir()
    for damage in ("[{not json", "5", '[{"gate": "mypy"}]'):  # cut short, wrong shape
        verdict.write_text(damage)
        shutil.rmtree(checked, ignore_errors=True)
        again = check_in_new_process(
            folder(tmp_path, "again", {"calc.py": code}), cache
        )
        assert again == first
        assert checked.is_dir()  # mypy ran, and the verdict is whole again
        assert json.loads(verdict.read_text())[0]["code"] == "return-value"
        shutil.rmtree(tmp_path / "again")
