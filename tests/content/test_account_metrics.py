"""`account_metrics`: seed 002's metrics from what the database holds, per profile and per account."""

from __future__ import annotations

from datetime import timedelta

import dagster as dg
import pytest
from sqlalchemy import select

from ig_assets.discovery.assets import account_metrics
from ig_assets.network.profiles import profile_details
from ig_resources.database.models import (
    InstagramAccountMetric,
    InstagramProfileMetric,
    InstagramProfileSnapshot,
)

from .conftest import World, meta


def materialize(world: World, asset: dg.AssetsDefinition, **config: object) -> dg.ExecuteInProcessResult:
    run_config = {"ops": {asset.op.name: {"config": config}}} if config else None
    result = dg.materialize(
        [asset],
        partition_key="hana",
        instance=world.instance,
        resources=world.resources(),
        run_config=run_config,
    )
    assert result.success
    return result


def test_metrics_follow_the_stored_posts_and_count_history(world: World) -> None:
    world.scan(first_scan_pages=1)
    with world.database.session() as s:  # the first refresh happened ten days ago
        for snapshot in s.scalars(select(InstagramProfileSnapshot)):
            snapshot.captured_at -= timedelta(days=10)
    posts = list(world.posts().values())
    by_profile = {p.id: p for p in world.profiles().values()}
    target_id = max(by_profile, key=lambda i: sum(1 for p in posts if p.instagram_profile_id == i))
    target = by_profile[target_id]
    steady = next(p for i, p in by_profile.items() if i != target_id and p.follower_count)
    world.network.gain_followers(int(target.ig_user_id), 300)
    # a refresh of just these two (the launchpad's "refresh these"): the others keep one snapshot
    materialize(
        world, profile_details, batch_size=1000, usernames=[f"@{target.username.upper()}", steady.username]
    )

    first = meta(materialize(world, account_metrics))
    with world.database.session() as s:
        rows = {m.instagram_profile_id: m for m in s.scalars(select(InstagramProfileMetric))}
    assert set(rows) == set(by_profile)
    assert first["dagster/row_count"] == len(by_profile)

    mine = sorted(
        (p for p in posts if p.instagram_profile_id == target_id and p.likes_count is not None),
        key=lambda p: p.taken_at,
        reverse=True,
    )[:12]
    followers = target.follower_count + 300
    m = rows[target_id]
    assert m.follower_count == followers
    assert m.posts_considered == len(mine) > 0
    assert m.engagement_rate == pytest.approx(
        sum(p.likes_count + (p.comments_count or 0) for p in mine) / len(mine) / followers
    )
    assert m.history_points == 2
    assert m.history_days == pytest.approx(10, abs=0.01)
    assert m.growth_per_day == pytest.approx(30, rel=1e-3)
    assert m.projected_followers == pytest.approx(followers + 30 * 30, rel=1e-3)
    assert 0 <= m.score <= 100
    assert {i for i, r in rows.items() if r.history_points == 2} == {target_id, steady.id}
    assert rows[steady.id].growth_per_day == pytest.approx(0)
    assert rows[steady.id].projected_followers == steady.follower_count

    assert first["network_followers"] == sum(r.follower_count or 0 for r in rows.values())
    assert first["profiles_with_growth"] == 2
    assert "data:image/png;base64," in first["follower_history"]

    materialize(world, account_metrics)  # a second run replaces the profile rows, appends the account's
    with world.database.session() as s:
        assert len(s.scalars(select(InstagramProfileMetric)).all()) == len(by_profile)
        history = s.scalars(select(InstagramAccountMetric).order_by(InstagramAccountMetric.computed_at)).all()
    assert len(history) == 2
    assert history[0].network_followers == history[1].network_followers
    assert (
        history[0].metadata_json["top_profiles"][0]["score"]
        >= history[0].metadata_json["top_profiles"][-1]["score"]
    )
