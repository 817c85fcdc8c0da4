#!/usr/bin/env bash
# Commit the files a batch wrote on a new branch, push it and open a pull
# request that lists every task (files of tasks that failed are not written:
# their findings are in code scanning).
#
# Usage: open-pr.sh BATCH_JSON [FILE...]   FILE: more files to include, such as
#                                          the task list made from an issue
#
# Environment: GH_TOKEN (for gh), ISSUE_NUMBER (links the issue), CODEGEN_BASE
# (the base branch; default: the branch the workflow ran on), CODEGEN_BRANCH
# (default codegen/<batch>-<run id>), PYTHON (default python).
# Writes url, ref (refs/pull/N/head) and sha to $GITHUB_OUTPUT when set.
set -euo pipefail

summary=${1:?usage: open-pr.sh BATCH_JSON [FILE...]}
shift
python=${PYTHON:-python}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Reads the batch summary; writes title, branch suffix, body; prints the files.
"$python" - "$summary" "$work" <<'PY' >"$work/files"
import json
import os
import sys
from pathlib import Path

summary, work = json.loads(Path(sys.argv[1]).read_text()), Path(sys.argv[2])


def shown(path: str) -> str:
    """A written file as the repository sees it (results hold absolute paths)."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


tasks = summary["tasks"]
done = [t for t in tasks if t["status"] == "succeeded"]
files = [
    path
    for t in done
    for path in (t["result"]["code_path"], t["result"]["tests_path"])
    if path
]
server, repo, run = (os.environ.get(k, "") for k in
                     ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID"))
lines = [f"tta-codegen batch `{summary['batch']}`: "
         f"{len(done)} of {len(tasks)} tasks passed their quality gates."]
if server and repo and run:
    lines.append(f"Run: {server}/{repo}/actions/runs/{run}")
lines += ["", "| task | status | model | rounds | cost $ | files |",
          "|---|---|---|---|---|---|"]
for t in tasks:
    r = t["result"] or {}
    written = [shown(p) for p in (r.get("code_path"), r.get("tests_path")) if p]
    cost = (r.get("usage") or {}).get("cost_usd", 0.0)
    lines.append(
        f"| {t['task']} | {t['status']} | {r.get('model') or '-'} | "
        f"{r.get('iterations', '-')} | {cost:.6f} | "
        + (", ".join(f"`{p}`" for p in written) or "none (see code scanning)")
        + " |"
    )
issue = os.environ.get("ISSUE_NUMBER", "")
if issue:
    lines += ["", f"{'Closes' if len(done) == len(tasks) else 'Part of'} #{issue}"]
(work / "body.md").write_text("\n".join(lines) + "\n")
(work / "title").write_text(
    f"codegen: {summary['batch']} ({len(done)} of {len(tasks)} tasks)\n")
(work / "name").write_text(summary["batch"] + "\n")
print("\n".join(files))
PY

mapfile -t files < <(grep -v '^$' "$work/files" || true)
if [ "${#files[@]}" -eq 0 ]; then
  echo "no task wrote files: no pull request"
  exit 0
fi

name=$(cat "$work/name")
base=${CODEGEN_BASE:-${GITHUB_REF_NAME:-$(git rev-parse --abbrev-ref HEAD)}}
run=${GITHUB_RUN_ID:-$(date +%Y%m%d%H%M%S)}
if [ "${GITHUB_RUN_ATTEMPT:-1}" != 1 ]; then
  run="$run.$GITHUB_RUN_ATTEMPT" # a re-run pushes a branch of its own
fi
branch=${CODEGEN_BRANCH:-codegen/$name-$run}
export GIT_AUTHOR_NAME=${GIT_AUTHOR_NAME:-github-actions[bot]}
export GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL:-41898282+github-actions[bot]@users.noreply.github.com}
export GIT_COMMITTER_NAME=${GIT_COMMITTER_NAME:-$GIT_AUTHOR_NAME}
export GIT_COMMITTER_EMAIL=${GIT_COMMITTER_EMAIL:-$GIT_AUTHOR_EMAIL}

git switch --create "$branch"
git add -- "${files[@]}" "$@"
git commit --quiet --file "$work/title"
git push --quiet origin "HEAD:refs/heads/$branch"
url=$(gh pr create --base "$base" --head "$branch" \
  --title "$(cat "$work/title")" --body-file "$work/body.md")
echo "pull request: $url"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "url=$url"
    echo "ref=refs/pull/${url##*/}/head" # where code scanning shows the findings
    echo "sha=$(git rev-parse HEAD)"
  } >>"$GITHUB_OUTPUT"
fi
