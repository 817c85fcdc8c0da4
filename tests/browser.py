"""Headless Chromium for page checks: the DOM after render, and screenshots.

Tests that use it skip, with the reason, where Chromium is not installed
(``apt-get install chromium``; ``scripts/install-system-deps`` does it for CI).
Set ``TTA_CODEGEN_SCREENSHOTS=DIR`` to keep the screenshots a test takes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def chromium() -> str:
    """The Chromium program, or skip the test saying how to get it."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("Chromium is not installed (apt-get install chromium)")


def _run(url: str, *extra: str, budget_ms: int) -> str:
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        done = subprocess.run(
            [
                chromium(),
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--virtual-time-budget={budget_ms}",
                *extra,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def dump_dom(url: str, *, budget_ms: int = 3000) -> str:
    """The page's DOM once scripts ran for ``budget_ms`` of virtual time."""
    return _run(url, "--dump-dom", budget_ms=budget_ms)


def screenshot(
    url: str, out: Path, *, size: tuple[int, int] = (1280, 900), budget_ms: int = 3000
) -> Path:
    """A PNG of the page at ``size``; also copied to $TTA_CODEGEN_SCREENSHOTS."""
    dom_and_screenshot(url, out, size=size, budget_ms=budget_ms)
    return out


def dom_and_screenshot(
    url: str, out: Path, *, size: tuple[int, int] = (1280, 900), budget_ms: int = 3000
) -> str:
    """The page's DOM, and a PNG of it at ``size`` (also copied to
    $TTA_CODEGEN_SCREENSHOTS), from one start of Chromium."""
    dom = _run(
        url,
        "--dump-dom",
        f"--screenshot={out}",
        f"--window-size={size[0]},{size[1]}",
        budget_ms=budget_ms,
    )
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    keep = os.environ.get("TTA_CODEGEN_SCREENSHOTS")
    if keep:
        shutil.copy(out, Path(keep) / out.name)
    return dom
