"""A process that applies (or recovers) a change set and stops at a chosen step.

Run as ``python -m tests.changes.apply_child SPEC.json``. The spec names the
change set, the journal folder, the action (``apply`` or ``recover``) and where
to stop: the step name and which occurrence of it. At that point the process
prints ``PAUSED`` and sleeps until the test kills it with SIGKILL. Without a
stop it prints ``STARTING`` just before it begins, so a test can kill it at a
chosen moment of the work.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from tta_codegen.changes import ChangeSet, Step, apply, recover


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text())
    stop_at: str | None = spec.get("stop_at")
    occurrence: int = spec.get("occurrence", 1)
    seen = 0

    def hook(step: Step, path: str) -> None:
        nonlocal seen
        if step != stop_at:
            return
        seen += 1
        if seen == occurrence:
            print("PAUSED", flush=True)
            time.sleep(600)

    journal_dir = Path(spec["journal_dir"])
    if stop_at is None:
        print("STARTING", flush=True)
    if spec["action"] == "recover":
        recover(journal_dir, on_step=hook)
    else:
        change_set = ChangeSet.model_validate(spec["change_set"])
        apply(change_set, journal_dir=journal_dir, on_step=hook)
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
