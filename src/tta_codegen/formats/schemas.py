"""JSON Schemas of the JSON contracts, generated from their pydantic models.

The files ship in ``tta_codegen/schemas/``. Regenerate them after changing
``RunResult`` or ``ValidateOutput``::

    python -m tta_codegen.formats.schemas          # rewrite the files
    python -m tta_codegen.formats.schemas --check  # exit 1 when one is stale

A change that breaks consumers (a field removed or retyped) gets a new file
name (``result-v2``) and ``schema_version``; additions keep the version.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib.resources import files
from pathlib import Path
from typing import Literal

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import core_schema

from tta_codegen.files import atomic_write
from tta_codegen.formats.validate_json import ValidateOutput
from tta_codegen.result import RunResult

__all__ = ["SCHEMAS", "load_schema", "main", "schema_dir", "schema_text"]

SchemaName = Literal["result-v1.schema.json", "validate-v1.schema.json"]
SCHEMAS: dict[SchemaName, tuple[type[BaseModel], str]] = {
    "result-v1.schema.json": (
        RunResult,
        "The JSON object tta-codegen generate/resume --json prints.",
    ),
    "validate-v1.schema.json": (
        ValidateOutput,
        "The JSON object tta-codegen validate --format json prints.",
    ),
}
"""Each shipped schema: its model and a one-line description."""
_VERSION = 1


class _SerializedFields(GenerateJsonSchema):
    """Every serialized field is required: the output always carries it."""

    def field_is_required(
        self,
        field: core_schema.ModelField
        | core_schema.DataclassField
        | core_schema.TypedDictField,
        total: bool,
    ) -> bool:
        if self.mode == "serialization" and field["type"] != "typed-dict-field":
            return True
        return super().field_is_required(field, total)


def schema_dir() -> Path:
    """The package folder holding the schema files."""
    return Path(str(files("tta_codegen"))) / "schemas"


def schema_text(name: SchemaName) -> str:
    """The schema file's text as the current models generate it."""
    model, description = SCHEMAS[name]
    generated = model.model_json_schema(
        mode="serialization", schema_generator=_SerializedFields
    )
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:tta-codegen:schema:{name.removesuffix('.schema.json')}",
        "version": _VERSION,
        **generated,
        "description": description,
    }
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def load_schema(name: SchemaName) -> dict[str, object]:
    """The shipped schema file, parsed."""
    loaded: dict[str, object] = json.loads(
        (schema_dir() / name).read_text(encoding="utf-8")
    )
    return loaded


def main(argv: list[str] | None = None) -> int:
    """Rewrite the shipped schemas (or, with ``--check``, report stale ones)."""
    parser = argparse.ArgumentParser(prog="python -m tta_codegen.formats.schemas")
    parser.add_argument("--check", action="store_true", help="only compare")
    args = parser.parse_args(argv)
    stale = []
    for name in SCHEMAS:
        path = schema_dir() / name
        text = schema_text(name)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(name)
        if not args.check:
            atomic_write(path, text)
            print(f"wrote {path}")
    if args.check and stale:
        print("stale: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
