"""Finish reasons tta-codegen sets itself, beside the provider's own."""

from __future__ import annotations

from typing import Final

__all__ = ["RUNAWAY"]

RUNAWAY: Final = "runaway"
"""The answer ran far past ``max_output_tokens`` (twice what they can hold) and
tta-codegen stopped reading it: the provider ignored the limit."""
