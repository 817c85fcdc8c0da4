"""The OpenHands CI job installs from pinned constraints: every dependency of the
package and of its openhands extra must be pinned there, or pip's resolver is
left to backtrack (for many minutes) or fails."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = "regenerate it with the uv command at the top of the file"


def _pinned() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / ".ci" / "openhands-constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version
    return pins


def test_every_dependency_of_the_openhands_job_is_pinned_compatibly() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["openhands"]]
    pins = _pinned()
    for text in wanted:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, (
            f"{name} is not in .ci/openhands-constraints.txt: {REGENERATE}"
        )
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{name}=={pins[name]} does not satisfy {text!r}: {REGENERATE}"
        )
