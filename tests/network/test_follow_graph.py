"""`follow_graph` end to end through Dagster's `materialize`: the real httpx client against the
sandbox server on loopback, the real database on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import dagster as dg
import pytest
from sqlalchemy import func, select

from ig_assets.network.assets import follow_graph
from ig_assets.network.checks import follow_graph_flags_consistent, follow_graph_unique_keys
from ig_resources.database import DatabaseResource
from ig_resources.database.models import ConversationPeer, InstagramProfile, InstagramRequestLog, SyncRun
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

SPEC = NetworkSpec(
    seed=11,
    accounts=[
        AccountSpec(
            username="alice",
            followers=1_234,
            following=567,
            mutual_fraction=0.4,
            inbox_threads=25,
            tray_reels=7,
        ),
        AccountSpec(username="bob", followers=90, following=40, inbox_threads=3, tray_reels=2),
    ],
)


@dataclass
class World:
    server: SandboxServer
    network: SandboxNetwork
    database: DatabaseResource
    instance: dg.DagsterInstance
    paced: bool = False

    def sync(self, account: str = "alice", **config: Any) -> dg.ExecuteInProcessResult:
        return dg.materialize(
            [follow_graph, follow_graph_unique_keys, follow_graph_flags_consistent],
            partition_key=account,
            instance=self.instance,
            resources={
                "database": self.database,
                "instagram": InstagramClientResource(
                    api_base_url=self.server.url,
                    web_base_url=self.server.url,
                    pacing=self.paced,
                    pause_mean_seconds=0,
                    backoff_base_seconds=0.05,
                ),
            },
            run_config={"ops": {"follow_graph": {"config": config}}} if config else None,
            raise_on_error=False,
        )

    def account_id(self, username: str = "alice") -> int:
        return self.database.accounts.get(username).id

    def flags(self, username: str = "alice") -> dict[str, tuple[str, bool, bool]]:
        p = InstagramProfile
        with self.database.session() as s:
            rows = s.execute(
                select(p.ig_user_id, p.username, p.following, p.follows_you).where(
                    p.instagram_account_id == self.account_id(username)
                )
            )
            return {pk: (name, following, follows_you) for pk, name, following, follows_you in rows}

    def sync_runs(self, username: str = "alice") -> list[SyncRun]:
        with self.database.session() as s:
            return list(
                s.scalars(
                    select(SyncRun)
                    .where(SyncRun.instagram_account_id == self.account_id(username))
                    .order_by(SyncRun.id)
                )
            )


@pytest.fixture
def world(database: DatabaseResource) -> Iterator[World]:
    network = SandboxNetwork(SPEC)
    with SandboxServer(network) as server, dg.instance_for_test() as instance:
        for account in SPEC.accounts:
            cookie_text = render_cookie_file(network.session_cookies(account.username))
            database.accounts.register(account.username, parse_cookie_file(cookie_text))
        instance.add_dynamic_partitions("instagram_accounts", [a.username for a in SPEC.accounts])
        yield World(server, network, database, instance)


def metadata(result: dg.ExecuteInProcessResult) -> dict[str, Any]:
    (event,) = result.get_asset_materialization_events()
    return {k: getattr(v, "value", v) for k, v in event.materialization.metadata.items()}


def checks(result: dg.ExecuteInProcessResult) -> dict[str, bool]:
    return {e.check_name: e.passed for e in result.get_asset_check_evaluations()}


def expected_graph(network: SandboxNetwork, account: str) -> tuple[set[str], set[str]]:
    followers = {str(u["pk"]) for u in map(network.user_summary, network.followers_of(account))}
    following = {str(u["pk"]) for u in map(network.user_summary, network.following_of(account))}
    return followers, following


def test_full_sync_stores_the_graph_with_its_figures(world: World) -> None:
    result = world.sync()
    assert result.success
    followers, following = expected_graph(world.network, "alice")
    meta = metadata(result)
    assert (meta["followers"], meta["following"], meta["mutuals"]) == (
        len(followers),
        len(following),
        len(followers & following),
    )
    assert meta["requests"] == {
        "current_user": 1,
        "inbox": math.ceil(25 / 20),
        "story_tray": 1,
        "followers": math.ceil(1_234 / 200),
        "following": math.ceil(567 / 200),
    }
    assert meta["requests_total"] == sum(meta["requests"].values())
    flags = world.flags()
    assert {pk for pk, (_, _, f) in flags.items() if f} == followers
    assert {pk for pk, (_, g, _) in flags.items() if g} == following
    assert meta["dagster/row_count"] == len(flags)
    assert checks(result) == {
        "plausible_size": True,
        "follow_graph_unique_keys": True,
        "follow_graph_flags_consistent": True,
    }
    (run,) = world.sync_runs()
    assert run.status == "succeeded"
    assert run.stats_json["followers"] == len(followers)
    assert run.started_at
    assert run.finished_at
    assert run.dagster_run_id == result.run_id

    # Inbox peers are messageable, tray owners seen, and no follow events on the baseline sync.
    with world.database.session() as s:
        peers = s.scalar(select(func.count()).select_from(ConversationPeer))
        messageable = s.scalar(
            select(func.count())
            .select_from(InstagramProfile)
            .where(InstagramProfile.dm_interaction_state == "messageable")
        )
        seen = s.scalar(
            select(func.count())
            .select_from(InstagramProfile)
            .where(InstagramProfile.last_story_seen_at.is_not(None))
        )
    assert peers == meta["inbox_users"] == messageable > 0
    assert seen == meta["tray_users"] == 7
    kinds = {kind for _, kind, _ in world.database.graph.events(world.account_id())}
    assert kinds == {"story_seen"}


def test_second_sync_changes_nothing_and_duplicates_nothing(world: World) -> None:
    assert world.sync().success
    before = world.flags()
    events_before = world.database.graph.events(world.account_id())
    second = world.sync()
    assert second.success
    meta = metadata(second)
    assert meta["rows_written"] == 0
    assert (meta["followers_added"], meta["followers_removed"], meta["renamed"]) == (0, 0, 0)
    assert world.flags() == before
    assert world.database.graph.events(world.account_id()) == events_before
    assert [r.status for r in world.sync_runs()] == ["succeeded", "succeeded"]


def test_unfollow_follow_and_rename_between_syncs(world: World) -> None:
    assert world.sync().success
    followers, following = expected_graph(world.network, "alice")
    leaver = sorted(followers - following)[0]
    dropped = sorted(following - followers)[0]
    renamed = sorted(followers & following)[0]
    world.network.follower_leaves("alice", leaver)
    world.network.account_unfollows("alice", dropped)
    world.network.rename(renamed, "brand.new_name")
    joiner = world.network.follower_joins("alice")

    result = world.sync()
    assert result.success
    flags = world.flags()
    joiner_ig_user_id = str(joiner["user"]["pk"])
    assert flags[leaver][2] is False
    assert flags[dropped][1] is False
    assert flags[renamed] == ("brand.new_name", True, True)
    assert flags[joiner_ig_user_id][2] is True
    meta = metadata(result)
    assert (
        meta["followers_added"],
        meta["followers_removed"],
        meta["following_removed"],
        meta["renamed"],
    ) == (1, 1, 1, 1)
    graph_events = world.database.graph.events(world.account_id())
    events = {(kind, name) for name, kind, ext in graph_events if kind != "story_seen"}
    assert events == {
        ("follower_lost", flags[leaver][0]),
        ("following_removed", flags[dropped][0]),
        ("username_changed", "brand.new_name"),
        ("follower_gained", flags[joiner_ig_user_id][0]),
    }
    assert all(checks(result).values())


def test_failure_after_page_n_keeps_the_previous_graph(world: World) -> None:
    assert world.sync().success
    before = world.flags()
    world.network.follower_leaves("alice", sorted(expected_graph(world.network, "alice")[0])[0])
    world.server.faults.add(Fault("server_error_500", endpoint="followers", after_pages=3))

    result = world.sync()
    assert not result.success
    assert world.flags() == before
    failed = world.sync_runs()[-1]
    assert failed.status == "failed"
    assert "server_error" in failed.error_message
    assert failed.stats_json["requests"]["followers"] == 4  # three good pages, then the 500
    assert not result.get_asset_materialization_events()


def test_truncated_list_is_refused_by_the_blocking_check(world: World) -> None:
    assert world.sync().success
    before = world.flags()
    world.server.faults.add(Fault("truncated_list", endpoint="followers", after_pages=1))

    result = world.sync()
    assert not result.success
    assert checks(result) == {"plausible_size": False}  # downstream checks never ran
    assert not result.get_asset_materialization_events()
    assert world.flags() == before
    failed = world.sync_runs()[-1]
    assert failed.status == "failed"
    assert "refused" in failed.error_message
    assert "truncated" in failed.error_message

    # A person who checked the drop can accept it.
    accepted = world.sync(accept_shrink=True)
    assert accepted.success
    assert metadata(accepted)["followers"] < len(expected_graph(world.network, "alice")[0])


@pytest.mark.parametrize("fault", ["login_required", "checkpoint_required", "please_wait_401", "malformed"])
def test_account_level_stops_fail_clearly_and_leave_data(world: World, fault: str) -> None:
    assert world.sync().success
    before = world.flags()
    world.server.faults.add(Fault(fault, endpoint="*"))
    result = world.sync()
    assert not result.success
    failure = result.failure_data_for_node("follow_graph")
    assert failure is not None
    assert "account 'alice'" in failure.error.message
    assert world.flags() == before
    assert world.sync_runs()[-1].status == "failed"
    # bob's sync is another account's and unaffected once the fault is gone
    world.server.faults.clear()
    assert world.sync("bob").success


def test_cookie_values_never_reach_logs_metadata_or_errors(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    secrets = [
        v for k, v in world.network.session_cookies("alice").items() if k in ("sessionid", "csrftoken")
    ]
    caplog.set_level(logging.DEBUG)
    assert world.sync().success
    world.server.faults.add(Fault("login_required", endpoint="followers"))
    assert not world.sync().success

    texts = [caplog.text]
    for run in world.instance.get_runs():
        for entry in world.instance.all_logs(run.run_id):
            texts.append(str(entry))
    for run in world.sync_runs():
        texts.append(f"{run.error_message} {run.stats_json}")
    blob = "\n".join(texts)
    assert "login_required" in blob  # the failure is there, described
    for secret in secrets:
        assert secret not in blob


def test_wrong_secret_key_or_unknown_account_fail_with_a_reason(world: World) -> None:
    from ig_resources.database import generate_key

    world.database = DatabaseResource(url=world.database.url, secret_key=generate_key())
    result = world.sync()
    failure = result.failure_data_for_node("follow_graph")
    assert failure is not None
    assert "account 'alice'" in failure.error.message
    assert "cannot decrypt" in failure.error.message
    assert world.sync_runs()[-1].status == "failed"

    world.instance.add_dynamic_partitions("instagram_accounts", ["ghost"])
    ghost = world.sync("ghost")
    assert "no managed account 'ghost'" in ghost.failure_data_for_node("follow_graph").error.message


def test_paced_sync_rides_out_throttling_and_spends_the_shared_budget(world: World) -> None:
    world.paced = True
    world.server.faults.add(Fault("rate_limit_429", endpoint="followers", after_pages=2, times=2))
    result = world.sync()
    assert result.success
    meta = metadata(result)
    assert meta["pacing"]["retries"] == {"followers": 2}
    assert meta["requests"]["followers"] == math.ceil(1_234 / 200) + 2  # two throttled attempts, retried
    with world.database.session() as s:
        logged = s.scalar(
            select(func.count())
            .select_from(InstagramRequestLog)
            .where(InstagramRequestLog.instagram_account_id == world.account_id())
        )
    assert logged == meta["requests_total"]


def test_throttling_storm_cools_down_only_that_account(world: World) -> None:
    assert world.sync().success
    world.server.faults.add(Fault("rate_limit_429", endpoint="followers", account="alice", retry_after=600))
    stormy = world.sync()
    message = stormy.failure_data_for_node("follow_graph").error.message
    assert "cools down until" in message
    account = world.database.accounts.get("alice")
    assert account.cooldown_until is not None
    assert account.login_state == "logged_in"

    sent = world.server.request_counts.total()
    again = world.sync()  # refused before sending anything
    assert "cooling down until" in again.failure_data_for_node("follow_graph").error.message
    assert world.server.request_counts.total() == sent
    assert world.sync("bob").success  # the other account never notices


def test_logged_out_account_stops_until_a_new_login(world: World) -> None:
    world.server.faults.add(Fault("checkpoint_required", endpoint="current_user", account="alice", times=1))
    first = world.sync()
    assert (
        "checkpoint_required until someone logs in again"
        in first.failure_data_for_node("follow_graph").error.message
    )
    assert world.database.accounts.get("alice").login_state == "checkpoint_required"
    assert "accounts login alice" in world.sync().failure_data_for_node("follow_graph").error.message
    world.database.accounts.register(
        "alice", parse_cookie_file(render_cookie_file(world.network.session_cookies("alice")))
    )
    assert world.sync().success
