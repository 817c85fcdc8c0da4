"""Test doubles that ship with the product.

``FakeOpenAIServer`` is a real HTTP server on loopback that speaks the OpenAI chat
completions protocol (JSON and SSE streaming), with scripted replies, faults and a
record of every request. Point any OpenAI-compatible client at ``server.base_url``.
"""

from tta_codegen.testing.fake_openai import FakeOpenAIServer, RecordedRequest, Reply

__all__ = ["FakeOpenAIServer", "RecordedRequest", "Reply"]
