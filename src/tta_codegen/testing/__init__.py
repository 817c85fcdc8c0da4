"""Test doubles that ship with the product.

``FunctionChatModel`` answers every model from a Python function, in process
(no HTTP): the quickest way to test nodes, the graph or your own templates.
``FakeOpenAIServer`` is a real HTTP server on loopback that speaks the OpenAI
chat completions protocol (JSON and SSE streaming), with scripted replies,
faults and a record of every request: point any OpenAI-compatible client at
``server.base_url``.
"""

from tta_codegen.testing.fake_openai import FakeOpenAIServer
from tta_codegen.testing.function_model import (
    AnswerFunction,
    CallInfo,
    FunctionChatModel,
    RecordedCall,
)
from tta_codegen.testing.openai_wire import RecordedRequest, Reply, SentStream

__all__ = [
    "AnswerFunction",
    "CallInfo",
    "FakeOpenAIServer",
    "FunctionChatModel",
    "RecordedCall",
    "RecordedRequest",
    "Reply",
    "SentStream",
]
