"""Checks shared by the format tests."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import jsonschema
import xmlschema


def check_sarif(validator: jsonschema.Draft4Validator, text: str) -> dict[str, Any]:
    """Parse SARIF text, assert it is schema-valid and code-scanning-ready (every
    result has a file location: GitHub refuses the upload otherwise)."""
    log: dict[str, Any] = json.loads(text)
    errors = [e.message for e in validator.iter_errors(log)]
    assert errors == []
    for result in log["runs"][0]["results"]:
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    return log


def check_junit(schema: xmlschema.XMLSchema, text: str) -> ET.Element:
    """Parse JUnit XML text and assert it is valid against the XSD."""
    root = ET.fromstring(text)
    schema.validate(root)
    return root


def cases(root: ET.Element) -> dict[tuple[str, str], ET.Element]:
    """Test cases by (classname, name)."""
    return {
        (c.get("classname", ""), c.get("name", "")): c for c in root.iter("testcase")
    }


def results_by_rule(log: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """SARIF results grouped by rule id."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for result in log["runs"][0]["results"]:
        grouped.setdefault(result["ruleId"], []).append(result)
    return grouped


def where(result: dict[str, Any]) -> tuple[str, int | None]:
    """A SARIF result's (uri, start line)."""
    physical = result["locations"][0]["physicalLocation"]
    return physical["artifactLocation"]["uri"], physical.get("region", {}).get(
        "startLine"
    )
