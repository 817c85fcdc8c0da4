"""Where the fleet lives: its Redis (run records, events) and its broker."""

from __future__ import annotations

from tta_codegen.checkpoints.urls import parse_store_url, redact_url
from tta_codegen.errors import ConfigError
from tta_codegen.settings import Settings

__all__ = ["broker_url", "fleet_redis_url", "fleet_settings"]

TASK_NAME = "tta_codegen.fleet.run"
"""The one Celery task: run a thread to its next stop."""


def fleet_redis_url(settings: Settings) -> str:
    """The Redis holding run records, events, leases and shared limits: the
    checkpoint store's, else ``routing.stats_url``, else a redis:// broker."""
    candidates = [
        settings.checkpoints.url,
        settings.routing.stats_url,
        settings.fleet.broker_url,
    ]
    for url in candidates:
        if url and url.split("://", 1)[0].lower() in ("redis", "rediss"):
            return url
    raise ConfigError(
        "the fleet needs a Redis for its run records and events",
        hint="set checkpoints.url or routing.stats_url to redis://host:port/db",
    )


def broker_url(settings: Settings) -> str:
    """``fleet.broker_url``, or the fleet's Redis."""
    url = settings.fleet.broker_url or fleet_redis_url(settings)
    scheme = url.split("://", 1)[0].lower()
    if scheme not in ("redis", "rediss", "amqp", "amqps", "pyamqp"):
        raise ConfigError(
            f"fleet.broker_url {redact_url(url)!r}: expected redis:// or amqp://"
        )
    return url


def fleet_settings(settings: Settings) -> Settings:
    """The settings a fleet process runs with: checkpoints in a shared store
    and the model stats, breakers and budgets in the fleet's Redis."""
    assert settings.checkpoints.url is not None
    if parse_store_url(settings.checkpoints.url).kind in ("memory", "sqlite"):
        raise ConfigError(
            "the fleet needs a shared checkpoint store; "
            f"checkpoints.url is {redact_url(settings.checkpoints.url)!r}",
            hint="set checkpoints.url to redis://... or postgresql://...",
        )
    redis_url = fleet_redis_url(settings)
    if settings.routing.stats_url:
        return settings
    routing = settings.routing.model_copy(update={"stats_url": redis_url})
    return settings.model_copy(update={"routing": routing})
