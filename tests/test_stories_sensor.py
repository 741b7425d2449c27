"""`new_stories_sensor` through `build_sensor_context` on a real instance, against the sandbox on
loopback: one tray request per account per tick, a run per new tray state and never two, the cursor,
and accounts that must not be asked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import dagster as dg
import pytest

from ig_resources.database import DatabaseResource
from ig_resources.instagram import InstagramClientResource
from ig_resources.instagram.session import parse_cookie_file
from ig_sandbox.instagram import (
    AccountSpec,
    Fault,
    NetworkSpec,
    SandboxNetwork,
    SandboxServer,
    render_cookie_file,
)
from schedules import story_retention_schedule
from sensors import new_stories_sensor

NAMES = ("ana", "bo", "cy")


@dataclass
class Sandbox:
    server: SandboxServer
    network: SandboxNetwork
    database: DatabaseResource
    instance: dg.DagsterInstance

    def tick(self, cursor: str | None) -> dg.SensorResult:
        resources = {
            "database": self.database,
            "instagram": InstagramClientResource(api_base_url=self.server.url, web_base_url=self.server.url),
        }
        with dg.build_sensor_context(instance=self.instance, cursor=cursor, resources=resources) as context:
            return new_stories_sensor(context)

    def tray_requests(self) -> dict[str, int]:
        return {name: kinds.get("story_tray", 0) for name, kinds in self.server.stats()["by_account"].items()}


@pytest.fixture
def sandbox(database: DatabaseResource, instance: dg.DagsterInstance) -> Iterator[Sandbox]:
    network = SandboxNetwork(
        NetworkSpec(
            seed=8,
            accounts=[AccountSpec(username=n, followers=20, following=20, tray_reels=5) for n in NAMES],
        )
    )
    with SandboxServer(network) as server:
        for name in NAMES:
            database.accounts.register(
                name, parse_cookie_file(render_cookie_file(network.session_cookies(name)))
            )
        instance.add_dynamic_partitions("instagram_accounts", list(NAMES))
        yield Sandbox(server, network, database, instance)


def test_a_run_per_new_tray_state_and_never_twice(sandbox: Sandbox) -> None:
    first = sandbox.tick(None)
    assert sorted(r.partition_key for r in first.run_requests) == list(NAMES)
    assert all(r.run_key.startswith(f"stories:{r.partition_key}:") for r in first.run_requests)
    assert sandbox.tray_requests() == dict.fromkeys(NAMES, 1)
    cursor = json.loads(first.cursor)
    assert set(cursor) == set(NAMES)

    # Nothing new: no run, the same cursor, one more tray request each.
    idle = sandbox.tick(first.cursor)
    assert not idle.run_requests
    assert idle.skip_reason
    assert json.loads(idle.cursor) == cursor
    assert sandbox.tray_requests() == dict.fromkeys(NAMES, 2)

    # Someone bo follows posts: one run for bo, with a new key.
    sandbox.network.post_story("bo")
    moved = sandbox.tick(idle.cursor)
    (request,) = moved.run_requests
    assert request.partition_key == "bo"
    assert request.run_key not in {r.run_key for r in first.run_requests}
    assert request.tags["ig/tray_state"] == json.loads(moved.cursor)["bo"] != cursor["bo"]
    # The daemon drops a request whose run key it has launched: evaluating the same state again gives
    # the same key, so a state is never run twice even when the cursor was lost.
    assert {r.run_key for r in sandbox.tick(idle.cursor).run_requests} == {request.run_key}


def test_cooling_and_logged_out_accounts_are_not_asked(sandbox: Sandbox) -> None:
    db = sandbox.database
    ana, cy = db.accounts.get("ana"), db.accounts.get("cy")
    db.accounts.record_health(ana.id, cooldown_until=datetime.now(UTC) + timedelta(hours=1), reason="429")
    sandbox.server.faults.add(Fault("login_required", endpoint="story_tray", account="cy"))
    first = sandbox.tick(None)
    assert [r.partition_key for r in first.run_requests] == ["bo"]
    assert sandbox.tray_requests().get("ana", 0) == 0
    # cy was asked once, answered "logged out", and is now stopped: the next tick does not ask it.
    assert db.accounts.get("cy").login_state != cy.login_state
    sandbox.tick(first.cursor)
    assert sandbox.tray_requests().get("cy") == 1
    assert "cy" not in json.loads(first.cursor)


def test_retention_schedule_runs_every_account_even_cooling(sandbox: Sandbox) -> None:
    db = sandbox.database
    db.accounts.record_health(
        db.accounts.get("ana").id, cooldown_until=datetime.now(UTC) + timedelta(hours=1), reason="429"
    )
    when = datetime(2026, 11, 30, 4, 30, tzinfo=UTC)
    with dg.build_schedule_context(instance=sandbox.instance, scheduled_execution_time=when) as context:
        requests = story_retention_schedule(context)
    assert [(r.partition_key, r.run_key) for r in requests] == [(n, f"{n}:20261130T0430") for n in NAMES]
