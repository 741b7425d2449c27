"""The insight rules, pure: engagement, history chunks, story behaviour, and which estimates are kept."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from ig_resources.ai.schemas import Estimate
from ig_resources.records import ChunkWrite, HistoryEntry, StoryActivity

#: words per history chunk: a chunk is a unit of context a prompt can take or leave
CHUNK_WORDS = 250
#: words of history a profile analysis reads (the newest chunks that fit)
CONTEXT_WORDS = 1200
#: an estimate is kept only with this confidence and at least this much quoted evidence (issue 7:
#: "otherwise empty, never a guess")
MIN_ESTIMATE_CONFIDENCE = 0.7
MIN_ESTIMATE_EVIDENCE = 1
#: the window story and post frequencies are measured over
ACTIVITY_WINDOW = timedelta(days=28)


def engagement_score(likes: int | None, comments: int | None, followers: int | None) -> float | None:
    """Interactions per follower on a 0..1 log scale: 0.1 % → ~0.25, 1 % → 0.5, 10 % → 0.75, ≥ 100 % → 1.
    A comment counts as two likes (it costs more). None without a follower count."""
    if not followers or followers <= 0 or (likes is None and comments is None):
        return None
    rate = ((likes or 0) + 2 * (comments or 0)) / followers
    if rate <= 0:
        return 0.0
    return round(min(1.0, max(0.0, (math.log10(rate) + 4) / 4)), 4)


def history_chunks(entries: Sequence[HistoryEntry], *, max_words: int = CHUNK_WORDS) -> list[ChunkWrite]:
    """A profile's history as dated lines, oldest first, cut into chunks of at most `max_words` words
    (a longer entry is shortened to fit one chunk). Same entries → same chunks."""
    chunks: list[ChunkWrite] = []
    lines: list[tuple[datetime, str, int]] = []

    def close() -> None:
        if lines:
            chunks.append(
                ChunkWrite(
                    sequence=len(chunks),
                    content="\n".join(line for _, line, _ in lines),
                    word_count=sum(n for _, _, n in lines),
                    entry_count=len(lines),
                    starts_at=lines[0][0],
                    ends_at=lines[-1][0],
                )
            )
            lines.clear()

    for entry in sorted(entries, key=lambda e: (e.at, e.kind, e.text)):
        words = f"{entry.at:%Y-%m-%d %H:%M} {entry.text}".split()
        if len(words) > max_words:
            words = [*words[: max_words - 1], "…"]
        if lines and sum(n for _, _, n in lines) + len(words) > max_words:
            close()
        lines.append((entry.at, " ".join(words), len(words)))
    close()
    return chunks


def behavior_summary(activity: StoryActivity, now: datetime) -> tuple[dict[str, object], float]:
    """How a profile uses stories (and posts): frequency, hours and days, video share, the people
    in them; and an activity score 0..1 (about one story a day, or a post every other day, is 1)."""
    since = now - ACTIVITY_WINDOW
    weeks = ACTIVITY_WINDOW.days / 7
    recent_stories = [t for t in activity.story_times if t >= since]
    recent_posts = [t for t in activity.post_times if t >= since]
    hours = Counter(t.hour for t in activity.story_times)
    days = Counter(t.strftime("%a") for t in activity.story_times)
    appearances = Counter(label for people in activity.story_people for label in set(people))
    with_people = [len(set(p)) for p in activity.story_people]
    post_gaps = [(b - a).total_seconds() / 86400 for a, b in pairwise(sorted(activity.post_times))]
    summary: dict[str, object] = {
        "stories_total": len(activity.story_times),
        "stories_per_week": round(len(recent_stories) / weeks, 2),
        "posts_per_week": round(len(recent_posts) / weeks, 2),
        "story_days_active": len({t.date() for t in recent_stories}),
        "peak_hours_utc": [h for h, _ in hours.most_common(3)],
        "weekdays": dict(days.most_common()),
        "video_share": round(activity.story_media.count("video") / len(activity.story_media), 2)
        if activity.story_media
        else None,
        "people_per_story": round(statistics.fmean(with_people), 2) if with_people else None,
        "stories_with_people_share": round(sum(1 for n in with_people if n) / len(with_people), 2)
        if with_people
        else None,
        "recurring_people": [
            {"label": label, "role": activity.people_roles.get(label, "unknown"), "stories": n}
            for label, n in appearances.most_common(5)
            if n >= 2
        ],
        "median_days_between_posts": round(statistics.median(post_gaps), 1) if post_gaps else None,
        "last_story_at": max(activity.story_times).isoformat() if activity.story_times else None,
        "last_post_at": max(activity.post_times).isoformat() if activity.post_times else None,
    }
    per_day = len(recent_stories) / ACTIVITY_WINDOW.days + 2 * len(recent_posts) / ACTIVITY_WINDOW.days
    return summary, round(1 - math.exp(-per_day * 1.5), 4) if per_day else 0.0


def frequency_band(per_week: float | None) -> str:
    """A rate as a band, so that an analysis input changes when a habit does, not every day."""
    if not per_week:
        return "none"
    return (
        "daily"
        if per_week >= 5
        else "several a week"
        if per_week >= 2
        else "weekly"
        if per_week >= 0.75
        else "occasional"
    )


def behavior_digest(summary: dict[str, Any]) -> dict[str, Any]:
    """What a profile analysis reads of a behaviour summary: bands and rounded shares."""
    digest: dict[str, Any] = {
        "stories": frequency_band(summary.get("stories_per_week")),
        "posts": frequency_band(summary.get("posts_per_week")),
    }
    for key in ("video_share", "stories_with_people_share"):
        if isinstance(value := summary.get(key), int | float):
            digest[key] = round(value, 1)
    if isinstance(people := summary.get("people_per_story"), int | float):
        digest["people_per_story"] = round(people)
    return digest


def accepted(
    estimate: Estimate,
    *,
    min_confidence: float = MIN_ESTIMATE_CONFIDENCE,
    min_evidence: int = MIN_ESTIMATE_EVIDENCE,
) -> str | None:
    """The estimate's value when its confidence and quoted evidence pass the threshold, else None."""
    value = (estimate.value or "").strip()
    if (
        not value
        or estimate.confidence < min_confidence
        or len([e for e in estimate.evidence if e.strip()]) < min_evidence
    ):
        return None
    return value
