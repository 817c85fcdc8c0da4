"""Text from outside the process (arguments, files, the environment) must be
UTF-8; where it is not, one error names the source and the first bad byte.

Python keeps the undecodable bytes of arguments and environment values as lone
surrogates; ``require_utf8`` finds them before they reach a checkpoint, a log
line or an HTTP header. ``decode_utf8`` does the same for a file's bytes.
"""

from __future__ import annotations

from tta_codegen.errors import CodegenError, InputError

__all__ = ["decode_utf8", "first_bad_byte", "require_utf8"]


def first_bad_byte(text: str) -> int | None:
    """Byte offset of the first undecodable byte kept in ``text``, or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return len(text[: exc.start].encode("utf-8"))
    return None


def require_utf8(text: str, where: str, error: type[CodegenError] = InputError) -> str:
    """``text``, or ``error`` naming ``where`` and the offset of the bad byte."""
    offset = first_bad_byte(text)
    if offset is not None:
        raise error(f"{where} is not valid UTF-8 (bad byte at offset {offset})")
    return text


def decode_utf8(data: bytes, where: str, error: type[CodegenError] = InputError) -> str:
    """``data`` decoded, or ``error`` naming ``where`` and the bad byte's offset."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(
            f"{where} is not valid UTF-8 (bad byte at offset {exc.start})"
        ) from None
