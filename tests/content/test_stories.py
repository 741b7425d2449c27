"""`stories` against the sandbox on loopback: tray, reels, files, events, re-runs and new posts; then the
whole `stories_job` selection finds the people in the sandbox's story pictures with the real models."""

from __future__ import annotations

import math
from typing import Any

import dagster as dg
from sqlalchemy import func, select

from ig_assets.content.stories import stories
from ig_assets.faces.assets import story_faces, story_people
from ig_resources.database.models import (
    InstagramProfileEvent,
    InstagramStory,
    InstagramStoryFace,
    InstagramStoryPerson,
)
from ig_resources.faces import FaceAnalysisResource
from ig_resources.instagram import WebApiClient
from ig_resources.instagram.session import parse_cookie_file
from ig_resources.records import StoryWrite
from ig_sandbox.instagram import render_cookie_file

from .conftest import World, meta


def read(world: World, *assets: dg.AssetsDefinition, **config: Any) -> dg.ExecuteInProcessResult:
    run_config = {"ops": {"stories": {"config": config}}} if config else None
    result = dg.materialize(
        list(assets or [stories]),
        partition_key="hana",
        instance=world.instance,
        resources={**world.resources(), "faces": FaceAnalysisResource()},
        run_config=run_config,
    )
    assert result.success
    return result


def rows(world: World) -> list[InstagramStory]:
    with world.database.session() as s:
        found = s.scalars(select(InstagramStory).order_by(InstagramStory.id)).all()
        s.expunge_all()
    return list(found)


def events(world: World, kind: str) -> int:
    with world.database.session() as s:
        return (
            s.scalar(
                select(func.count())
                .select_from(InstagramProfileEvent)
                .where(InstagramProfileEvent.kind == kind)
            )
            or 0
        )


def tray(world: World) -> Any:
    session = parse_cookie_file(render_cookie_file(world.network.session_cookies("hana")))
    with WebApiClient(session, api_base_url=world.server.url, web_base_url=world.server.url) as client:
        return client.story_tray()


def test_stories_read_the_tray_once_and_only_new_reels(world: World) -> None:
    before = tray(world)
    world.server.reset_stats()
    first = meta(read(world))
    stored = rows(world)
    expected = sum(r.media_count or 0 for r in before.tray)
    assert len(stored) == first["items_new"] == expected > 0
    carried = sum(1 for r in before.tray if r.items)
    counts = world.server.stats()["request_counts"]
    assert counts["story_tray"] == 1
    assert counts["reels_media"] == math.ceil((len(before.tray) - carried) / 20)
    assert len({(r.instagram_profile_id, r.story_id) for r in stored}) == len(stored)
    assert all(r.media_sha256 and r.processing_status == "pending" and r.source_event_id for r in stored)
    assert all(r.expires_at > r.taken_at for r in stored)
    videos = [r for r in stored if r.media_type == 2]
    assert videos
    assert all(r.media_url == r.video_url and r.duration_seconds for r in videos)
    assert events(world, "story_uploaded") == events(world, "story_downloaded") == len(stored)
    assert first["media"] == {"stored": len(stored)}

    # Nothing new: the tray alone, no reels, no rows, no events.
    world.server.reset_stats()
    again = meta(read(world))
    assert again["items_new"] == 0
    assert again["reels_read"] == 0
    assert world.server.stats()["request_counts"] == {"story_tray": 1}
    assert len(rows(world)) == len(stored)
    assert events(world, "story_uploaded") == len(stored)

    # Someone posts: exactly that item is new.
    posted = world.network.post_story("hana")
    third = meta(read(world))
    assert third["items_new"] == 1
    assert {r.story_id for r in rows(world)} - {r.story_id for r in stored} == {str(posted["media_id"])}


def test_highlights_are_an_extra(world: World) -> None:
    read(world)
    plain = len(rows(world))
    result = meta(read(world, include_highlights=True, highlight_profiles=3))
    with_highlights = rows(world)
    assert result["items_new"] > 0
    assert len(with_highlights) == plain + result["items_new"]
    folders = [r for r in with_highlights if r.highlight_id]
    assert folders
    assert all(r.highlight_id.startswith("highlight:") and r.highlight_title for r in folders)


def test_stories_job_finds_the_people_in_the_sandbox_stories(world: World) -> None:
    result = read(world, stories, story_faces, story_people)
    stored = rows(world)
    assert all(r.processing_status in ("processed", "failed") for r in stored)
    assert sum(1 for r in stored if r.processing_status == "processed") >= len(stored) - 1
    with world.database.session() as s:
        faces = s.scalars(select(InstagramStoryFace)).all()
        people = s.scalars(select(InstagramStoryPerson)).all()
        s.expunge_all()
    assert len(faces) >= len(stored) // 2  # most sandbox stories show someone
    assert any(f.frame_time is not None for f in faces)  # faces from video frames too
    assert people
    assert any(p.role == "profile_owner" for p in people)
    assert all(p.appearance_count >= 1 and p.canonical_embedding for p in people)
    sheet = next(
        e for e in result.get_asset_materialization_events() if e.asset_key.path[-1] == "story_people"
    )
    assert "data:image/jpeg;base64," in sheet.materialization.metadata["contact_sheet"].value


def test_a_retry_or_an_item_read_twice_never_duplicates(world: World) -> None:
    read(world)
    stored = rows(world)
    again = [
        StoryWrite(
            r.instagram_profile_id,
            r.story_id,
            r.media_type,
            r.taken_at,
            r.expires_at,
            r.image_url,
            r.video_url,
            r.media_url,
            r.duration_seconds,
        )
        for r in stored[:3]
    ]
    # The same items twice in one batch (a highlight repeating a live item) and again in a retry.
    assert world.database.stories.apply_stories(world.database.accounts.get("hana").id, again + again) == 0
    assert len(rows(world)) == len(stored)
    assert events(world, "story_uploaded") == len(stored)
