"""The account session, through a small asset that uses it as every Instagram-facing asset does."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import dagster as dg
import pytest
from sqlalchemy import select

from ig_assets.accounts.session import AccountSession, account_session
from ig_assets.partitions import account_partitions
from ig_resources.database import DatabaseResource
from ig_resources.database.models import InstagramAccount, InstagramProfileActionLog, SyncRun
from ig_resources.instagram import InstagramClientResource
from ig_resources.instagram.session import parse_cookie_file
from ig_sandbox.instagram import AccountSpec, NetworkSpec, SandboxNetwork, SandboxServer, render_cookie_file

SPEC = NetworkSpec(seed=5, accounts=[AccountSpec(username="sana", followers=12, following=8)])


class ProbeConfig(dg.Config):
    #: what the asset does inside its session: complete, forget, interrupt, refuse, crash
    ending: str = "complete"


@dg.asset(partitions_def=account_partitions)
def probe(
    context: dg.AssetExecutionContext,
    config: ProbeConfig,
    database: DatabaseResource,
    instagram: InstagramClientResource,
) -> dg.MaterializeResult:
    with account_session(context, database, instagram) as session:
        me = session.client.current_user()
        if config.ending == "interrupt":
            raise dg.DagsterExecutionInterruptedError()
        if config.ending == "refuse":
            raise session.refuse("not plausible", {"checked": 1})
        if config.ending == "crash":
            raise ValueError("a bug")
        if config.ending == "complete":
            session.complete({"viewer": me.username})
    return dg.MaterializeResult(metadata={"viewer": me.username})


@dataclass
class World:
    database: DatabaseResource
    server: SandboxServer
    network: SandboxNetwork
    instance: dg.DagsterInstance

    def run(self, ending: str, tags: dict[str, str] | None = None) -> dg.ExecuteInProcessResult:
        return dg.materialize(
            [probe],
            partition_key="sana",
            instance=self.instance,
            resources={
                "database": self.database,
                "instagram": InstagramClientResource(
                    api_base_url=self.server.url, web_base_url=self.server.url, pacing=False
                ),
            },
            run_config={"ops": {"probe": {"config": {"ending": ending}}}},
            tags=tags,
            raise_on_error=False,
        )

    def sync_runs(self) -> list[SyncRun]:
        with self.database.session() as s:
            return list(s.scalars(select(SyncRun).order_by(SyncRun.id)))


@pytest.fixture
def world(database: DatabaseResource) -> Iterator[World]:
    network = SandboxNetwork(SPEC)
    with SandboxServer(network) as server, dg.instance_for_test() as instance:
        database.accounts.register(
            "sana", parse_cookie_file(render_cookie_file(network.session_cookies("sana")))
        )
        instance.add_dynamic_partitions("instagram_accounts", ["sana"])
        yield World(database, server, network, instance)


def _materialization(result: dg.ExecuteInProcessResult) -> dict[str, Any]:
    [event] = result.get_asset_materialization_events()
    return event.materialization.metadata


def test_a_completed_session_records_its_stats_requests_and_pacing(world: World) -> None:
    result = world.run("complete")
    assert result.success
    [run] = world.sync_runs()
    assert run.status == "succeeded"
    assert run.kind == "probe"
    assert run.stats_json["viewer"] == "sana"
    assert run.stats_json["requests_total"] == sum(run.stats_json["requests"].values()) > 0
    assert run.stats_json["pacing"] == {"paced": False}
    metadata = _materialization(result)
    assert metadata["sync_run_id"].value == run.id
    assert metadata["requests_total"].value == run.stats_json["requests_total"]
    assert metadata["requests"].value == run.stats_json["requests"]
    assert metadata["viewer"].value == "sana"
    with world.database.session() as s:
        beat = s.scalar(select(InstagramAccount.continuous_processing_heartbeat_at))
    assert beat is not None
    assert beat >= run.finished_at - timedelta(seconds=1)  # the last beat is the run's end


def test_an_asset_that_forgets_to_complete_fails_its_run(world: World) -> None:
    result = world.run("forget")
    assert not result.success
    [run] = world.sync_runs()
    assert run.status == "failed"
    assert "without completing" in run.error_message


def test_a_terminated_run_is_cancelled_not_failed(world: World) -> None:
    world.run("interrupt")
    [run] = world.sync_runs()
    assert run.status == "cancelled"
    assert run.finished_at is not None
    assert run.stats_json["requests_total"] >= 1


def test_a_refused_run_keeps_the_stats_it_was_refused_with(world: World) -> None:
    result = world.run("refuse")
    assert not result.success
    [run] = world.sync_runs()
    assert run.status == "failed"
    assert run.error_message == "account 'sana': not plausible"
    assert run.stats_json["checked"] == 1
    assert run.stats_json["requests_total"] >= 1


def test_a_bug_fails_the_run_and_leaves_the_account_healthy(world: World) -> None:
    result = world.run("crash")
    assert not result.success
    [run] = world.sync_runs()
    assert run.status == "failed"
    assert run.error_message == "a bug"
    assert world.database.accounts.get("sana").login_state == "logged_in"


def test_an_account_level_error_stops_the_account_and_names_it(world: World) -> None:
    world.network.checkpoint("sana")
    result = world.run("complete")
    assert not result.success
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    error = failure.step_failure_data.user_failure_data
    assert error.description.startswith("account 'sana': ")
    assert "until someone logs in again" in error.description
    assert error.metadata["account_state"].value == "checkpoint_required"
    account = world.database.accounts.get("sana")
    assert account.login_state == "checkpoint_required"
    [run] = world.sync_runs()
    assert run.status == "failed"
    # The next run is refused before anything is sent or any sync run is opened.
    again = world.run("complete")
    assert not again.success
    assert len(world.sync_runs()) == 1


def test_actions_carry_the_run_and_what_started_it(world: World) -> None:
    seen: list[AccountSession] = []

    @dg.asset(partitions_def=account_partitions, name="probe")
    def recording(
        context: dg.AssetExecutionContext, database: DatabaseResource, instagram: InstagramClientResource
    ):
        with account_session(context, database, instagram) as session:
            seen.append(session)
            session.complete({})

    dg.materialize(
        [recording],
        partition_key="sana",
        instance=world.instance,
        resources={
            "database": world.database,
            "instagram": InstagramClientResource(api_base_url=world.server.url),
        },
        tags={"ig/trigger": "schedule"},
    )
    [session] = seen
    action = session.action(7, "scan_posts", "succeeded", new=2)
    assert action.trigger_source == "schedule"
    assert action.metadata == {"dagster_run_id": session.run_id, "new": 2}
    with world.database.session() as s:
        assert s.scalar(select(InstagramProfileActionLog.id)) is None  # building an action writes nothing
