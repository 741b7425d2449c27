"""Every captured story body parses into `Reel`s and `StoryItem`s with the values Instagram sent: mobile
`feed/reels_media`, `feed/user/{pk}/story` and the tray's items, web GraphQL reels (users and highlights)
and highlight folders. Odd items are skipped; a body without its container is a MalformedResponseError."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from ig_resources.instagram import (
    InstagramError,
    MalformedResponseError,
    Reel,
    StoryItem,
    StoryTray,
    highlights_from_graphql,
    highlights_from_mobile,
    reels_from_graphql,
    reels_from_mobile,
    story_tray_from_graphql,
)
from tests.instagram.ig_test_support import load_fixture
from tests.instagram.test_parser_fuzz import mutated


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _largest(versions: list[dict[str, Any]], w: str = "width", h: str = "height", url: str = "url") -> str:
    return max(versions, key=lambda v: v[w] * v[h])[url]


def _check_item(item: StoryItem, raw: dict[str, Any]) -> None:
    """Times are UTC datetimes, the type is 1 or 2, and the URLs are the largest renditions."""
    assert isinstance(item, StoryItem)
    assert item.pk.isdigit()
    assert item.taken_at.tzinfo is UTC
    assert item.expiring_at is not None
    assert item.expiring_at.tzinfo is UTC
    assert item.media_type in (1, 2)
    assert item.is_video == (item.media_type == 2)
    if "image_versions2" in raw:
        assert item.image_url == _largest(raw["image_versions2"]["candidates"])
    if raw.get("video_versions"):
        assert item.video_url == _largest(raw["video_versions"])
    if raw.get("display_resources"):
        assert item.image_url == _largest(raw["display_resources"], "config_width", "config_height", "src")
    if raw.get("video_resources"):
        assert item.video_url == _largest(raw["video_resources"], "config_width", "config_height", "src")
    # The raw record keeps the item's own fields, not its renditions or embedded users.
    renditions = {"image_versions2", "video_versions", "display_resources", "video_resources"}
    renditions |= {"user", "owner"}
    assert not renditions & set(item.raw)
    json.dumps(item.raw)
    assert "raw" not in repr(item)


# -- mobile --------------------------------------------------------------------------------------------


def test_mobile_feed_reels_media() -> None:
    body = load_fixture("feed_reels_media__instagramkit.json")
    reels = reels_from_mobile(body)
    assert list(reels) == ["13320596140", "3555900579"]  # keyed by the pk strings of `reels`
    assert [(r.user.username, len(r.items), r.media_count) for r in reels.values()] == [
        ("faanteyki", 6, 6),
        ("iayulstr", 8, 8),
    ]
    first = reels["13320596140"]
    assert first.id == first.user.ig_user_id == "13320596140"
    assert not first.is_highlight
    assert first.latest_reel_media == 1592734545
    assert first.seen == 1592732788
    assert first.expiring_at == _utc(1592820945)
    item = first.items[0]
    assert (item.pk, item.id, item.owner_ig_user_id) == (
        "2336332851137925320",
        "2336332851137925320_13320596140",
        "13320596140",
    )
    assert item.taken_at == _utc(1592732595)
    assert item.expiring_at == _utc(1592818995)
    assert item.media_type == 1
    assert item.video_url is None
    assert "/104166755_509334949785072_" in (item.image_url or "")
    video = reels["3555900579"].items[6]
    assert (video.pk, video.media_type, video.video_duration) == ("2336214876934249579", 2, 14.933)
    assert video.video_url
    assert "/75631366_2934592596785904_" in video.video_url
    for reel_ig_user_id, reel in reels.items():
        for item, raw in zip(reel.items, body["reels"][reel_ig_user_id]["items"], strict=True):
            _check_item(item, raw)
            assert item.owner_ig_user_id == reel_ig_user_id


def test_mobile_feed_user_story() -> None:
    body = load_fixture("feed_user_story__instagramkit.json")
    reels = reels_from_mobile(body)
    assert list(reels) == ["13320596140"]
    reel = reels["13320596140"]
    assert (reel.user.username, len(reel.items), reel.media_count) == ("faanteyki", 1, 1)
    assert reel.latest_reel_media == 1592488129
    assert reel.expiring_at == _utc(1592574529)
    _check_item(reel.items[0], body["reel"]["items"][0])
    assert reel.items[0].taken_at == _utc(1592488129)
    assert reel.items[0].pk == "2334282149393729443"
    # No story: Instagram answers `reel: null`.
    assert reels_from_mobile({**body, "reel": None}) == {}


def test_mobile_tray_items() -> None:
    body = load_fixture("reels_tray__instagram-clone.json")
    tray = StoryTray.model_validate(body)
    items = tray.tray[0].story_items()
    assert len(items) == 6 == tray.tray[0].media_count
    assert [i.media_type for i in items] == [1, 1, 1, 1, 2, 2]
    for item, raw in zip(items, body["tray"][0]["items"], strict=True):
        _check_item(item, raw)
        assert item.owner_ig_user_id == "491527077"
    assert items[4].video_duration == 18.739
    assert items[4].video_url == _largest(body["tray"][0]["items"][4]["video_versions"])
    assert [i.taken_at for i in items] == sorted(i.taken_at for i in items)  # oldest first, as sent
    assert tray.tray[1].story_items() == []
    assert tray.tray[2].story_items() == []


def test_mobile_highlights_tray() -> None:
    # No public capture of highlights_tray exists; this is the shape of reference §6.
    body = {
        "tray": [
            {
                "id": "highlight:17990000000000001",
                "title": "Summer",
                "created_at": 1600000000,
                "media_count": 4,
                "cover_media": {
                    "cropped_image_version": {"url": "https://scontent.cdninstagram.com/v/1_n.jpg"}
                },
                "user": {"pk": 5670185369, "username": "statement.paris"},
            },
            {"id": "live_1", "broadcast_owner": {}},  # not a folder: skipped
        ],
        "status": "ok",
    }
    (folder,) = highlights_from_mobile(body)
    assert (folder.id, folder.title, folder.media_count, folder.items) == (
        "highlight:17990000000000001",
        "Summer",
        4,
        [],
    )
    assert folder.is_highlight
    assert folder.user.ig_user_id == "5670185369"
    assert folder.created_at == _utc(1600000000)


# -- web GraphQL ---------------------------------------------------------------------------------------


def test_graphql_reels_media_of_five_users() -> None:
    body = load_fixture("graphql_reels_media_5users__instagramkit.json")
    reels = reels_from_graphql(body)
    assert [(pk, len(r.items)) for pk, r in reels.items()] == [
        ("4289198852", 1),
        ("321718805", 5),
        ("306562176", 5),
        ("8594368183", 2),
        ("7673389999", 1),
    ]
    assert [r.user.username for r in reels.values()][:2] == ["sayyid_musthofa_", "tugcegrn"]
    assert all(r.media_count == len(r.items) for r in reels.values())  # web reels carry no count
    assert reels["4289198852"].seen == 1591511945
    assert reels["8594368183"].seen is None
    assert [i.media_type for i in reels["306562176"].items] == [2] * 5  # GraphStoryVideo
    for reel, raw_reel in zip(reels.values(), body["data"]["reels_media"], strict=True):
        for item, raw in zip(reel.items, raw_reel["items"], strict=True):
            _check_item(item, raw)
            assert item.taken_at == _utc(raw["taken_at_timestamp"])
            assert item.expiring_at == _utc(raw["expiring_at_timestamp"])
            assert item.owner_ig_user_id == reel.user.ig_user_id
            assert item.id == item.pk


def test_graphql_reels_media_story_video() -> None:
    body = load_fixture("graphql_reels_media_story__pgrimaud.json")
    reels = reels_from_graphql(body)
    reel = reels["625833324"]
    assert reel.user.username == "starwars"
    assert reel.latest_reel_media == 1590008162
    (item,) = reel.items
    raw = body["data"]["reels_media"][0]["items"][0]
    _check_item(item, raw)
    assert (item.pk, item.media_type, item.video_duration) == ("2313478624923545316", 2, 14.5)
    # MAIN 640×1137 over BASELINE 480×853
    assert item.video_url
    assert "/99287096_935847843521160_" in item.video_url
    assert item.image_url == raw["display_resources"][2]["src"]  # 1080×1920
    assert item.expiring_at - item.taken_at == timedelta(hours=24)
    assert item.raw["story_cta_url"] == "https://www.youtube.com/watch?v=-bhq2bxwAzg"


def test_graphql_tray_items() -> None:
    tray = story_tray_from_graphql(load_fixture("graphql_reels_tray__instagramkit.json"))
    assert [len(r.story_items()) for r in tray.tray] == [2, 0, 0, 0, 0]  # only the first carries items
    assert all(
        i.owner_ig_user_id == "4289198852" and i.taken_at.tzinfo is UTC for i in tray.tray[0].story_items()
    )


def test_graphql_highlight_reels() -> None:
    body = load_fixture("graphql_highlight_reels_media__pgrimaud.json")
    reels = reels_from_graphql(body)
    assert [(rid, len(r.items)) for rid, r in reels.items()] == [
        ("highlight:18137590444014024", 33),
        ("highlight:18050908660174460", 8),
        ("highlight:18095548501062215", 9),
    ]
    for reel, raw_reel in zip(reels.values(), body["data"]["reels_media"], strict=True):
        assert reel.is_highlight
        assert reel.user.ig_user_id == "5670185369"
        assert reel.user.username == "statement.paris"
        assert reel.latest_reel_media is None
        for item, raw in zip(reel.items, raw_reel["items"], strict=True):
            _check_item(item, raw)
            assert item.owner_ig_user_id == "5670185369"


def test_graphql_highlight_folders() -> None:
    folders = highlights_from_graphql(load_fixture("graphql_highlights_and_chaining__pgrimaud.json"))
    assert [(f.id, f.title) for f in folders[:3]] == [
        ("highlight:18137590444014024", "STORY"),
        ("highlight:18050908660174460", "ROCKAWAY"),
        ("highlight:18095548501062215", "STAIRWAY"),
    ]
    assert len(folders) == 8
    assert all(f.user.ig_user_id == "5670185369" and f.items == [] for f in folders)


def test_graphql_user_reel_without_items() -> None:
    reel = Reel.model_validate(load_fixture("graphql_user_reel_by_id__pgrimaud.json")["data"]["user"]["reel"])
    assert (reel.id, reel.user.username, reel.items, reel.media_count) == ("3", "kevin", [], None)
    assert reel.expiring_at == _utc(1592762576)
    assert reel.latest_reel_media == 0


# -- leniency and errors -------------------------------------------------------------------------------


def test_odd_items_and_reels_are_skipped_not_fatal() -> None:
    body = copy.deepcopy(load_fixture("feed_reels_media__instagramkit.json"))
    items = body["reels"]["13320596140"]["items"]
    items[1] = {k: v for k, v in items[1].items() if k != "taken_at"}  # no time: not a usable item
    items.append("not an item")
    items.append({"pk": 1, "taken_at": "yesterday"})
    body["reels"]["live_1"] = {"id": "live_1", "broadcast_owner": {}}  # no user: not a reel
    reels = reels_from_mobile(body)
    assert list(reels) == ["13320596140", "3555900579"]
    assert len(reels["13320596140"].items) == 5
    assert reels["13320596140"].media_count == 6


def test_missing_expiry_is_a_day_after_taken() -> None:
    item = StoryItem.model_validate({"pk": "1", "taken_at": 1600000000, "media_type": 1})
    assert item.expiring_at == _utc(1600000000 + 86400)
    assert item.image_url is None
    assert item.owner_ig_user_id is None
    web = StoryItem.model_validate({"id": "7", "taken_at_timestamp": 1600000000, "is_video": True})
    assert (web.pk, web.media_type, web.expiring_at) == ("7", 2, _utc(1600086400))


def test_reels_media_list_form() -> None:
    body = load_fixture("feed_reels_media__instagramkit.json")
    listed = reels_from_mobile({"reels_media": list(body["reels"].values()), "status": "ok"})
    assert listed == reels_from_mobile(body)


@pytest.mark.parametrize(
    ("parse", "body", "names"),
    [
        (reels_from_mobile, {"status": "ok"}, "reels_media: the body has no 'reels', 'reels_media' or"),
        (reels_from_mobile, {"reels": [], "status": "ok"}, "reels_media"),
        (reels_from_graphql, {"data": {}, "status": "ok"}, "reels_media: the body has no 'data.reels_media'"),
        (reels_from_graphql, {"data": {"reels_media": None}}, "reels_media"),
        (highlights_from_mobile, {"status": "ok"}, "highlights: the body has no 'tray'"),
        (highlights_from_graphql, {"data": {"user": {}}}, "highlights: the body has no 'edge_highlight"),
    ],
)
def test_bodies_without_their_container_are_malformed(parse: Any, body: dict[str, Any], names: str) -> None:
    with pytest.raises(MalformedResponseError, match=names) as caught:
        parse(body)
    assert caught.value.endpoint in ("reels_media", "highlights")


STORY_FIXTURES = [
    "feed_reels_media__instagramkit.json",
    "feed_user_story__instagramkit.json",
    "graphql_reels_media_story__pgrimaud.json",
    "graphql_reels_media_5users__instagramkit.json",
    "graphql_highlight_reels_media__pgrimaud.json",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(STORY_FIXTURES))
def test_story_parsers_survive_mutations(body: Any) -> None:
    for parse in (reels_from_mobile, reels_from_graphql):
        try:
            reels = parse(body)
        except InstagramError:
            continue
        for reel_id, reel in reels.items():
            assert reel.id == reel_id
            assert isinstance(reel.user.ig_user_id, str)
            for item in reel.items:
                assert item.taken_at.tzinfo is not None
                assert isinstance(item.media_type, int)
                json.dumps(item.raw, default=str)
