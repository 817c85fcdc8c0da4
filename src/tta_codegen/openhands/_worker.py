"""The OpenHands worker: runs one SDK conversation in its own process.

Started by ``runner.run_openhands`` as ``python -m tta_codegen.openhands._worker``
with the job on stdin (the API key travels there, never in argv or the
environment the agent's terminal sees). It reports JSON lines on its original
stdout: ``progress`` lines while the conversation runs, then one ``result`` line.
Everything else the SDK prints goes to stderr.

This is the only module that imports ``openhands``; nothing else imports it.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import IO, Any

from tta_codegen.openhands.watchdog import Limits, StopReason, Watchdog

CONDENSER_MAX_SIZE = 80
"""Events in the agent's view before the condenser summarises (SDK default 240)."""


MAX_MESSAGE_CHARS = 8000
"""The agent's final message is cut to this length."""


def _emit(out: IO[str], payload: dict[str, Any]) -> None:
    out.write(json.dumps(payload) + "\n")
    out.flush()


def _build_conversation(spec: dict[str, Any], callback: Callable[[Any], None]) -> Any:
    from openhands.sdk import LLM, Agent, Conversation, LLMSummarizingCondenser, Tool
    from openhands.tools.file_editor import FileEditorTool
    from openhands.tools.task_tracker import TaskTrackerTool
    from openhands.tools.terminal import TerminalTool

    prices: dict[str, float] = {}
    if spec.get("input_cost_per_token") is not None:
        prices["input_cost_per_token"] = float(spec["input_cost_per_token"])
    if spec.get("output_cost_per_token") is not None:
        prices["output_cost_per_token"] = float(spec["output_cost_per_token"])
    llm = LLM(
        model=f"openai/{spec['model']}",
        base_url=spec["base_url"],
        api_key=spec["api_key"] or "unused",
        usage_id="agent",
        num_retries=int(spec.get("num_retries", 2)),
        retry_min_wait=1,
        retry_max_wait=8,
        extra_headers=spec.get("extra_headers") or None,
        **prices,
    )
    condenser = LLMSummarizingCondenser(
        llm=llm.model_copy(update={"usage_id": "condenser"}),
        max_size=int(spec.get("condenser_max_size", CONDENSER_MAX_SIZE)),
        keep_first=2,
    )
    agent = Agent(
        llm=llm,
        tools=[
            Tool(name=TerminalTool.name, params={"terminal_type": "subprocess"}),
            Tool(name=FileEditorTool.name),
            Tool(name=TaskTrackerTool.name),
        ],
        condenser=condenser,
    )
    return Conversation(
        agent=agent,
        workspace=spec["workspace"],
        max_iteration_per_run=int(spec["sdk_max_iterations"]),
        callbacks=[callback],
        visualizer=None,
    )


def _usage(conversation: Any) -> dict[str, Any]:
    metrics = conversation.conversation_stats.get_combined_metrics()
    usage = metrics.accumulated_token_usage
    return {
        "input_tokens": int(getattr(usage, "prompt_tokens", 0) or 0),
        "output_tokens": int(getattr(usage, "completion_tokens", 0) or 0),
        "cost_usd": str(Decimal(str(metrics.accumulated_cost or 0.0))),
    }


def run(spec: dict[str, Any], watchdog: Watchdog, out: IO[str]) -> dict[str, Any]:
    """Run the conversation described by ``spec``; return the result payload."""
    from openhands.sdk.conversation.response_utils import get_agent_final_response
    from openhands.sdk.event import ActionEvent, Condensation, MessageEvent
    from openhands.sdk.event.conversation_error import ConversationErrorEvent

    events: list[Any] = []
    errors: list[str] = []
    holder: dict[str, Any] = {}

    def stop(reason: StopReason | None) -> None:
        if reason is not None and "conversation" in holder:
            holder["conversation"].pause()

    def on_event(event: Any) -> None:
        events.append(event)
        reason: StopReason | None = None
        if isinstance(event, Condensation):
            reason = watchdog.on_condensation()
        elif isinstance(event, ActionEvent) or (
            isinstance(event, MessageEvent) and event.source == "agent"
        ):
            reason = watchdog.on_agent_step(getattr(event, "llm_response_id", None))
        elif isinstance(event, ConversationErrorEvent):
            errors.append(f"{event.code}: {event.detail}")
        _emit(
            out,
            {
                "event": "progress",
                "kind": type(event).__name__,
                "events": len(events),
                "iterations": watchdog.iterations,
                "condensations": watchdog.condensations,
            },
        )
        stop(reason)

    conversation = _build_conversation(spec, on_event)
    holder["conversation"] = conversation
    timer = threading.Timer(watchdog.remaining_s, lambda: stop(watchdog.expire()))
    timer.daemon = True
    timer.start()
    failure: str | None = None
    try:
        conversation.send_message(spec["message"])
        conversation.run()
    except Exception as exc:  # the SDK raises ConversationRunError and others
        failure = f"{type(exc).__name__}: {exc}"
    finally:
        timer.cancel()
    status = str(getattr(conversation.state.execution_status, "value", "")).lower()
    result: dict[str, Any] = {
        "event": "result",
        "sdk_status": status,
        "stopped_by": watchdog.tripped,
        "events_count": len(events),
        "iterations": watchdog.iterations,
        "condensations": watchdog.condensations,
        "error": (failure or "; ".join(errors))[:MAX_MESSAGE_CHARS] or None,
        "message": (get_agent_final_response(events) or "")[:MAX_MESSAGE_CHARS],
        **_usage(conversation),
    }
    conversation.close()
    return result


def main() -> int:
    """Read the job spec from stdin, run it, report on the original stdout."""
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # the SDK's own output goes to stderr
    sys.stdout = sys.stderr
    spec = json.loads(sys.stdin.read())
    # The clock starts before the SDK import, as the runner's does.
    watchdog = Watchdog(Limits(**spec["limits"]))
    _emit(out, {"event": "started"})
    try:
        result = run(spec, watchdog, out)
    except Exception as exc:  # report, never a traceback on the protocol channel
        result = {"event": "result", "error": f"{type(exc).__name__}: {exc}"}
    _emit(out, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
