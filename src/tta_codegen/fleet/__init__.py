"""The fleet: Celery workers on many machines running queued runs.

``submit`` queues a run, ``worker`` executes runs (each to its next stop, with
the shared checkpointer), ``watch`` follows a run's events from any machine and
``cancel`` stops it. Run state and events live in Redis; one runner per thread
is guaranteed by the run lease (``tta_codegen.checkpoints.lease``).
"""

from __future__ import annotations

__all__: list[str] = []
