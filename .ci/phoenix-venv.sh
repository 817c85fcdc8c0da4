#!/usr/bin/env bash
# Arize Phoenix (the no-Docker trace viewer of `tta-codegen trace open`) in a venv
# of its own, for the tests that export a run's trace to it. It is a separate
# server process, so it never shares tta-codegen's environment; the tests find it
# through TTA_CODEGEN_PHOENIX (print it with: .ci/phoenix-venv.sh --print-env).
#
#   .ci/phoenix-venv.sh                     # venv in .venv-phoenix (kept between runs)
#   PHOENIX_VENV=/tmp/phoenix .ci/phoenix-venv.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-$( (scripts/find-python312 2>/dev/null) || command -v python3.12)}
VENV=${PHOENIX_VENV:-.venv-phoenix}
VERSION=20.26.1

if [ "${1:-}" = "--print-env" ]; then
    echo "export TTA_CODEGEN_PHOENIX=$(cd "$VENV" && pwd)"
    exit 0
fi
t0=$(date +%s)
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; \
sys.exit(m.version('arize-phoenix') != '$VERSION')" 2>/dev/null; then
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q "arize-phoenix==$VERSION"
fi
echo "phoenix $VERSION in $VENV: $(( $(date +%s) - t0 )) s, $(du -sh "$VENV" | cut -f1)"
