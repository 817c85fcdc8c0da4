"""Error codes are a contract users search for: unique, and each one explained in
the README."""

from __future__ import annotations

from pathlib import Path

from tta_codegen import errors

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def _codes() -> dict[str, str]:
    found: dict[str, str] = {}
    for value in vars(errors).values():
        if (
            isinstance(value, type)
            and issubclass(value, errors.CodegenError)
            and value is not errors.CodegenError
        ):
            assert value.code not in found, (value, found.get(value.code))
            found[value.code] = value.__name__
    return found


def test_every_error_code_is_unique_and_in_the_readme() -> None:
    codes = _codes()
    assert len(codes) >= 15
    missing = [code for code in codes if code not in README and not _in_a_range(code)]
    assert missing == []


def _in_a_range(code: str) -> bool:
    """`TTA600`-`TTA603` in the README covers TTA601 and TTA602."""
    number = int(code.removeprefix("TTA"))
    for start in range(number - 9, number):
        for end in range(number + 1, number + 10):
            if f"`TTA{start}`-`TTA{end}`" in README:
                return True
    return False
