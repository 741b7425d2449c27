"""The story flow's pure rules on real tray and reel bodies: tray state, whose reels to read, the
story row and the sensor cursor."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from ig_assets.content.story_rules import changed_states, merge_cursor, reels_to_read, story_write, tray_state
from ig_resources.instagram import StoryTray, reels_from_mobile
from tests.conftest import FIXTURES


@pytest.fixture
def tray_body() -> dict[str, Any]:
    return json.loads((FIXTURES / "reels_tray__instagram-clone.json").read_text())


def test_tray_state_moves_with_new_items_not_with_viewing(tray_body: dict[str, Any]) -> None:
    state = tray_state(StoryTray.model_validate(tray_body))
    assert state == tray_state(StoryTray.model_validate(copy.deepcopy(tray_body)))
    viewed = copy.deepcopy(tray_body)
    for reel in viewed["tray"]:
        reel["seen"] = reel.get("latest_reel_media")
    assert tray_state(StoryTray.model_validate(viewed)) == state
    posted = copy.deepcopy(tray_body)
    posted["tray"][1]["latest_reel_media"] += 60
    posted["tray"][1]["media_count"] += 1
    assert tray_state(StoryTray.model_validate(posted)) != state


def test_reels_are_read_only_when_the_tray_does_not_carry_them_and_something_is_new(
    tray_body: dict[str, Any],
) -> None:
    tray = StoryTray.model_validate(tray_body)
    first, *rest = tray.tray
    complete, to_read = reels_to_read(tray, {})
    assert list(complete) == [first.user.ig_user_id]
    assert len(complete[first.user.ig_user_id]) == 6
    assert to_read == [r.user.ig_user_id for r in rest]
    # The newest item of the second owner is already stored: nothing new, no request.
    known = {rest[0].user.ig_user_id: datetime.fromtimestamp(rest[0].latest_reel_media, UTC)}
    assert reels_to_read(tray, known)[1] == [r.user.ig_user_id for r in rest[1:]]
    older = {rest[0].user.ig_user_id: datetime.fromtimestamp(rest[0].latest_reel_media - 1, UTC)}
    assert rest[0].user.ig_user_id in reels_to_read(tray, older)[1]


def test_story_rows_keep_the_video_and_the_highlight() -> None:
    body = json.loads((FIXTURES / "feed_reels_media__instagramkit.json").read_text())
    reels = reels_from_mobile(body)
    items = [(reel, item) for reel in reels.values() for item in reel.items]
    reel, video = next((r, i) for r, i in items if i.is_video)
    row = story_write(7, video, reel)
    assert row.media_type == 2
    assert row.media_url == video.video_url
    assert row.duration_seconds
    assert row.highlight_id is None
    assert row.metadata["source"] == "tray"
    assert row.expires_at
    assert row.expires_at > row.taken_at
    _, image = next((r, i) for r, i in items if not i.is_video)
    assert story_write(7, image).media_url == image.image_url
    folder = reel.model_copy(update={"id": "highlight:17", "title": "Trips"})
    assert story_write(7, image, folder).highlight_title == "Trips"


def test_cursor_requests_only_changed_trays_and_forgets_removed_accounts() -> None:
    previous = {"ana": "s1", "bo": "s2", "gone": "s9"}
    current = {"ana": "s1", "bo": "s3", "new": "s4"}
    assert changed_states(previous, current) == {"bo": "s3", "new": "s4"}
    # "cy" was not asked this tick (cooling down): its last state stays; "gone" was removed.
    assert merge_cursor({**previous, "cy": "s5"}, current, ["ana", "bo", "new", "cy"]) == {
        "ana": "s1",
        "bo": "s3",
        "new": "s4",
        "cy": "s5",
    }
