#!/usr/bin/env bash
# Write the task list held in an issue to FILE: the first ```yaml block of the
# issue's body, in tta-codegen's batch format (see the README, "Batch runs").
#
# Usage: ISSUE_BODY="..." issue-tasks.sh FILE
#
# The body comes in through the environment, never through the workflow's
# text, so nothing in an issue can run as a command.
set -euo pipefail

out=${1:?usage: issue-tasks.sh FILE}
body=${ISSUE_BODY:?ISSUE_BODY is not set}

mkdir -p "$(dirname "$out")"
# awk reads to the end (no early exit: with pipefail that would be an error)
if ! printf '%s\n' "$body" | tr -d '\r' | awk '
    done { next }
    !inside && /^[[:space:]]*```[[:space:]]*ya?ml[[:space:]]*$/ { inside = 1; found = 1; next }
    inside && /^[[:space:]]*```/ { inside = 0; done = 1; next }
    inside { print }
    END { if (!found) exit 1 }
' >"$out" || [ ! -s "$out" ]; then
  rm -f "$out"
  echo "error: the issue holds no \`\`\`yaml block with tasks (see examples/github-actions/README.md)" >&2
  exit 2
fi
echo "tasks from the issue: $out"
