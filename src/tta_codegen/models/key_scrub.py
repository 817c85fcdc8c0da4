"""API keys a model echoes back never leave the gateway.

A provider (or a gateway in front of it) that puts the caller's key in its
answer would otherwise carry it into the streamed output, the checkpoints and
the files written. Only the exact values of the configured providers' keys are
replaced: generated code that merely mentions ``api_key = ...`` is untouched.
"""

from __future__ import annotations

import os
from dataclasses import replace

from tta_codegen.models.chat_model import TokenSink
from tta_codegen.models.messages import Completion
from tta_codegen.settings import Settings
from tta_codegen.telemetry.redact import REDACTED

__all__ = ["ScrubbingSink", "provider_keys", "scrub_completion"]

_MIN_KEY_CHARS = 8
"""Shorter values are not keys worth hiding (and would mangle answers)."""


def provider_keys(settings: Settings) -> tuple[str, ...]:
    """The configured providers' key values present in the environment,
    longest first (one key may contain another)."""
    values = {
        os.environ.get(provider.api_key_env, "")
        for provider in settings.providers.values()
        if provider.api_key_env
    }
    usable = (v for v in values if len(v) >= _MIN_KEY_CHARS)
    return tuple(sorted(usable, key=len, reverse=True))


def scrub(text: str, keys: tuple[str, ...]) -> str:
    """``text`` with every key replaced by ``[REDACTED]``."""
    for key in keys:
        if key in text:
            text = text.replace(key, REDACTED)
    return text


def scrub_completion(completion: Completion, keys: tuple[str, ...]) -> Completion:
    """The completion with its text scrubbed (itself when there was nothing)."""
    text = scrub(completion.text, keys)
    return completion if text == completion.text else replace(completion, text=text)


def _key_start(text: str, keys: tuple[str, ...]) -> int:
    """How many of the last characters of ``text`` begin some key."""
    longest = 0
    for key in keys:
        for size in range(min(len(key) - 1, len(text)), longest, -1):
            if text.endswith(key[:size]):
                longest = size
                break
    return longest


class ScrubbingSink:
    """Passes streamed text on with keys replaced. An end of a piece that
    could begin a key is held back until the next piece (a key split across
    chunks is still caught); ``flush`` passes on what is held."""

    def __init__(self, sink: TokenSink, keys: tuple[str, ...]) -> None:
        self._sink = sink
        self._keys = keys
        self._held = ""

    def __call__(self, text: str) -> None:
        pending = scrub(self._held + text, self._keys)
        cut = len(pending) - _key_start(pending, self._keys)
        self._held = pending[cut:]
        if cut:
            self._sink(pending[:cut])

    def flush(self) -> None:
        if self._held:
            self._sink(scrub(self._held, self._keys))
            self._held = ""
