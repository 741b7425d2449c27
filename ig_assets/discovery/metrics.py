"""Seed 002's metrics (engagement, growth, projected growth, overall score) as pure pandas over a
whole partition at once: no I/O, no Dagster, one row per profile out.

Inputs are plain frames so the asset, the tests and the benchmark feed them the same way:

- `profiles`: `profile_id`, `follower_count` (the latest known count), optionally `posts_scanned`
  (whether `profile_posts` has read the feed: until then the activity is unknown, not nil)
- `posts`: `profile_id`, `taken_at`, `likes_count` (None when likes are hidden), `comments_count`
- `snapshots`: `profile_id`, `captured_at`, `follower_count` (the count history of `profile_details`)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class MetricsPolicy:
    engagement_posts: int = 12  # the most recent posts the engagement rate averages
    history_days: int = 90  # the count history the growth fit looks at
    min_history_days: float = 1.0  # a shorter history gives no growth: a minute's change is no trend
    projection_days: int = 30
    activity_days: int = 30
    # Score scales: these values earn a component's full marks.
    full_engagement: float = 0.06  # 6 % is an excellent rate on Instagram (1–3 % is typical)
    full_growth: float = 0.10  # ±10 % a month spans the growth component from 0 to 1
    full_activity: int = 12  # posts in `activity_days`: about three a week
    weights: tuple[float, float, float] = (0.5, 0.3, 0.2)  # engagement, growth, activity


COLUMNS = [
    "profile_id",
    "follower_count",
    "posts_considered",
    "avg_likes",
    "avg_comments",
    "engagement_rate",
    "history_points",
    "history_days",
    "growth_per_day",
    "growth_rate_30d",
    "projected_followers",
    "posts_last_30d",
    "score",
]


def profile_metrics(
    profiles: pd.DataFrame,
    posts: pd.DataFrame,
    snapshots: pd.DataFrame,
    now: datetime,
    policy: MetricsPolicy = MetricsPolicy(),
) -> pd.DataFrame:
    """One row per profile of `profiles` with the columns of `COLUMNS`; NaN where the data cannot tell.

    Engagement rate: the mean, over the profile's `engagement_posts` most recent posts whose likes are
    visible, of (likes + comments) / followers. Average likes and comments are over the same posts.

    Growth: an ordinary least-squares line through the follower counts of the last `history_days`
    (time in days, measured back from the latest snapshot); `growth_per_day` is its slope,
    `growth_rate_30d` = slope · 30 / latest count, and `projected_followers` is the line's value
    `projection_days` after the latest snapshot. Fewer than two snapshots, or a history shorter than
    `min_history_days`, gives NaN for all three.

    Score (0–100): 100 · Σ wᵢ·sᵢ / Σ wᵢ over the components that are known, with
    s_engagement = min(rate / full_engagement, 1),
    s_growth = clip(0.5 + growth_rate_30d / (2 · full_growth), 0, 1) (no growth scores 0.5),
    s_activity = min(posts in the last `activity_days` / full_activity, 1), unknown until the feed
    was read. A profile with no known component has no score.
    """
    columns = ["profile_id", "follower_count", *(["posts_scanned"] if "posts_scanned" in profiles else [])]
    base = profiles[columns].drop_duplicates("profile_id").set_index("profile_id")
    out = base.join(_engagement(posts, base["follower_count"], policy)).join(_growth(snapshots, now, policy))
    recent = posts[
        pd.to_datetime(posts["taken_at"], utc=True)
        >= pd.Timestamp(now - timedelta(days=policy.activity_days))
    ]
    out["posts_last_30d"] = recent.groupby("profile_id").size().reindex(out.index).fillna(0).astype(int)
    out["posts_considered"] = out["posts_considered"].fillna(0).astype(int)
    out["history_points"] = out["history_points"].fillna(0).astype(int)
    out["score"] = _score(out, policy)
    return out.reset_index()[COLUMNS]


def _engagement(posts: pd.DataFrame, followers: pd.Series, policy: MetricsPolicy) -> pd.DataFrame:
    visible = posts[posts["likes_count"].notna()].copy()
    visible["comments_count"] = visible["comments_count"].fillna(0)
    visible = (
        visible.sort_values("taken_at", ascending=False).groupby("profile_id").head(policy.engagement_posts)
    )
    per = visible.groupby("profile_id").agg(
        posts_considered=("likes_count", "size"),
        avg_likes=("likes_count", "mean"),
        avg_comments=("comments_count", "mean"),
    )
    # The mean of per-post rates equals the rate of the means: the follower count is one per profile.
    f = followers.reindex(per.index).astype(float).where(lambda x: x > 0)
    per["engagement_rate"] = (per["avg_likes"] + per["avg_comments"]) / f
    return per


def _growth(snapshots: pd.DataFrame, now: datetime, policy: MetricsPolicy) -> pd.DataFrame:
    h = snapshots[snapshots["follower_count"].notna()].copy()
    h["captured_at"] = pd.to_datetime(h["captured_at"], utc=True)
    h = h[h["captured_at"] >= pd.Timestamp(now - timedelta(days=policy.history_days))]
    last = h.groupby("profile_id")["captured_at"].transform("max")
    # Days before the latest snapshot (≤ 0), so the fitted intercept is the latest trend value.
    h["t"] = (h["captured_at"] - last).dt.total_seconds() / 86_400
    h["f"] = h["follower_count"].astype(float)
    h["tt"], h["tf"] = h["t"] * h["t"], h["t"] * h["f"]
    g = (
        h.sort_values("captured_at")
        .groupby("profile_id")
        .agg(
            history_points=("t", "size"),
            t0=("t", "min"),
            st=("t", "sum"),
            sf=("f", "sum"),
            stt=("tt", "sum"),
            stf=("tf", "sum"),
            latest=("f", "last"),
        )
    )
    n = g["history_points"]
    denom = n * g["stt"] - g["st"] ** 2
    enough = (n >= 2) & (-g["t0"] >= policy.min_history_days) & (denom > 0)
    slope = ((n * g["stf"] - g["st"] * g["sf"]) / denom.where(enough)).where(enough)
    intercept = (g["sf"] - slope * g["st"]) / n
    return pd.DataFrame(
        {
            "history_points": n,
            "history_days": -g["t0"],
            "growth_per_day": slope,
            "growth_rate_30d": slope * 30 / g["latest"].where(g["latest"] > 0),
            "projected_followers": intercept + slope * policy.projection_days,
        }
    )


def _score(m: pd.DataFrame, policy: MetricsPolicy) -> pd.Series:
    activity = (m["posts_last_30d"] / policy.full_activity).clip(upper=1)
    if "posts_scanned" in m:
        activity = activity.where(m["posts_scanned"].astype("boolean").fillna(False))
    parts = pd.DataFrame(
        {
            "engagement": (m["engagement_rate"] / policy.full_engagement).clip(upper=1),
            "growth": (0.5 + m["growth_rate_30d"] / (2 * policy.full_growth)).clip(0, 1),
            "activity": activity,
        }
    )
    w = pd.Series(policy.weights, index=parts.columns)
    known = parts.notna()
    weight = known.mul(w, axis=1).sum(axis=1)
    return (100 * parts.fillna(0).mul(w, axis=1).sum(axis=1) / weight.where(weight > 0)).round(2)


def account_summary(metrics: pd.DataFrame) -> dict[str, float | int | None]:
    """The managed account's network in one row: its size and reach, the follower-weighted engagement
    rate Σ(rateᵢ·followersᵢ)/Σfollowersᵢ (the network's interactions per follower), the median rate,
    the network's growth Σ(growth_per_dayᵢ)·30 / Σfollowersᵢ over the profiles with a growth fit, its
    projected reach (the fit where there is one, today's count elsewhere) and the mean score."""
    f = metrics["follower_count"].astype(float)
    has_rate = metrics["engagement_rate"].notna() & (f > 0)
    has_growth = metrics["growth_per_day"].notna() & (f > 0)
    projected = metrics["projected_followers"].fillna(f)

    def value(x: float) -> float | None:
        return None if pd.isna(x) else float(x)

    rate_followers = f[has_rate].sum()
    growth_followers = f[has_growth].sum()
    return {
        "profiles": len(metrics),
        "profiles_with_engagement": int(has_rate.sum()),
        "profiles_with_growth": int(has_growth.sum()),
        "network_followers": int(f.fillna(0).sum()),
        "engagement_rate": value((metrics["engagement_rate"] * f)[has_rate].sum() / rate_followers)
        if rate_followers
        else None,
        "median_engagement_rate": value(metrics["engagement_rate"].median()),
        "growth_rate_30d": value(metrics["growth_per_day"][has_growth].sum() * 30 / growth_followers)
        if growth_followers
        else None,
        "projected_network_followers": int(np.nan_to_num(projected.sum())),
        "score": value(metrics["score"].mean()),
    }
