"""The [fleet] section and the fleet commands' bad input: one line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis
from tests.cli_runner import run_cli

from tta_codegen.errors import ConfigError
from tta_codegen.settings import Settings

pytestmark = [pytest.mark.fleet, pytest.mark.unit]


@pytest.mark.parametrize(
    ("key", "value"),
    [("concurrency", "0"), ("lease_s", "0"), ("lease_s", "-1"), ("queue", "")],
)
def test_fleet_numbers_must_be_positive(
    monkeypatch: pytest.MonkeyPatch, key: str, value: str
) -> None:
    monkeypatch.setenv(f"TTA_CODEGEN_FLEET__{key.upper()}", value)
    with pytest.raises(ConfigError, match=f"fleet.{key}"):
        Settings.load()


def test_defaults() -> None:
    fleet = Settings.load().fleet
    assert (fleet.queue, fleet.concurrency, fleet.lease_s) == ("tta-codegen", 4, 30.0)
    assert fleet.broker_url is None


def test_the_fleet_refuses_local_checkpoints(config_file: Path) -> None:
    done = run_cli("submit", "Add two integers.", config=config_file)
    assert done.returncode == 2
    assert "error[TTA101]: the fleet needs a shared checkpoint store" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_broker_of_another_kind_is_refused(
    config_file: Path, redis_url: str, tmp_path: Path
) -> None:
    text = config_file.read_text().replace(
        f'url = "sqlite:///{tmp_path}/checkpoints.sqlite"', f'url = "{redis_url}"'
    )
    config_file.write_text(
        text + '\n[fleet]\nbroker_url = "sqs://user:hunter2@queue.example"\n'
    )
    done = run_cli("worker", config=config_file)
    assert done.returncode == 2
    assert "expected redis:// or amqp://" in done.stderr
    assert "hunter2" not in done.stderr


def test_watch_and_cancel_of_an_unknown_run(
    config_file: Path, redis_url: str, tmp_path: Path
) -> None:
    config_file.write_text(
        config_file.read_text().replace(
            f'url = "sqlite:///{tmp_path}/checkpoints.sqlite"',
            f'url = "{redis_url}"\nkey_prefix = "unknown-{tmp_path.name}"',
        )
    )
    for command in ("watch", "cancel"):
        done = run_cli("runs", command, "nope", config=config_file)
        assert done.returncode == 2
        assert "no fleet run with thread id 'nope'" in done.stderr


@pytest.mark.redis
def test_celery_variables_in_the_environment_do_not_move_the_broker(
    fleet_config: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    nowhere = "redis://127.0.0.1:9/0"
    monkeypatch.setenv("CELERY_BROKER_URL", nowhere)
    monkeypatch.setenv("CELERY_BROKER_WRITE_URL", nowhere)
    done = run_cli("submit", "Add two integers.", config=fleet_config)
    assert done.returncode == 0, done.stderr
    queue = Settings.load(fleet_config).fleet.queue
    assert redis.Redis.from_url(redis_url).llen(queue) == 1
