"""Scrub secrets from text and from spans before they leave the process.

``redact`` replaces API keys, bearer tokens, Authorization headers, passwords in
URLs, long high-entropy tokens and the values of secret-looking environment
variables with ``[REDACTED]``. It needs no OpenTelemetry SDK; the span side
lives in ``tta_codegen.telemetry.redacting_exporter``.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from tta_codegen.telemetry.genai import TTA_THREAD_ID

if TYPE_CHECKING:
    from opentelemetry.util.types import Attributes, AttributeValue

__all__ = ["REDACTED", "Redactor", "redact", "redact_exception"]

REDACTED = "[REDACTED]"

KNOWN_SECRET_ENV = (
    "OPENROUTER_API_KEY",
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "LOCAL_API_KEY",
    "REDIS_PASSWORD",
)
_SECRET_ENV_SUFFIXES = ("_API_KEY", "_KEY", "_TOKEN", "_SECRET", "_PASSWORD")
_HEADER_ENV = ("OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS")
_MIN_SECRET_LEN = 8

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization: Bearer x / "api_key": "x" / x-api-key=x
    (
        re.compile(
            r"(?i)\b((?:proxy-)?authorization|x-api-key|api[-_]?key|access[-_]?token"
            r"|secret|password|passwd)([\"']?\s*[:=]\s*[\"']?)"
            r"(?:(?:bearer|basic|token)\s+)?[^\s\"',;}]+"
        ),
        r"\1\2" + REDACTED,
    ),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 " + REDACTED),
    (re.compile(r"\bsk-(?:or-v1-|proj-|ant-)?[A-Za-z0-9_-]{16,}"), REDACTED),
    # scheme://user:password@host (not an already masked ***, nor the
    # user[:password]@host of a usage hint)
    (
        re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@\[]*):(?!\*+@)([^/\s@]+)@"),
        r"\1:" + REDACTED + "@",
    ),
)
# every pattern above (and the token rule) needs one of these to match
_TRIGGER = re.compile(
    r"(?i)sk-|bearer|basic|authoriz|api[-_]?key|token|secret|passw|://"
    r"|[A-Za-z0-9_+=-]{32}"
)
_TOKEN = re.compile(r"[A-Za-z0-9_+=-]{32,}")
_MIN_TOKEN_ENTROPY = 4.3  # bits per char; hex ids and UUIDs stay below 4.1


def _entropy(token: str) -> float:
    counts = Counter(token)
    total = len(token)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def _looks_random(token: str) -> bool:
    has_digit = any(c.isdigit() for c in token)
    has_alpha = any(c.isalpha() for c in token)
    return has_digit and has_alpha and _entropy(token) >= _MIN_TOKEN_ENTROPY


def _env_secrets(environ: Mapping[str, str]) -> list[str]:
    values: set[str] = set()
    for name, value in environ.items():
        upper = name.upper()
        if upper in KNOWN_SECRET_ENV or upper.endswith(_SECRET_ENV_SUFFIXES):
            values.add(value)
        elif upper in _HEADER_ENV:
            for pair in value.split(","):
                _, _, header_value = pair.partition("=")
                values.add(header_value.strip())
    # longest first, so a secret containing another is replaced whole
    return sorted(
        (v for v in values if len(v) >= _MIN_SECRET_LEN), key=len, reverse=True
    )


class Redactor:
    """A scrubber with a snapshot of the secret values found in the environment."""

    def __init__(
        self, environ: Mapping[str, str] | None = None, extra: Iterable[str] = ()
    ) -> None:
        secrets = _env_secrets(os.environ if environ is None else environ)
        secrets.extend(s for s in extra if len(s) >= _MIN_SECRET_LEN)
        self._secrets = sorted(set(secrets), key=len, reverse=True)

    def text(self, text: str, *, entropy_rule: bool = True) -> str:
        """``text`` with every secret replaced by ``[REDACTED]``."""
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        if not _TRIGGER.search(text):
            return text
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        if entropy_rule:
            text = _TOKEN.sub(
                lambda m: REDACTED if _looks_random(m.group(0)) else m.group(0), text
            )
        return text

    def value(
        self, value: AttributeValue, *, entropy_rule: bool = True
    ) -> AttributeValue:
        """An attribute value with its strings scrubbed (sequences too)."""
        if isinstance(value, str):
            return self.text(value, entropy_rule=entropy_rule)
        if isinstance(value, Sequence) and value and isinstance(value[0], str):
            return tuple(self.text(str(v), entropy_rule=entropy_rule) for v in value)
        return value

    def attributes(self, attributes: Attributes) -> dict[str, AttributeValue]:
        """A scrubbed copy of ``attributes`` (the thread id keeps its exact value
        apart from known secrets, so spans still group by thread)."""
        if not attributes:
            return {}
        return {
            key: self.value(value, entropy_rule=key != TTA_THREAD_ID)
            for key, value in attributes.items()
        }


def redact(text: str) -> str:
    """``text`` with API keys, tokens, Authorization values and secret env values
    replaced by ``[REDACTED]``."""
    return Redactor().text(text)


def redact_exception(exc: BaseException) -> BaseException:
    """``exc``, or a copy whose string arguments are redacted when any held a
    secret (a ``RuntimeError`` with the redacted text when the type cannot be
    rebuilt from its arguments). Used before an exception is checkpointed."""
    redactor = Redactor()
    args = tuple(redactor.text(a) if isinstance(a, str) else a for a in exc.args)
    if args == exc.args:
        return exc
    try:
        return type(exc)(*args)
    except Exception:  # noqa: BLE001  (keyword-only or validating constructors)
        return RuntimeError(redactor.text(f"{type(exc).__name__}: {exc}"))
