#!/usr/bin/env bash
# Run a tta-codegen batch and keep its reports in REPORT_DIR:
#   batch.json         the summary (`tta-codegen batch --json`)
#   codegen.sarif      findings for GitHub code scanning
#   codegen-junit.xml  a test case per task and gate, for test-report views
#
# Usage: run-batch.sh TASKS.yaml REPORT_DIR
#
# Environment: CODEGEN_CONCURRENCY (default 2), CODEGEN_MAX_COST (USD for the
# whole batch), TTA_CODEGEN (the command, default tta-codegen), PYTHON (the
# interpreter tta-codegen is installed in, default python).
# Exits with the batch's exit code once the reports are written: 0 every task
# succeeded, 1 some still fail their gates, 2 bad input, 3 no model or budget.
set -euo pipefail

tasks=${1:?usage: run-batch.sh TASKS.yaml REPORT_DIR}
reports=${2:?usage: run-batch.sh TASKS.yaml REPORT_DIR}
tta=${TTA_CODEGEN:-tta-codegen}
python=${PYTHON:-python}

mkdir -p "$reports"
args=(batch "$tasks" --json --concurrency "${CODEGEN_CONCURRENCY:-2}")
if [ -n "${CODEGEN_MAX_COST:-}" ]; then
  args+=(--max-cost "$CODEGEN_MAX_COST")
fi

status=0
"$tta" "${args[@]}" >"$reports/batch.json" || status=$?

if [ -s "$reports/batch.json" ]; then
  "$python" -m tta_codegen.formats sarif "$reports/batch.json" \
    --anchor "$tasks" --output "$reports/codegen.sarif"
  "$python" -m tta_codegen.formats junit "$reports/batch.json" \
    --output "$reports/codegen-junit.xml"
else
  rm -f "$reports/batch.json"
fi

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "exit-code=$status" >>"$GITHUB_OUTPUT"
fi
echo "batch finished with exit code $status"
exit "$status"
