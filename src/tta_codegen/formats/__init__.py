"""Output formats for CI: SARIF 2.1.0, JUnit XML and the versioned JSON contracts.

``render_validate``, ``render_run`` and ``render_batch`` turn a gate report, a
run result or a batch's results into the text ``--format json|sarif|junit``
prints. ``subjects`` adapts each source into what the renderers draw;
``sarif``, ``junit`` and ``validate_json`` hold one format each;
``tta_codegen.formats.schemas`` generates and loads the shipped JSON Schemas
(``python -m tta_codegen.formats.schemas``); ``python -m tta_codegen.formats``
converts saved ``--json`` output.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tta_codegen._lazy import lazy_exports

if TYPE_CHECKING:
    from tta_codegen.formats._files import FileMap, Location, find_repo_root
    from tta_codegen.formats.junit import junit_xml
    from tta_codegen.formats.render import (
        FORMATS,
        OutputFormat,
        choose_format,
        render_batch,
        render_run,
        render_subjects,
        render_validate,
    )
    from tta_codegen.formats.rules import Rule, rule_for, rule_id
    from tta_codegen.formats.sarif import FINGERPRINT_KEY, sarif_log
    from tta_codegen.formats.subjects import (
        Subject,
        batch_subjects,
        run_subject,
        validate_subject,
    )
    from tta_codegen.formats.validate_json import ValidateOutput

__all__ = [
    "FINGERPRINT_KEY",
    "FORMATS",
    "FileMap",
    "Location",
    "OutputFormat",
    "Rule",
    "Subject",
    "ValidateOutput",
    "batch_subjects",
    "choose_format",
    "find_repo_root",
    "junit_xml",
    "render_batch",
    "render_run",
    "render_subjects",
    "render_validate",
    "rule_for",
    "rule_id",
    "run_subject",
    "sarif_log",
    "validate_subject",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "FINGERPRINT_KEY": "tta_codegen.formats.sarif",
        "FORMATS": "tta_codegen.formats.choice",
        "FileMap": "tta_codegen.formats._files",
        "Location": "tta_codegen.formats._files",
        "OutputFormat": "tta_codegen.formats.choice",
        "Rule": "tta_codegen.formats.rules",
        "Subject": "tta_codegen.formats.subjects",
        "ValidateOutput": "tta_codegen.formats.validate_json",
        "batch_subjects": "tta_codegen.formats.subjects",
        "choose_format": "tta_codegen.formats.choice",
        "find_repo_root": "tta_codegen.formats._files",
        "junit_xml": "tta_codegen.formats.junit",
        "render_batch": "tta_codegen.formats.render",
        "render_run": "tta_codegen.formats.render",
        "render_subjects": "tta_codegen.formats.render",
        "render_validate": "tta_codegen.formats.render",
        "rule_for": "tta_codegen.formats.rules",
        "rule_id": "tta_codegen.formats.rules",
        "run_subject": "tta_codegen.formats.subjects",
        "sarif_log": "tta_codegen.formats.sarif",
        "validate_subject": "tta_codegen.formats.subjects",
    },
)
