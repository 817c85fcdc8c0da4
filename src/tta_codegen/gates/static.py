"""Static gates: syntax (in-process parse), ruff, mypy and bandit (subprocesses).

None of them executes the generated code; each tool runs with a timeout on
files in a scratch directory, with a pinned, explicit configuration.
"""

from __future__ import annotations

import ast
import asyncio
import hashlib
import importlib.metadata
import json
import logging
import sys
import warnings
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from pydantic import TypeAdapter

from tta_codegen.files import atomic_write
from tta_codegen.findings import Finding, Severity, Target
from tta_codegen.processes import run_process

__all__ = [
    "MYPY_BLOCKING",
    "RUFF_ADVISORY",
    "RUFF_BLOCKING",
    "bandit_gate",
    "mypy_gate",
    "ruff_gate",
    "syntax_gate",
]

log = logging.getLogger(__name__)

RUFF_BLOCKING = ("E9", "F63", "F7", "F82")
"""Ruff rules that block: syntax/IO errors, invalid comparisons and asserts,
statements outside their context, undefined names."""
RUFF_ADVISORY = ("F", "E", "W", "I", "B", "C4", "UP", "SIM")
"""The rest of the team's rule set: advice fed to refinement."""
MYPY_BLOCKING = frozenset({"name-defined", "call-arg", "misc-syntax", "syntax"})
"""mypy error codes that block (definite runtime errors); the rest is advice.
Chosen on HumanEval: none of them fires on a correct solution."""
BANDIT_SEVERITY: dict[str, Severity] = {
    "HIGH": "warning",
    "MEDIUM": "warning",
    "LOW": "info",
}


def syntax_gate(source: str, path: str, target: Target) -> list[Finding]:
    """A finding when ``source`` does not parse (ast only, never executed)."""
    try:
        ast.parse(source, filename=path)
    except SyntaxError as exc:
        return [
            Finding(
                gate="syntax",
                severity="error",
                code="E999",
                message=f"syntax error: {exc.msg}",
                path=path,
                line=exc.lineno,
                target=target,
            )
        ]
    return []


async def _tool(argv: list[str], cwd: Path, timeout_s: float) -> tuple[int, str, str]:
    done = await run_process(argv, cwd=cwd, timeout_s=timeout_s)
    if done.timed_out:
        return -1, "", f"timed out after {timeout_s:g}s"
    if done.returncode is None:
        return -1, "", done.stderr
    return done.returncode, done.stdout, done.stderr


def _relative(reported: str, workdir: Path) -> str:
    """A tool's file name as a path relative to the gate's work folder."""
    path = Path(reported)
    if path.is_absolute():
        try:
            return path.resolve().relative_to(workdir.resolve()).as_posix()
        except ValueError:
            return path.name
    return path.as_posix()


def _tool_failure(gate: str, detail: str) -> Finding:
    return Finding(
        gate=gate,
        severity="warning",
        code="tool-error",
        message=f"{gate} could not check the code: {detail.strip()[-300:]}",
    )


async def ruff_gate(
    workdir: Path, files: dict[str, Target], timeout_s: float
) -> list[Finding]:
    """Ruff with the pinned rule set; blocking only for ``RUFF_BLOCKING``."""
    argv = [str(Path(sys.executable).parent / "ruff"), "check", "--isolated"]
    argv += ["--select", ",".join(RUFF_ADVISORY), "--output-format", "json"]
    argv += ["--no-cache", "--target-version", "py312", "--line-length", "88"]
    code, out, err = await _tool([*argv, *files], workdir, timeout_s)
    try:
        items = json.loads(out)
    except ValueError:
        return [_tool_failure("ruff", err or out)]
    findings = []
    for item in items:
        rule = item.get("code") or "E999"
        if rule == "invalid-syntax":
            rule = "E999"
        name = _relative(item["filename"], workdir)
        findings.append(
            Finding(
                gate="ruff",
                severity="error" if rule.startswith(RUFF_BLOCKING) else "warning",
                code=rule,
                message=item["message"],
                path=name,
                line=item["location"]["row"],
                target=files.get(name, "code"),
            )
        )
    return findings


_MYPY_MEMO: OrderedDict[str, list[Finding]] = OrderedDict()
"""mypy's findings by ``_mypy_key``, oldest first; the oldest go beyond the size."""
_MYPY_MEMO_SIZE = 256
_VERDICT = TypeAdapter(list[Finding])
"""A verdict file: the findings as JSON (their fingerprints are recomputed)."""


def _imported_names(source: str) -> set[str]:
    """Top-level module names ``source`` imports (empty when it does not parse)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


@cache
def _mypy_version() -> str:
    """The installed mypy's version: part of every verdict's key."""
    try:
        return importlib.metadata.version("mypy")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _mypy_key(workdir: Path, path: str) -> str:
    """What decides mypy's verdict on the single module ``path`` (the flags are
    fixed): mypy's version, the module's text and the text of every module
    beside it that it imports, directly or not (with ``--follow-imports=silent``
    mypy reads nothing else of the folder)."""
    siblings = {p.stem: p for p in workdir.glob("*.py")}
    digest = hashlib.sha256(f"mypy {_mypy_version()}\0".encode())
    todo, seen = [Path(path).stem], set()
    while todo:
        name = todo.pop()
        if name in seen or name not in siblings:
            continue
        seen.add(name)
        text = siblings[name].read_text(encoding="utf-8", errors="replace")
        digest.update(f"{name}\0{len(text)}\0{text}".encode())
        todo.extend(_imported_names(text))
    return digest.hexdigest()


async def mypy_gate(
    workdir: Path, path: str | Sequence[str], cache_dir: Path, timeout_s: float
) -> list[Finding]:
    """mypy (non-strict, warm cache) on one file or several; blocking only for
    ``MYPY_BLOCKING`` codes. A single module checked before with the same text
    (and the same imported neighbours) and the same mypy is not checked again:
    its verdict is kept in this process and in ``cache_dir`` beside mypy's own
    cache, so a run's final validate, a resumed run, another worker or another
    CLI process reuse it."""
    if not isinstance(path, str):
        return await _run_mypy(workdir, list(path), cache_dir, timeout_s)
    key = _mypy_key(workdir, path)
    known = _MYPY_MEMO.get(key)  # one lookup: safe beside runs on other threads
    if known is not None:
        return list(known)
    known = _read_verdict(cache_dir, key)
    if known is not None:
        _remember(key, known)
        return list(known)
    findings = await _run_mypy(workdir, [path], cache_dir, timeout_s)
    if not any(f.code == "tool-error" for f in findings):
        _remember(key, findings)
        _write_verdict(cache_dir, key, findings)
    return findings


def _remember(key: str, findings: list[Finding]) -> None:
    _MYPY_MEMO[key] = list(findings)
    if len(_MYPY_MEMO) > _MYPY_MEMO_SIZE:
        _MYPY_MEMO.popitem(last=False)


def _verdict_file(cache_dir: Path, key: str) -> Path:
    return cache_dir / "tta-verdicts" / f"{key}.json"


def _read_verdict(cache_dir: Path, key: str) -> list[Finding] | None:
    """A verdict an earlier check wrote, or None (absent or unreadable: then
    mypy runs and writes it again)."""
    try:
        return _VERDICT.validate_json(_verdict_file(cache_dir, key).read_bytes())
    except (OSError, ValueError):  # pydantic's ValidationError is a ValueError
        return None


def _write_verdict(cache_dir: Path, key: str, findings: list[Finding]) -> None:
    try:
        atomic_write(_verdict_file(cache_dir, key), _VERDICT.dump_json(findings))
    except OSError as exc:  # a cache: the check itself succeeded
        log.warning("cannot keep mypy's verdict in %s: %s", cache_dir, exc)


async def _run_mypy(
    workdir: Path, paths: list[str], cache_dir: Path, timeout_s: float
) -> list[Finding]:
    config = workdir / "mypy.ini"
    config.write_text("[mypy]\n")
    cache_dir.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "mypy", "--config-file", str(config)]
    argv += ["--cache-dir", str(cache_dir), "-O", "json", "--no-error-summary"]
    argv += ["--ignore-missing-imports", "--follow-imports=silent"]
    argv += ["--python-version", "3.12", *paths]
    code, out, err = await _tool(argv, workdir, timeout_s)
    if code not in (0, 1):
        return [_tool_failure("mypy", err or out)]
    findings = []
    for line in out.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if item.get("severity") != "error":
            continue
        rule = item.get("code") or "misc"
        findings.append(
            Finding(
                gate="mypy",
                severity="error" if rule in MYPY_BLOCKING else "warning",
                code=rule,
                message=item["message"],
                path=_relative(item["file"], workdir),
                line=item.get("line"),
            )
        )
    return findings


def _bandit_scan(path: Path) -> list[tuple[str, str, str, str, int]]:
    # Imported here: loading bandit's plugins costs ~0.4 s, paid once per process.
    # Its optional SARIF formatter (an extra we do not install) fails to load on
    # every scan and stevedore logs that as an ERROR in our logs: not ours.
    logging.getLogger("stevedore.extension").setLevel(logging.CRITICAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its plugin loader's deprecation noise
        from bandit.core import config, manager  # type: ignore[import-untyped]

        scanner = manager.BanditManager(config.BanditConfig(), "file", quiet=True)
        scanner.discover_files([str(path)])
        scanner.run_tests()
    return [
        (i.severity, i.confidence, i.test_id, i.text, i.lineno)
        for i in scanner.get_issue_list()
    ]


async def bandit_gate(workdir: Path, path: str, timeout_s: float) -> list[Finding]:
    """bandit (in-process: it only parses); blocking only for HIGH severity with
    HIGH confidence."""
    try:
        issues = await asyncio.wait_for(
            asyncio.to_thread(_bandit_scan, workdir / path), timeout_s
        )
    except TimeoutError:
        return [_tool_failure("bandit", f"timed out after {timeout_s:g}s")]
    findings = []
    for severity, confidence, test_id, text, line in issues:
        high = severity == "HIGH" and confidence == "HIGH"
        findings.append(
            Finding(
                gate="bandit",
                severity="error" if high else BANDIT_SEVERITY.get(severity, "info"),
                code=test_id,
                message=text,
                path=path,
                line=line,
            )
        )
    return findings
