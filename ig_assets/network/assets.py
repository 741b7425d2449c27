"""`follow_graph`: who follows each account, whom it follows, whom it talks to, whose stories it sees."""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import dagster as dg

from ig_assets.accounts.session import account_session
from ig_assets.partitions import account_partitions
from ig_resources.database import DatabaseResource
from ig_resources.instagram import InstagramClientResource
from ig_resources.instagram.protocol import InstagramClient

from .rules import FetchedGraph, ShrinkPolicy, collect_users, judge_graph, plan_rebuild, summarise

PLAUSIBLE_SIZE = "plausible_size"


class FollowGraphConfig(dg.Config):
    """Thresholds of the shrink guard (see `ShrinkPolicy`), and the override after a person checked."""

    max_drop_fraction: float = 0.2
    min_coverage: float = 0.9
    slack: int = 25
    accept_shrink: bool = False

    def policy(self) -> ShrinkPolicy:
        return ShrinkPolicy(self.max_drop_fraction, self.min_coverage, self.slack)


@dg.asset(
    partitions_def=account_partitions,
    group_name="network",
    kinds={"instagram", "sql"},
    pool="instagram_api",
    output_required=False,
    check_specs=[
        dg.AssetCheckSpec(
            PLAUSIBLE_SIZE,
            asset="follow_graph",
            blocking=True,
            description="The fetched lists are not implausibly smaller than the last good graph or the "
            "counts the profile reports; otherwise the previous graph is kept.",
        )
    ],
)
def follow_graph(
    context: dg.AssetExecutionContext,
    config: FollowGraphConfig,
    database: DatabaseResource,
    instagram: InstagramClientResource,
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """Followers, following and mutuals of the account (flags on `instagram_profiles`), its inbox peers
    (`conversation_peers`, messageable) and story-tray sightings (`story_seen` events).

    Everything is fetched first; the rebuild is one transaction, so a failed or truncated sync leaves
    the previous graph in place.
    """
    with account_session(context, database, instagram) as session:
        account = session.account
        graph = fetch_graph(session.client)
        database.accounts.record_identity(account.id, graph.account_ig_user_id, graph.account_username)
        baseline, stored = database.graph.follow_state(account.id)
        verdicts = judge_graph(graph, stored, config.policy(), has_baseline=baseline is not None)
        refused = [v for v in verdicts if not v.passed]
        check_metadata = {
            v.list_name: dg.MetadataValue.json(
                {"fetched": v.fetched, "previous": v.previous, "reported": v.reported, "verdict": v.reason}
            )
            for v in verdicts
        }
        if refused and not config.accept_shrink:
            reason = "; ".join(v.reason for v in refused)
            yield dg.AssetCheckResult(check_name=PLAUSIBLE_SIZE, passed=False, metadata=check_metadata)
            raise session.refuse(
                f"follow graph refused, previous graph kept: {reason}. "
                "If the drop is real, re-run with config accept_shrink: true.",
                {"verdicts": [v.reason for v in verdicts]},
            )
        write, changes = plan_rebuild(graph, stored, baseline=baseline, now=datetime.now(UTC))
        stats = session.complete(
            summarise(graph, changes, verdicts, baseline=baseline),
            commit=lambda stats: database.graph.apply_follow_graph(
                account.id, session.sync_run_id, write, expected_version=baseline, stats=stats
            ),
        )

    context.log.info(
        f"{account.username}: {stats['followers']:,} followers, {stats['following']:,} following, "
        f"{stats['mutuals']:,} mutuals; {stats['requests_total']:,} requests"
    )
    # The rebuild inserts and never deletes, so the account's rows are the stored ones plus the new.
    row_count = len(stored) + changes.new_profiles
    yield dg.MaterializeResult(
        metadata=_metadata(stats, row_count, len(write.profiles) + len(write.reset_ids))
    )
    yield dg.AssetCheckResult(check_name=PLAUSIBLE_SIZE, passed=True, metadata=check_metadata)


def fetch_graph(client: InstagramClient) -> FetchedGraph:
    """Seed 000 §1 order: inbox users, story tray, then both follow lists, all of them."""
    me = client.current_user()
    threads = list(client.iter_inbox_threads())
    tray = client.story_tray().tray
    followers = collect_users(client.iter_followers(me.ig_user_id))
    following = collect_users(client.iter_following(me.ig_user_id))
    return FetchedGraph(
        followers=followers,
        following=following,
        threads=threads,
        tray=tray,
        reported_followers=me.follower_count,
        reported_following=me.following_count,
        account_ig_user_id=me.ig_user_id,
        account_username=me.username,
    )


def _metadata(stats: dict[str, Any], row_count: int, rows_written: int) -> dict[str, Any]:
    samples = stats["change_samples"]
    lines = ["| change | count | examples |", "|---|---:|---|"]
    for label, key, sample in (
        ("new followers", "followers_added", "follower_gained"),
        ("lost followers", "followers_removed", "follower_lost"),
        ("newly followed", "following_added", "following_added"),
        ("unfollowed", "following_removed", "following_removed"),
        ("renamed", "renamed", "username_changed"),
    ):
        lines.append(f"| {label} | {stats[key]:,} | {', '.join(samples.get(sample, []))} |")
    return {
        "first_sync": stats["first_sync"],
        "followers": stats["followers"],
        "following": stats["following"],
        "mutuals": stats["mutuals"],
        "followers_added": stats["followers_added"],
        "followers_removed": stats["followers_removed"],
        "following_added": stats["following_added"],
        "following_removed": stats["following_removed"],
        "renamed": stats["renamed"],
        "inbox_users": stats["inbox_users"],
        "tray_users": stats["tray_users"],
        "rows_written": rows_written,
        "changes": dg.MetadataValue.md("\n".join(lines)),
        "dagster/row_count": row_count,
    }
