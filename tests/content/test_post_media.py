"""`post_media`: each post's main file stored once in the media store, refusals recorded."""

from __future__ import annotations

from typing import Any

import dagster as dg
from sqlalchemy import update

from ig_assets.content.media import post_media
from ig_resources.database.models import InstagramProfilePost

from .conftest import World, meta


def store(world: World) -> dict[str, Any]:
    result = dg.materialize(
        [post_media],
        partition_key="hana",
        instance=world.instance,
        resources=world.resources(),
        run_config={"ops": {"post_media": {"config": {"batch_size": 10_000}}}},
    )
    assert result.success
    return meta(result)


def test_post_media_is_stored_once_and_refusals_are_recorded(world: World) -> None:
    world.scan(first_scan_pages=1)
    posts = world.posts()
    ad = next(iter(posts.values()))
    with world.database.session() as s:  # one post's file turns out to be a promotional asset
        s.execute(
            update(InstagramProfilePost)
            .where(InstagramProfilePost.id == ad.id)
            .values(source_media_url="https://scontent.cdninstagram.com/v/ads/1_n.jpg?ad_id=4")
        )
    first = store(world)
    after = world.posts()
    profiles = {p.id: p for p in world.profiles().values()}
    # Inbox peers outside the follow graph are not connected: their files are refused by the policy.
    unconnected = [
        p
        for p in posts.values()
        if not (profiles[p.instagram_profile_id].following or profiles[p.instagram_profile_id].follows_you)
    ]
    stored = [p for p in after.values() if p.media_sha256]
    assert len(stored) == len(posts) - 1 - len(unconnected)
    assert after[ad.shortcode].media_skip_reason == "promotional_url"
    assert all(after[p.shortcode].media_skip_reason == "profile_not_connected" for p in unconnected)
    files = {f.stem for f in world.media_root.rglob("*") if f.is_file()}
    assert {p.media_sha256 for p in stored} <= files
    assert first["downloads"] == len(stored)
    expected = {"stored": len(stored), "skipped:promotional_url": 1}
    if unconnected:
        expected["skipped:profile_not_connected"] = len(unconnected)
    assert first["outcomes"] == expected
    assert store(world)["candidates"] == 0  # nothing left: no download again
