"""The pure rules of the profile refresh: the update plan, the trust policy, the run's trigger source."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ig_assets.accounts.rules import normalise_username, trigger_source
from ig_assets.network.refresh import plan_update
from ig_assets.network.trust import is_promotional_url, media_download_verdict
from ig_resources.instagram.models import ProfileDetails
from ig_resources.records import ProfileToRefresh

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
PIC = "https://scontent-lhr8-1.cdninstagram.com/v/t51.2885-19/s150x150/123_456_789_n.jpg?oh=aa&oe=6900AAAA"


def stored(**overrides: object) -> ProfileToRefresh:
    base = {
        "id": 7,
        "ig_user_id": "42",
        "username": "ana",
        "following": False,
        "follows_you": True,
        "in_inbox": False,
        "avatar_url_fingerprint": None,
        "dm_interaction_reason": None,
        "dm_interaction_failures": 0,
        "story_interaction_failures": 0,
        "tags": {},
    }
    return ProfileToRefresh(**{**base, **overrides})  # type: ignore[arg-type]


def details(**overrides: object) -> ProfileDetails:
    body = {
        "pk": 42,
        "username": "ana",
        "full_name": "Ana",
        "biography": "hi",
        "profile_pic_url": PIC,
        "follower_count": 300,
        "following_count": 280,
        "media_count": 12,
        "is_private": False,
    }
    return ProfileDetails.model_validate({**body, **overrides})


def test_update_carries_the_snapshot_and_history_row() -> None:
    u = plan_update(stored(), details(), NOW)
    assert u.values["follower_count"] == 300
    assert u.values["details_status"] == "ok"
    assert u.snapshot == {
        "captured_at": NOW,
        "follower_count": 300,
        "following_count": 280,
        "media_count": 12,
        "last_post_at": None,
    }
    assert (u.values["dm_interaction_state"], u.values["dm_interaction_reason"]) == (
        "messageable",
        "follows_you",
    )
    assert u.scan_excluded is False
    assert u.scan_reason == "person"


def test_avatar_is_queued_only_when_the_file_changes() -> None:
    first = plan_update(stored(), details(), NOW)
    assert first.avatar_changed
    assert first.values["avatar_synced_at"] is None
    fingerprint = first.values["avatar_url_fingerprint"]
    resigned = PIC.replace("oh=aa&oe=6900AAAA", "oh=bb&oe=6A00BBBB").replace("lhr8-1", "ams4-1")
    same = plan_update(stored(avatar_url_fingerprint=fingerprint), details(profile_pic_url=resigned), NOW)
    assert not same.avatar_changed
    assert "avatar_url_fingerprint" not in same.values
    new = plan_update(
        stored(avatar_url_fingerprint=fingerprint),
        details(profile_pic_url=PIC.replace("789_n", "790_n")),
        NOW,
    )
    assert new.avatar_changed


def test_failed_sends_keep_a_profile_unreachable_for_a_growing_window() -> None:
    u = plan_update(
        stored(dm_interaction_failures=3, dm_interaction_reason="send_failed:messaging_disabled"),
        details(),
        NOW,
    )
    assert u.values["dm_interaction_state"] == "not_messageable"
    assert u.values["dm_interaction_reason"] == "send_failed:messaging_disabled"
    assert u.values["dm_interaction_retry_after_at"] == NOW + timedelta(days=4)


def test_page_like_profiles_are_excluded_but_a_manual_tag_is_left_alone() -> None:
    brand = details(is_business=True, category="Brand")
    assert plan_update(stored(), brand, NOW).scan_excluded is True
    assert plan_update(stored(), brand, NOW).scan_reason == "business_category:Brand"
    manual = stored(tags={"profile_scan_excluded": "manual"})
    assert plan_update(manual, details(), NOW).scan_excluded is None


def test_no_counts_no_history_row() -> None:
    bare = ProfileDetails.model_validate({"pk": 42, "username": "ana", "profile_pic_url": PIC})
    assert plan_update(stored(), bare, NOW).snapshot is None


@pytest.mark.parametrize(
    ("tags", "source"),
    [
        ({"dagster/schedule_name": "s"}, "schedule"),
        ({"dagster/sensor_name": "x"}, "sensor"),
        ({"dagster/backfill": "b"}, "backfill"),
        ({}, "manual"),
        # The ig/trigger tag says it first; an unknown value is not recorded.
        ({"ig/trigger": "sensor", "dagster/backfill": "b"}, "sensor"),
        ({"ig/trigger": "manual", "dagster/schedule_name": "s"}, "manual"),
        ({"ig/trigger": "whoever", "dagster/backfill": "b"}, "backfill"),
    ],
)
def test_trigger_source(tags: dict[str, str], source: str) -> None:
    assert trigger_source(tags) == source


@pytest.mark.parametrize("text", ["alice", " Alice ", "@alice", "@ALICE\n", " @ alice"])
def test_usernames_are_normalised_once(text: str) -> None:
    assert normalise_username(text) == "alice"


@pytest.mark.parametrize(
    ("url", "promotional"),
    [
        (PIC, False),
        ("https://scontent.cdninstagram.com/v/ads/1_n.jpg", True),
        ("https://scontent.cdninstagram.com/v/t51/1_n.jpg?_nc_ad=z&oh=1", True),
        ("https://an.facebook.com/x.jpg", True),
        (
            "https://scontent.cdninstagram.com/v/t51/downloads/1_n.jpg",
            False,
        ),  # "ads" inside a word is not an ad
    ],
)
def test_promotional_urls(url: str, promotional: bool) -> None:
    assert is_promotional_url(url) is promotional


def test_trust_policy_reasons() -> None:
    def verdict(**kw: object) -> str:
        args = {"url": PIC, "following": False, "follows_you": False, **kw}
        return media_download_verdict(**args).reason  # type: ignore[arg-type]

    assert verdict(following=True) == verdict(follows_you=True) == verdict(is_self=True) == "connected"
    assert verdict(tags=frozenset({"trusted"})) == "connected"
    assert verdict() == verdict(tags=frozenset({"automatic_reply"})) == "profile_not_connected"
    assert verdict(url=None, following=True) == "no_url"
    assert verdict(url=PIC + "&ad_id=3", following=True) == "promotional_url"
