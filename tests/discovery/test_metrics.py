"""Seed 002's metrics on a hand-computed example."""

from datetime import UTC, datetime

import pandas as pd
import pytest

from ig_assets.discovery.metrics import account_summary, profile_metrics

NOW = datetime(2026, 1, 31, tzinfo=UTC)


def at(day: str, hour: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@pytest.fixture
def metrics() -> pd.DataFrame:
    profiles = pd.DataFrame(
        {
            "profile_id": [1, 2, 3, 4],
            "follower_count": [1000, 0, 2000, 500],
            "posts_scanned": [True, True, True, False],
        }
    )
    posts = pd.DataFrame(
        [
            (1, at("2026-01-30"), 50, 10),
            (1, at("2026-01-20"), 30, 10),
            (1, at("2025-12-01"), None, 5),  # likes hidden: not part of the rate
            (3, at("2025-12-22"), 100, 20),
        ],
        columns=["profile_id", "taken_at", "likes_count", "comments_count"],
    )
    snapshots = pd.DataFrame(
        [
            (1, at("2026-01-10"), 900),
            (1, at("2026-01-20"), 1000),
            (1, at("2026-01-30"), 1100),
            (1, at("2025-09-01"), 10),  # older than the 90-day window
            (2, at("2026-01-30"), 0),
            (3, at("2026-01-30", 0), 2000),
            (3, at("2026-01-30", 6), 1990),  # six hours: no trend yet
        ],
        columns=["profile_id", "captured_at", "follower_count"],
    )
    return profile_metrics(profiles, posts, snapshots, NOW).set_index("profile_id")


def test_a_profile_whose_feed_was_never_read_has_no_score(metrics: pd.DataFrame) -> None:
    unread = metrics.loc[4]
    assert unread.posts_last_30d == 0
    assert pd.isna(unread.engagement_rate)
    assert pd.isna(unread.score)


def test_engagement_growth_projection_and_score_by_hand(metrics: pd.DataFrame) -> None:
    one = metrics.loc[1]
    assert (one.posts_considered, one.avg_likes, one.avg_comments) == (2, 40, 10)
    assert one.engagement_rate == pytest.approx(50 / 1000)
    assert (one.history_points, one.history_days) == (3, 20)
    assert one.growth_per_day == pytest.approx(10)
    assert one.growth_rate_30d == pytest.approx(300 / 1100)
    assert one.projected_followers == pytest.approx(1400)
    assert one.posts_last_30d == 2
    # 100 · (0.5 · 0.05/0.06 + 0.3 · 1 (growth capped) + 0.2 · 2/12)
    assert one.score == pytest.approx(75.0)


def test_unknowns_stay_unknown_and_the_score_uses_what_is_known(metrics: pd.DataFrame) -> None:
    nobody, short = metrics.loc[2], metrics.loc[3]
    assert pd.isna(nobody.engagement_rate)
    assert pd.isna(nobody.growth_per_day)
    assert nobody.score == 0  # only activity is known, and it is nil
    assert short.engagement_rate == pytest.approx(120 / 2000)
    assert short.posts_last_30d == 0
    assert short.history_points == 2
    assert pd.isna(short.growth_rate_30d)
    assert pd.isna(short.projected_followers)
    assert short.score == pytest.approx(100 * (0.5 * 1 + 0.2 * 0) / 0.7, abs=0.01)


def test_account_summary_weights_by_followers(metrics: pd.DataFrame) -> None:
    s = account_summary(metrics.drop(index=4).reset_index())
    assert s["profiles"] == 3
    assert s["profiles_with_engagement"] == 2
    assert s["profiles_with_growth"] == 1
    assert s["network_followers"] == 3000
    assert s["engagement_rate"] == pytest.approx((0.05 * 1000 + 0.06 * 2000) / 3000)
    assert s["median_engagement_rate"] == pytest.approx(0.055)
    assert s["growth_rate_30d"] == pytest.approx(10 * 30 / 1000)
    assert s["projected_network_followers"] == 1400 + 0 + 2000
    assert s["score"] == pytest.approx((75 + 0 + 100 * 0.5 / 0.7) / 3, abs=0.01)


def test_empty_partition() -> None:
    empty = profile_metrics(
        pd.DataFrame(columns=["profile_id", "follower_count"]),
        pd.DataFrame(columns=["profile_id", "taken_at", "likes_count", "comments_count"]),
        pd.DataFrame(columns=["profile_id", "captured_at", "follower_count"]),
        NOW,
    )
    assert empty.empty
    assert account_summary(empty)["profiles"] == 0
