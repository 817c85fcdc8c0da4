#!/usr/bin/env bash
# Optional CI job: the OpenHands SDK tests (tests marked openhands_sdk) in a venv
# of their own, because the SDK extra pins LiteLLM < 1.106 and needs Python 3.12+.
# On success it records the SDK version the watchdog was proven with, which
# `tta-codegen openhands status` reports (criteria watchdog_proven, file_generation).
#
#   .ci/openhands-job.sh                 # venv in .venv-openhands (kept between runs)
#   OPENHANDS_VENV=/tmp/oh .ci/openhands-job.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-$( (scripts/find-python312 2>/dev/null) || command -v python3.12)}
VENV=${OPENHANDS_VENV:-.venv-openhands}
t0=$(date +%s)

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q -c .ci/openhands-constraints.txt \
    -e ".[openhands]" "pytest>=8.4" "pytest-asyncio>=1.2" "pytest-timeout>=2.4"
"$VENV/bin/python" -m pip check
t1=$(date +%s)

log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$VENV/bin/python" -m pytest tests/openhands -m openhands_sdk -q -rs \
    -p no:cacheprovider | tee "$log"
t2=$(date +%s)

if grep -qE '[0-9]+ skipped' "$log"; then
    echo "SDK tests were skipped: is the openhands extra installed?" >&2
    exit 1
fi
passed=$(grep -oE '[0-9]+ passed' "$log" | grep -oE '[0-9]+')
"$VENV/bin/python" - "$passed" <<'PY'
import sys

from tta_codegen.openhands.availability import installed_sdk_version
from tta_codegen.openhands.status import record_watchdog_proof
from tta_codegen.settings import Settings

version = installed_sdk_version()
assert version is not None
path = record_watchdog_proof(Settings.load(), version, tests=int(sys.argv[1]))
print(f"recorded: openhands-sdk {version} watchdog tests passed -> {path}")
PY
echo "install: $((t1 - t0)) s, SDK tests: $((t2 - t1)) s"
