"""Success metrics over the run history (``tta-codegen report``).

``records`` turns a checkpointed state into a ``RunRecord`` (the one place that
knows the state's shape); ``load`` reads records from any checkpoint store;
``edits`` measures how much people changed generated files since; ``metrics``
computes everything from records alone; ``render_text``, ``render_json`` and
``render_html`` show it; ``build`` ties them together.
"""

from tta_codegen.report.build import Report, build_report, parse_since
from tta_codegen.report.metrics import ReportMetrics, compute_metrics
from tta_codegen.report.records import (
    CallRecord,
    RunRecord,
    WrittenFile,
    record_from_state,
)

__all__ = [
    "CallRecord",
    "Report",
    "ReportMetrics",
    "RunRecord",
    "WrittenFile",
    "build_report",
    "compute_metrics",
    "parse_since",
    "record_from_state",
]
