"""Token estimates: one rule, used for budgets, context windows and context packing.

Deliberately pessimistic (about 4 characters a token) and offline: no tokenizer
download, and it errs on the high side for code, which is what a worst-case
budget and a context-window preflight need.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "CHARS_PER_TOKEN",
    "MESSAGE_OVERHEAD_TOKENS",
    "estimate_tokens",
    "prompt_tokens",
]

CHARS_PER_TOKEN = 4
MESSAGE_OVERHEAD_TOKENS = 4
"""Tokens a chat message costs beyond its text (role and separators)."""


def estimate_tokens(text: str) -> int:
    """Tokens of ``text``: characters / 4, rounded up."""
    return -(-len(text) // CHARS_PER_TOKEN)


def prompt_tokens(messages: Iterable[str]) -> int:
    """Tokens of a chat prompt made of these message texts."""
    return sum(estimate_tokens(text) + MESSAGE_OVERHEAD_TOKENS for text in messages)
