"""Messageability, story-reply eligibility and the scan policy, as pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ig_assets.network.interaction import dm_state, retry_window, story_state
from ig_assets.network.scan_policy import scan_verdict

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def test_retry_window_doubles_up_to_a_cap() -> None:
    assert [retry_window(n).days for n in range(0, 8)] == [0, 1, 2, 4, 8, 16, 30, 30]


@pytest.mark.parametrize(
    ("kwargs", "state", "reason", "retry_days"),
    [
        (
            {"in_inbox": True, "failures": 3},
            "messageable",
            "inbox_thread",
            None,
        ),  # a thread beats old failures
        (
            {"failures": 1, "last_failure": "messaging_disabled"},
            "not_messageable",
            "send_failed:messaging_disabled",
            1,
        ),
        ({"failures": 3, "follows_you": True}, "not_messageable", "send_failed:unknown", 4),
        ({"follows_you": True}, "messageable", "follows_you", None),
        ({"is_private": True}, "not_messageable", "private_not_following", 1),
        ({}, "unknown", "not_checked", None),
    ],
)
def test_dm_state(kwargs: dict, state: str, reason: str, retry_days: int | None) -> None:
    args = {
        "in_inbox": False,
        "follows_you": False,
        "is_private": None,
        "failures": 0,
        "last_failure": None,
        **kwargs,
    }
    result = dm_state(**args, now=NOW)
    assert (result.state, result.reason) == (state, reason)
    assert result.retry_after == (NOW + timedelta(days=retry_days) if retry_days else None)


@pytest.mark.parametrize(
    ("kwargs", "state", "reason"),
    [
        ({"replies_disabled": True, "following": True}, "not_messageable", "replies_disabled"),
        ({"failures": 2, "following": True}, "not_messageable", "reply_failed"),
        ({"following": True, "is_private": True}, "messageable", "following"),
        ({"is_private": True}, "not_messageable", "private_not_following"),
        ({"is_private": False}, "messageable", "public"),
        ({}, "unknown", "not_checked"),
    ],
)
def test_story_state(kwargs: dict, state: str, reason: str) -> None:
    args = {"following": False, "is_private": None, "replies_disabled": None, "failures": 0, **kwargs}
    result = story_state(**args, now=NOW)
    assert (result.state, result.reason) == (state, reason)


@pytest.mark.parametrize(
    ("profile", "excluded", "reason_start"),
    [
        ({"category": "Brand", "is_business": True}, True, "business_category:Brand"),
        (
            {"category": "Media/News Company", "is_business": True, "follower_count": 900},
            True,
            "business_category",
        ),
        (
            {"category": "Artist", "is_business": True, "follower_count": 5_000, "following_count": 800},
            False,
            "person",
        ),
        (
            {"category": "Brand", "is_business": False},
            False,
            "person",
        ),  # a personal account naming itself a brand
        (
            {"is_verified": True, "follower_count": 52_979_346, "following_count": 5},
            True,
            "mass_audience:verified",
        ),
        ({"follower_count": 150_000, "following_count": 3_000}, False, "person"),  # follows back 2%
        ({"follower_count": 150_000, "following_count": None}, False, "person"),
        ({}, False, "person"),
    ],
)
def test_scan_verdict(profile: dict, excluded: bool, reason_start: str) -> None:
    args = {
        "category": None,
        "is_business": None,
        "is_verified": None,
        "follower_count": None,
        "following_count": None,
        **profile,
    }
    verdict = scan_verdict(**args)
    assert verdict.excluded is excluded
    assert verdict.reason.startswith(reason_start)
