"""``openhands status``: the installed SDK against ADR-001's activation criteria.

The monthly check in one call. Criteria a machine can judge are ``met`` or
``not met`` (``unknown`` when the data is missing); those that need a person are
``manual``. Never imports the SDK.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import httpx

from tta_codegen.openhands.availability import (
    EXTRA_INSTALL,
    SDK_DISTRIBUTION,
    installed_sdk_version,
)
from tta_codegen.settings import Settings

__all__ = [
    "INDEX_URL_ENV",
    "PROOF_FILE_NAME",
    "Criterion",
    "CriterionState",
    "IndexInfo",
    "OpenHandsStatus",
    "collect_status",
    "fetch_index_info",
    "proof_path",
    "record_watchdog_proof",
]

CriterionState = Literal["met", "not met", "unknown", "manual"]

INDEX_URL_ENV = "TTA_CODEGEN_OPENHANDS_INDEX_URL"
"""Overrides the package index JSON URL (a mirror, or a test server)."""
DEFAULT_INDEX_URL = f"https://pypi.org/pypi/{SDK_DISTRIBUTION}/json"
PROOF_FILE_NAME = "openhands-watchdog-proof.json"
"""Written by .ci/openhands-job.sh when the SDK tests pass."""
MIN_RELEASE_AGE_DAYS = 14
"""ADR-001: a release needs two weeks in the wild before we rely on it."""
_PRERELEASE = re.compile(r"(a|b|rc|dev|alpha|beta|pre)\d*", re.IGNORECASE)


@dataclass(frozen=True)
class Criterion:
    """One activation criterion of ADR-001 and its state."""

    key: str
    """Stable identifier (for --json consumers)."""
    title: str
    """The criterion in words."""
    state: CriterionState
    """met, not met, unknown (data missing) or manual (needs a person)."""
    detail: str
    """Why, or what to check."""


@dataclass(frozen=True)
class IndexInfo:
    """What the package index says about openhands-sdk."""

    reachable: bool
    """False when the index could not be read within the timeout."""
    latest_version: str | None = None
    """Newest released version."""
    installed_released_at: datetime | None = None
    """Upload time of the installed version, when the index lists it."""


@dataclass(frozen=True)
class OpenHandsStatus:
    """Everything ``openhands status`` reports."""

    installed_version: str | None
    """openhands-sdk version installed here, or None."""
    enabled: bool
    """``[openhands] enabled`` in the settings."""
    latest_version: str | None
    """Newest release on the index, or None."""
    index_reachable: bool
    """Whether the index answered."""
    criteria: tuple[Criterion, ...]
    """ADR-001's activation criteria."""

    @property
    def misconfigured(self) -> bool:
        """Enabled while the SDK is missing (a configuration error)."""
        return self.enabled and self.installed_version is None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "installed_version": self.installed_version,
            "enabled": self.enabled,
            "latest_version": self.latest_version,
            "index_reachable": self.index_reachable,
            "criteria": [asdict(c) for c in self.criteria],
        }


def index_url() -> str:
    """The index JSON URL: ``$TTA_CODEGEN_OPENHANDS_INDEX_URL`` or PyPI's."""
    return os.environ.get(INDEX_URL_ENV) or DEFAULT_INDEX_URL


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def fetch_index_info(
    installed: str | None, *, url: str | None = None, timeout_s: float = 3.0
) -> IndexInfo:
    """Newest version and the installed version's upload time from the index."""
    try:
        response = httpx.get(url or index_url(), timeout=timeout_s)
        response.raise_for_status()
        data = response.json()
    except (httpx.HTTPError, ValueError):
        return IndexInfo(reachable=False)
    info = data.get("info") if isinstance(data, dict) else None
    latest = info.get("version") if isinstance(info, dict) else None
    released_at = None
    releases = data.get("releases") if isinstance(data, dict) else None
    if installed and isinstance(releases, dict):
        files = releases.get(installed) or []
        times = [
            t
            for f in files
            if isinstance(f, dict)
            and (
                t := _parse_time(f.get("upload_time_iso_8601") or f.get("upload_time"))
            )
        ]
        released_at = min(times) if times else None
    return IndexInfo(
        reachable=True,
        latest_version=latest if isinstance(latest, str) else None,
        installed_released_at=released_at,
    )


def proof_path(settings: Settings) -> Path:
    """Where the SDK test job records that the watchdog held."""
    return settings.state_dir / PROOF_FILE_NAME


def record_watchdog_proof(settings: Settings, sdk_version: str, tests: int) -> Path:
    """Record that the SDK tests passed against ``sdk_version``."""
    path = proof_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "sdk_version": sdk_version,
        "tests_passed": tests,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    path.write_text(json.dumps(payload) + "\n", encoding="utf-8")
    return path


def _read_proof(settings: Settings) -> dict[str, Any] | None:
    try:
        data = json.loads(proof_path(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _watchdog_criteria(settings: Settings, installed: str | None) -> list[Criterion]:
    proof = _read_proof(settings)
    title_w = "Our watchdog stops condensation and iteration loops with this SDK"
    title_f = "A watched run produces a module file (scripted model)"
    if installed is None:
        state: CriterionState = "not met"
        detail = f"SDK not installed ({EXTRA_INSTALL})"
    elif proof is None:
        state, detail = "unknown", "no record; run .ci/openhands-job.sh"
    elif proof.get("sdk_version") != installed:
        state = "not met"
        detail = f"tests last passed with {proof.get('sdk_version')}, not {installed}"
    else:
        state = "met"
        detail = f"SDK tests passed with {installed} at {proof.get('at')}"
    return [
        Criterion("watchdog_proven", title_w, state, detail),
        Criterion("file_generation", title_f, state, detail),
    ]


def _release_criteria(installed: str | None, index: IndexInfo) -> list[Criterion]:
    if installed is None:
        stable = Criterion(
            "stable_release", "Installed SDK is a stable release", "not met", "none"
        )
    elif _PRERELEASE.search(installed.split("+")[0]):
        stable = Criterion(
            "stable_release",
            "Installed SDK is a stable release",
            "not met",
            f"{installed} is a pre-release",
        )
    else:
        stable = Criterion(
            "stable_release", "Installed SDK is a stable release", "met", installed
        )
    title_age = f"The installed release is at least {MIN_RELEASE_AGE_DAYS} days old"
    if installed is None or not index.reachable or index.installed_released_at is None:
        why = "PyPI not reachable" if not index.reachable else "release date unknown"
        age = Criterion("release_age", title_age, "unknown", why)
    else:
        days = (datetime.now(UTC) - index.installed_released_at).days
        age_state: CriterionState = "met" if days >= MIN_RELEASE_AGE_DAYS else "not met"
        age = Criterion(
            "release_age", title_age, age_state, f"released {days} days ago"
        )
    return [stable, age]


def collect_status(
    settings: Settings,
    *,
    url: str | None = None,
    timeout_s: float = 3.0,
    installed: str | None | Literal["detect"] = "detect",
) -> OpenHandsStatus:
    """Gather the installed version, settings, index data and criteria.

    ``installed`` overrides the detected SDK version (for what-if checks).
    """
    if installed == "detect":
        installed = installed_sdk_version()
    index = fetch_index_info(installed, url=url, timeout_s=timeout_s)
    criteria = [
        Criterion(
            "condensation_fix",
            "A release fixes the condensation loop (OpenHands issue #8630)",
            "manual",
            "the issue was closed by a stale bot without a fix; read the release"
            " notes since the last check",
        ),
        *_watchdog_criteria(settings, installed),
        *_release_criteria(installed, index),
        Criterion(
            "community_validation",
            "Two weeks of community validation without new loop reports",
            "manual",
            "search the SDK's issue tracker for condensation/stuck loops",
        ),
        Criterion(
            "real_model_trial",
            "A watched run against a real model produces a file that passes validate",
            "manual",
            "enable on a test machine and run a complex task",
        ),
    ]
    return OpenHandsStatus(
        installed_version=installed,
        enabled=settings.openhands.enabled,
        latest_version=index.latest_version,
        index_reachable=index.reachable,
        criteria=tuple(criteria),
    )
