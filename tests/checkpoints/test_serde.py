"""The strict serializer: our state types round-trip, nothing else loads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import ormsgpack
import pytest
from langgraph.checkpoint.serde.jsonplus import (
    EXT_CONSTRUCTOR_SINGLE_ARG,
    EXT_METHOD_SINGLE_ARG,
)
from langgraph.types import Interrupt, Send

from tta_codegen import state
from tta_codegen.checkpoints import make_serializer
from tta_codegen.checkpoints.serde import state_value_types
from tta_codegen.errors import CheckpointError
from tta_codegen.findings import Finding

pytestmark = pytest.mark.unit

FINDING = Finding(gate="ruff", severity="error", message="undefined name", code="F821")
VALUES: dict[str, object] = {
    "schema_version": state.SCHEMA_VERSION,
    "request": state.CodegenRequest(task="add two numbers", context_paths=("a.py",)),
    "usage": state.Usage(input_tokens=10, cost_usd=Decimal("0.0012")),
    "report": state.GateReport(
        findings=(FINDING,),
        coverage=91.5,
        test_outcomes=(state.TestOutcome(node_id="t.py::test_a", outcome="passed"),),
    ),
    "findings": [FINDING],
    "calls": [
        state.LLMCall(
            node="generate",
            model="m",
            provider="p",
            template="t@1",
            latency_ms=3.5,
            input_tokens=1,
            output_tokens=2,
            cost_usd=None,
            attempts=(state.Attempt(model="x", outcome="error", reason="429"),),
        )
    ],
    "ranking": [state.RankedModel(model="m", score=0.5, reasons=("cheap",))],
    "context": state.ContextBundle(
        chunks=(state.ContextChunk(path="a.py", start_line=1, end_line=2, text="x"),)
    ),
    "review": state.ReviewDecision(approved=True, code="print(1)"),
    "timings": {"generate": 1.25},
    "when": dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
}


def test_every_state_model_is_allow_listed() -> None:
    names = {t.__name__ for t in state_value_types()}
    assert names == {
        "Attempt",
        "ChangeSet",
        "CodegenRequest",
        "ContextBundle",
        "ContextChunk",
        "FileChange",
        "Finding",
        "GateReport",
        "LLMCall",
        "RankedModel",
        "ReviewDecision",
        "TestOutcome",
        "Usage",
    }


def test_state_values_round_trip_exactly() -> None:
    serde = make_serializer()
    assert serde.loads_typed(serde.dumps_typed(VALUES)) == VALUES


def test_langgraph_control_values_still_load() -> None:
    serde = make_serializer()
    values = [Send("node", {"a": 1}), Interrupt(value={"code": "x"}, id="i1")]
    assert serde.loads_typed(serde.dumps_typed(values)) == values


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (
            ormsgpack.Ext(
                EXT_CONSTRUCTOR_SINGLE_ARG, ormsgpack.packb(["os", "system", "true"])
            ),
            "os.system is not allow-listed",
        ),
        (
            ormsgpack.Ext(
                EXT_METHOD_SINGLE_ARG,
                ormsgpack.packb(["os", "popen", "true", "read"]),
            ),
            "method os.popen.read is not allow-listed",
        ),
        (ormsgpack.Ext(42, b"\x00"), "unsupported extension type 42"),
    ],
)
def test_foreign_types_are_refused_not_returned_raw(
    payload: ormsgpack.Ext, reason: str
) -> None:
    serde = make_serializer()
    with pytest.raises(CheckpointError, match=reason):
        serde.loads_typed(("msgpack", ormsgpack.packb({"x": [payload]})))


@pytest.mark.parametrize("encoding", ["pickle", "json", "bogus"])
def test_other_encodings_are_refused(encoding: str) -> None:
    with pytest.raises(CheckpointError, match=f"encoding '{encoding}'"):
        make_serializer().loads_typed((encoding, b"{}"))


def test_allowlist_merged_by_a_compiled_graph_stays_strict() -> None:
    serde = make_serializer().with_msgpack_allowlist([("collections", "OrderedDict")])
    foreign = ormsgpack.Ext(
        EXT_CONSTRUCTOR_SINGLE_ARG, ormsgpack.packb(["os", "system", "true"])
    )
    with pytest.raises(CheckpointError, match="os.system"):
        serde.loads_typed(("msgpack", ormsgpack.packb(foreign)))
    assert serde.loads_typed(serde.dumps_typed(VALUES)) == VALUES
