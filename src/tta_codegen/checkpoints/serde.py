"""A checkpoint serializer that refuses anything it was not told to load.

LangGraph's ``JsonPlusSerializer`` in strict mode only *warns* about a type that
is not allow-listed and hands back the raw constructor arguments, and it falls
back to ``model_construct`` (no validation) when a pydantic model does not
validate. Anyone who can write to the checkpoint store could then smuggle data
past our types. ``StrictSerializer`` keeps the same wire format but raises
``CheckpointError`` for a foreign type, a failed validation, an unknown
encoding or bytes that do not decode. An exception it stores (a failed step's
error) is redacted first.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any, get_args, get_type_hints

import ormsgpack
from langgraph.checkpoint.serde import _msgpack as lg_msgpack
from langgraph.checkpoint.serde.jsonplus import (
    EXT_CONSTRUCTOR_KW_ARGS,
    EXT_CONSTRUCTOR_POS_ARGS,
    EXT_CONSTRUCTOR_SINGLE_ARG,
    EXT_DELTA_SNAPSHOT,
    EXT_METHOD_SINGLE_ARG,
    EXT_PYDANTIC_V2,
    JsonPlusSerializer,
)
from langgraph.checkpoint.serde.types import _DeltaSnapshot
from pydantic import BaseModel

from tta_codegen.errors import CheckpointError
from tta_codegen.telemetry.redact import redact_exception

__all__ = ["StrictSerializer", "make_serializer", "state_value_types"]

_CONSTRUCTOR_CODES = {
    EXT_CONSTRUCTOR_SINGLE_ARG,
    EXT_CONSTRUCTOR_POS_ARGS,
    EXT_CONSTRUCTOR_KW_ARGS,
    EXT_PYDANTIC_V2,
}
_HINT = "the checkpoint store holds data tta-codegen did not write; delete the run"


def state_value_types() -> list[type[BaseModel]]:
    """Every pydantic model that may appear in the graph state: those reachable
    from ``CodegenState``'s fields, and ``Usage``, which version 1 states kept."""
    from tta_codegen.state import CodegenState, Usage  # noqa: PLC0415  (cycle guard)

    found: dict[type[BaseModel], None] = {Usage: None}

    def visit(annotation: object) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation not in found:
                found[annotation] = None
                for field in annotation.model_fields.values():
                    visit(field.annotation)
            return
        for argument in get_args(annotation):
            visit(argument)

    for annotation in get_type_hints(CodegenState).values():
        visit(annotation)
    return list(found)


class _Refused(Exception):
    """Raised inside the msgpack hook; ormsgpack hides it, so it is recorded."""


def _strict_hook(
    allowed: frozenset[tuple[str, ...]], problems: list[str]
) -> Callable[[int, bytes], Any]:
    def refuse(reason: str) -> _Refused:
        problems.append(reason)
        return _Refused(reason)

    def construct(code: int, module: str, name: str, args: Any) -> Any:
        if (module, name) not in allowed:
            raise refuse(f"type {module}.{name} is not allow-listed")
        try:
            if module == "langgraph.types" and name == "Send":
                from langgraph.types import Send  # noqa: PLC0415

                return Send(*args)
            target = getattr(importlib.import_module(module), name)
            if code == EXT_PYDANTIC_V2:
                return target.model_validate(args)
            if code == EXT_CONSTRUCTOR_POS_ARGS:
                return target(*args)
            if code == EXT_CONSTRUCTOR_KW_ARGS:
                return target(**args)
            return target(args)
        except Exception as exc:  # a stored value that does not validate
            raise refuse(
                f"{module}.{name} could not be rebuilt: {type(exc).__name__}"
            ) from exc

    def hook(code: int, data: bytes) -> Any:
        if code == EXT_DELTA_SNAPSHOT:
            return _DeltaSnapshot(ormsgpack.unpackb(data, ext_hook=hook, option=_OPT))
        if code in _CONSTRUCTOR_CODES:
            tup = ormsgpack.unpackb(data, ext_hook=hook, option=_OPT)
            if not isinstance(tup, (list, tuple)) or len(tup) < 3:
                raise refuse(f"malformed extension value (code {code})")
            return construct(code, str(tup[0]), str(tup[1]), tup[2])
        if code == EXT_METHOD_SINGLE_ARG:
            tup = ormsgpack.unpackb(data, ext_hook=hook, option=_OPT)
            key = (str(tup[0]), str(tup[1]), str(tup[3]))
            if key not in lg_msgpack.SAFE_MSGPACK_METHODS:
                raise refuse(f"method {'.'.join(key)} is not allow-listed")
            return getattr(getattr(importlib.import_module(key[0]), key[1]), key[2])(
                tup[2]
            )
        raise refuse(f"unsupported extension type {code}")

    return hook


_OPT = ormsgpack.OPT_NON_STR_KEYS


class StrictSerializer(JsonPlusSerializer):
    """``JsonPlusSerializer`` whose loads refuse instead of warning."""

    def __init__(self, *, allowed: Iterable[tuple[str, ...] | type]) -> None:
        super().__init__(allowed_msgpack_modules=list(allowed))
        self._strict_allowed = self._frozen_allowlist()

    def _frozen_allowlist(self) -> frozenset[tuple[str, ...]]:
        extra = self._allowed_msgpack_modules
        own = extra if isinstance(extra, set) else set()
        return frozenset(own | lg_msgpack.SAFE_MSGPACK_TYPES)

    def with_msgpack_allowlist(
        self, extra_allowlist: Iterable[tuple[str, ...] | type]
    ) -> JsonPlusSerializer:
        """Merge types a compiled graph declares in its schema; stay strict."""
        clone = super().with_msgpack_allowlist(extra_allowlist)
        if isinstance(clone, StrictSerializer) and clone is not self:
            clone._strict_allowed = clone._frozen_allowlist()
        return clone

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        """Encode one value; an exception (a failed step's error write) is
        stored with its secrets redacted."""
        if isinstance(obj, BaseException):
            obj = redact_exception(obj)
        return super().dumps_typed(obj)

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        """Decode one stored value, or raise ``CheckpointError``."""
        type_, payload = data
        if type_ == "null":
            return None
        if type_ == "bytes":
            return payload
        if type_ == "bytearray":
            return bytearray(payload)
        if type_ != "msgpack":
            raise CheckpointError(
                f"refused to decode a checkpoint value of encoding {type_!r}",
                hint=_HINT,
            )
        problems: list[str] = []
        try:
            return ormsgpack.unpackb(
                payload,
                ext_hook=_strict_hook(self._strict_allowed, problems),
                option=_OPT,
            )
        except (ValueError, TypeError) as exc:
            reason = problems[0] if problems else f"corrupted data ({exc})"
            raise CheckpointError(
                f"refused to decode checkpoint data: {reason}", hint=_HINT
            ) from exc


def make_serializer() -> StrictSerializer:
    """The serializer every tta-codegen checkpointer uses.

    It allow-lists exactly the pydantic models of the graph state (and
    ``Finding``) on top of LangGraph's own safe types (Decimal, datetime, UUID,
    messages, ``Send``/``Interrupt``/``Command``...).
    """
    return StrictSerializer(allowed=state_value_types())
