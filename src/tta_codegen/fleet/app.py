"""The Celery app of a fleet: its broker, queue and delivery guarantees.

Late acks and reject-on-worker-lost: a run's message is acknowledged only when
its task returns, so a run whose worker died is delivered again (RabbitMQ at
once, Redis after the visibility timeout); the sweeper re-queues it sooner.
One message is reserved per free worker slot.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from tta_codegen.checkpoints.urls import redact_url
from tta_codegen.errors import StoreUnavailableError
from tta_codegen.fleet.config import TASK_NAME, broker_url

if TYPE_CHECKING:
    from celery import Celery
    from kombu.connection import Connection

    from tta_codegen.settings import Settings

__all__ = ["broker_connection", "make_app", "send_run"]

VISIBILITY_FLOOR_S = 300.0
"""Redis broker: an unacknowledged message is delivered again after this long
(or four lease times, whichever is longer); the lease stops a second runner."""


BROKER_HEARTBEAT_S = 120
"""AMQP heartbeat asked for (Celery's default; the broker may lower it)."""


def make_app(settings: Settings) -> Celery:
    """A Celery app for the fleet of ``settings`` (no result backend: results
    and events travel through the run records)."""
    from celery import Celery  # noqa: PLC0415

    fleet = settings.fleet
    app = Celery("tta_codegen", broker=broker_url(settings), set_as_current=False)
    app.conf.update(
        task_default_queue=fleet.queue,
        broker_heartbeat=BROKER_HEARTBEAT_S,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        broker_connection_retry_on_startup=True,
        # AMQP: check the heartbeat at most a second apart (the negotiated
        # interval divided by this rate); the worker's event loop wakes up for
        # it, so SIGTERM stops an idle worker in ~1 s instead of up to 10 s
        broker_heartbeat_checkrate=BROKER_HEARTBEAT_S,
        broker_transport_options={
            "visibility_timeout": max(VISIBILITY_FLOOR_S, 4 * fleet.lease_s)
        },
        task_serializer="json",
        accept_content=["json"],
    )
    return app


@contextmanager
def broker_connection(app: Celery, settings: Settings) -> Iterator[Connection]:
    """A connection to ``fleet.broker_url`` (Celery would otherwise let
    ``CELERY_BROKER_URL`` or ``CELERY_BROKER_WRITE_URL`` in the environment win
    over it), connected now; a broker that cannot be reached or refuses us is a
    ``StoreUnavailableError`` naming it (password hidden)."""
    from kombu.exceptions import OperationalError  # noqa: PLC0415

    url = broker_url(settings)
    with app.connection_for_write(url) as connection:
        failures = (
            OperationalError,
            OSError,
            *connection.connection_errors,
            *connection.channel_errors,
        )
        try:
            connection.connect()
            yield connection
        except failures as exc:
            raise StoreUnavailableError(
                f"cannot use the fleet's broker {redact_url(url)}: "
                f"{type(exc).__name__}: {exc}",
                hint="check fleet.broker_url and that the broker runs",
            ) from None


def send_run(app: Celery, settings: Settings, thread_id: str) -> None:
    """Queue one turn of ``thread_id`` (what to run is in its record)."""
    with broker_connection(app, settings) as connection:
        app.send_task(
            TASK_NAME,
            args=[thread_id],
            queue=settings.fleet.queue,
            connection=connection,
        )
