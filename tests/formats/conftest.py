"""Validators for the published formats (vendored schemas, see data/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from tta_codegen.formats.schemas import load_schema

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def sarif_validator() -> jsonschema.Draft4Validator:
    """The OASIS SARIF 2.1.0 schema (draft-04), with format checks."""
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    return jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


@pytest.fixture(scope="session")
def junit_schema() -> xmlschema.XMLSchema:
    """The JUnit XSD used by Jenkins' xUnit plugin (as pytest checks itself)."""
    return xmlschema.XMLSchema(str(DATA / "junit-10.xsd"))


@pytest.fixture(scope="session")
def result_validator() -> jsonschema.Draft202012Validator:
    """The shipped ``result-v1`` schema."""
    return jsonschema.Draft202012Validator(load_schema("result-v1.schema.json"))


@pytest.fixture(scope="session")
def validate_validator() -> jsonschema.Draft202012Validator:
    """The shipped ``validate-v1`` schema."""
    return jsonschema.Draft202012Validator(load_schema("validate-v1.schema.json"))
