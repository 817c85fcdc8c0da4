"""The [fleet] section and the fleet commands' bad input: one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import redis
from tests.cli_runner import error_line, run_cli
from tests.fleet.conftest import amqp_url, use_broker

from tta_codegen.errors import ConfigError
from tta_codegen.settings import Settings

pytestmark = [pytest.mark.fleet, pytest.mark.unit]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("concurrency", "0"),
        ("lease_s", "0"),
        ("lease_s", "-1"),
        ("lease_s", "0.001"),  # renewals could never keep up
        ("lease_s", "1e308"),  # no store keeps a key that long
        ("queue", ""),
    ],
)
def test_fleet_numbers_must_be_in_range(
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


@pytest.mark.redis
@pytest.mark.parametrize(
    "broker",
    ["amqp://guest:hunter2@127.0.0.1:9//", "redis://:hunter2@127.0.0.1:9/0"],
    ids=["amqp", "redis"],
)
def test_a_broker_that_cannot_be_reached_is_one_line_and_queues_nothing(
    fleet_config: Path, redis_url: str, broker: str
) -> None:
    text = fleet_config.read_text()
    use_broker(fleet_config, broker)

    submitted = run_cli(
        "submit", "Add two integers.", "--thread-id", "lost", config=fleet_config
    )
    worker = run_cli("worker", config=fleet_config)

    for done in (submitted, worker):
        line = error_line(done)
        assert line.startswith("error[TTA201]: cannot use the fleet's broker ")
        assert "127.0.0.1:9" in line and "hunter2" not in done.stderr
    # nothing was left half-queued: once the broker is right, the same id goes
    fleet_config.write_text(text)
    again = run_cli(
        "submit", "Add two integers.", "--thread-id", "lost", config=fleet_config
    )
    assert again.returncode == 0, again.stderr
    queue = Settings.load(fleet_config).fleet.queue
    assert redis.Redis.from_url(redis_url).llen(queue) == 1


def test_a_wrong_broker_password_stops_the_worker_before_it_starts(
    fleet_config: Path,
) -> None:
    url = amqp_url()
    user, _, rest = url.partition("://")[2].partition(":")
    use_broker(fleet_config, f"amqp://{user}:not-the-password@{rest.partition('@')[2]}")

    done = run_cli("worker", config=fleet_config)

    line = error_line(done)
    assert line.startswith("error[TTA201]: cannot use the fleet's broker amqp://")
    assert "not-the-password" not in done.stderr


def test_watch_and_cancel_with_redis_down_are_one_line(
    config_file: Path, tmp_path: Path
) -> None:
    config_file.write_text(
        config_file.read_text().replace(
            f'url = "sqlite:///{tmp_path}/checkpoints.sqlite"',
            'url = "redis://127.0.0.1:9/0"',
        )
    )
    for command in ("watch", "cancel"):
        line = error_line(run_cli("runs", command, "t1", config=config_file))
        assert line.startswith(
            "error[TTA201]: cannot reach the fleet's Redis redis://127.0.0.1:9/0"
        )


@pytest.mark.redis
def test_a_fleet_batch_says_what_it_queued_and_resume_adds_only_new_tasks(
    fleet_config: Path, redis_url: str, tmp_path: Path
) -> None:
    queue = Settings.load(fleet_config).fleet.queue
    waiting = redis.Redis.from_url(redis_url)
    tasks = tmp_path / "sprint.yaml"

    def write(*ids: str) -> None:
        lines = [f"  - {{id: {i}, task: Add two integers ({i}).}}" for i in ids]
        tasks.write_text("name: s\ntasks:\n" + "\n".join(lines) + "\n")

    write("a", "b")
    first = run_cli("batch", tasks, "--fleet", config=fleet_config)
    assert first.returncode == 0, first.stderr
    assert first.stdout.split() == ["s-a", "s-b"]

    write("a", "b", "c")
    again = run_cli("batch", tasks, "--fleet", config=fleet_config)
    assert again.returncode == 2
    assert again.stdout.split() == ["s-c"]  # queued although a and b were refused
    assert "a: TTA100: thread 's-a' already exists" in again.stderr
    assert "--resume" in again.stderr

    write("a", "b", "c", "d")
    resumed = run_cli(
        "batch", tasks, "--fleet", "--resume", "--json", config=fleet_config
    )
    assert resumed.returncode == 0, resumed.stderr
    notes = {row["task"]: row["note"] for row in json.loads(resumed.stdout)["tasks"]}
    assert notes == {
        "a": "already queued",
        "b": "already queued",
        "c": "already queued",
        "d": "queued",
    }
    assert waiting.llen(queue) == 4  # one message per task, none twice
