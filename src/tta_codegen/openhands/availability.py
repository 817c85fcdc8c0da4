"""Is the OpenHands SDK installed? Answered without importing it.

Importing ``openhands.sdk`` takes seconds and pulls in LiteLLM, so the disabled
path only ever reads installed package metadata.
"""

from __future__ import annotations

from importlib import metadata

from tta_codegen.errors import ConfigError
from tta_codegen.settings import OpenHandsSettings

__all__ = [
    "EXTRA_INSTALL",
    "SDK_DISTRIBUTION",
    "TOOLS_DISTRIBUTION",
    "installed_sdk_version",
    "installed_tools_version",
    "require_sdk",
]

SDK_DISTRIBUTION = "openhands-sdk"
"""The PyPI distribution of the OpenHands Software Agent SDK."""
TOOLS_DISTRIBUTION = "openhands-tools"
"""The distribution holding the terminal, file editor and task tracker tools."""
EXTRA_INSTALL = "pip install 'tta-codegen[openhands]'"
"""The command that installs the optional extra."""


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def installed_sdk_version() -> str | None:
    """The installed ``openhands-sdk`` version, or None."""
    return _version(SDK_DISTRIBUTION)


def installed_tools_version() -> str | None:
    """The installed ``openhands-tools`` version, or None."""
    return _version(TOOLS_DISTRIBUTION)


def require_sdk(settings: OpenHandsSettings) -> None:
    """ConfigError when OpenHands is enabled but the SDK (or its tools) is missing.

    Call it once at the entry point; it does nothing when OpenHands is disabled.
    """
    if not settings.enabled:
        return
    if installed_sdk_version() is None or installed_tools_version() is None:
        raise ConfigError(
            f"OpenHands is enabled but the SDK is not installed: {EXTRA_INSTALL}",
            hint="or set [openhands] enabled = false",
        )
