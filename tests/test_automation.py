"""account_partitions_sensor and the per-account schedules through Dagster's own test contexts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dagster as dg
import pytest
from pydantic import SecretStr

from ig_assets.partitions import account_partitions
from ig_resources.database import DatabaseResource
from ig_resources.instagram.session import SessionCookies
from schedules import content_schedule, faces_schedule, follow_graph_schedule, profile_refresh_schedule
from sensors import account_partitions_sensor, apply_partition_requests


def _cookies(pk: str) -> SessionCookies:
    return SessionCookies(cookies={"sessionid": SecretStr(f"{pk}%3Axyz%3A1"), "ds_user_id": SecretStr(pk)})


def _tick(instance: dg.DagsterInstance, database: DatabaseResource) -> dg.SensorResult:
    with dg.build_sensor_context(instance=instance, resources={"database": database}) as context:
        result = account_partitions_sensor(context)
    apply_partition_requests(instance, result)
    return result


def test_sensor_adds_and_removes_partitions_in_one_tick(
    database: DatabaseResource, instance: dg.DagsterInstance
) -> None:
    database.accounts.register("alice", _cookies("1"))
    database.accounts.register("bob", _cookies("2"))
    first = _tick(instance, database)
    assert sorted(r.partition_key for r in first.run_requests) == ["alice", "bob"]
    assert set(account_partitions.get_partition_keys(dynamic_partitions_store=instance)) == {
        "alice",
        "bob",
    }

    idle = _tick(instance, database)
    assert not idle.run_requests
    assert not idle.dynamic_partitions_requests
    assert idle.skip_reason
    assert "2 account partitions match" in idle.skip_reason.skip_message

    database.accounts.remove("alice")
    database.accounts.register("carol", _cookies("3"))
    both = _tick(instance, database)
    kinds = {type(r).__name__: list(r.partition_keys) for r in both.dynamic_partitions_requests}
    assert kinds == {
        "AddDynamicPartitionsRequest": ["carol"],
        "DeleteDynamicPartitionsRequest": ["alice"],
    }
    assert [r.partition_key for r in both.run_requests] == ["carol"]
    assert set(account_partitions.get_partition_keys(dynamic_partitions_store=instance)) == {
        "bob",
        "carol",
    }


@pytest.mark.parametrize(
    "schedule",
    [follow_graph_schedule, profile_refresh_schedule, content_schedule, faces_schedule],
    ids=lambda s: s.name,
)
def test_schedule_requests_one_run_per_healthy_account(
    database: DatabaseResource, schedule: dg.ScheduleDefinition, instance: dg.DagsterInstance
) -> None:
    when = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)

    def tick(instance: dg.DagsterInstance) -> dg.SkipReason | list[dg.RunRequest]:
        with dg.build_schedule_context(
            instance=instance, scheduled_execution_time=when, resources={"database": database}
        ) as context:
            return schedule(context)

    assert isinstance(tick(instance), dg.SkipReason)
    for name, pk in (("bob", "2"), ("alice", "1"), ("carol", "3")):
        database.accounts.register(name, _cookies(pk))
    instance.add_dynamic_partitions("instagram_accounts", ["bob", "alice", "carol"])
    assert [(r.partition_key, r.run_key) for r in tick(instance)] == [
        ("alice", "alice:20261123T0600"),
        ("bob", "bob:20261123T0600"),
        ("carol", "carol:20261123T0600"),
    ]
    # A throttled account and a logged-out one are left out until they may run again.
    database.accounts.record_health(
        database.accounts.get("alice").id,
        cooldown_until=datetime.now(UTC) + timedelta(hours=1),
        reason="rate_limited: 429",
    )
    database.accounts.record_health(
        database.accounts.get("carol").id, login_state="login_required", reason="login_required"
    )
    assert [r.partition_key for r in tick(instance)] == ["bob"]
    database.accounts.register("carol", _cookies("3"))  # a new login clears the stop
    assert [r.partition_key for r in tick(instance)] == ["bob", "carol"]
    database.accounts.record_health(
        database.accounts.get("bob").id, login_state="checkpoint_required", reason="challenge"
    )
    database.accounts.record_health(
        database.accounts.get("carol").id, login_state="checkpoint_required", reason="challenge"
    )
    skipped = tick(instance)
    assert isinstance(skipped, dg.SkipReason)
    assert "cooling down until" in (skipped.skip_message or "")
