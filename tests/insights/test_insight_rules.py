"""The insight rules and task builders, pure."""

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ig_assets.insights.rules import (
    accepted,
    behavior_summary,
    engagement_score,
    frequency_band,
    history_chunks,
)
from ig_assets.insights.tasks import demographics_projection, post_task, profile_task
from ig_resources.ai.schemas import Demographics, Estimate
from ig_resources.records import HistoryEntry, PostForInsight, ProfileForInsight, StoryActivity

T0 = datetime(2026, 11, 1, 12, tzinfo=UTC)


def _post(**fields: object) -> PostForInsight:
    base = {
        "id": 1,
        "profile_id": 2,
        "owner_username": "ana",
        "shortcode": "C1",
        "media_type": 1,
        "product_type": None,
        "taken_at": T0,
        "caption": "Sunset in Lisbon",
        "caption_lang": "en",
        "likes_count": 50,
        "comments_count": 5,
        "owner_follower_count": 1000,
        "faces_count": None,
        "prominent_faces": 0,
        "media_sha256": None,
        "media_content_type": None,
        "comments": [],
        "current_fingerprint": None,
    }
    return PostForInsight(**{**base, **fields})  # type: ignore[arg-type]


def test_frequency_bands() -> None:
    assert [frequency_band(x) for x in (None, 0, 0.2, 1, 3, 7)] == [
        "none",
        "none",
        "occasional",
        "weekly",
        "several a week",
        "daily",
    ]


def test_engagement_score_is_monotonic_and_bounded() -> None:
    assert engagement_score(10, 0, None) is None
    low, mid, high = (
        engagement_score(1, 0, 1000),
        engagement_score(10, 0, 1000),
        engagement_score(100, 0, 1000),
    )
    assert low is not None
    assert mid is not None
    assert high is not None
    assert 0 < low < mid < high <= 1
    assert engagement_score(10, 0, 1000) == pytest.approx(0.5)
    assert engagement_score(0, 5, 1000) == engagement_score(10, 0, 1000)  # a comment weighs two likes
    assert engagement_score(10**6, 0, 10) == 1.0


def test_history_chunks_are_ordered_bounded_and_stable() -> None:
    entries = [
        HistoryEntry(T0 + timedelta(days=i), "post", f"photo post, {i} likes: " + "word " * 40)
        for i in reversed(range(20))
    ]
    chunks = history_chunks(entries, max_words=100)
    assert [c.sequence for c in chunks] == list(range(len(chunks)))
    assert all(c.word_count <= 100 for c in chunks)
    assert sum(c.entry_count for c in chunks) == 20
    assert chunks[0].starts_at == T0
    assert chunks[-1].ends_at == T0 + timedelta(days=19)
    assert chunks[0].content.startswith("2026-11-01 12:00 photo post, 0 likes")
    assert all(a.ends_at <= b.starts_at for a, b in itertools.pairwise(chunks))
    assert history_chunks(list(reversed(entries)), max_words=100) == chunks
    long = history_chunks([HistoryEntry(T0, "post", "x " * 500)], max_words=100)
    assert len(long) == 1
    assert long[0].word_count == 100
    assert long[0].content.endswith("…")
    assert history_chunks([]) == []


def test_behavior_summary_of_a_daily_storyteller_and_a_quiet_profile() -> None:
    now = T0 + timedelta(days=28)
    times = [T0 + timedelta(days=i, hours=9) for i in range(28)]
    busy = StoryActivity(
        story_times=times,
        story_media=["video"] * 7 + ["photo"] * 21,
        story_people=[["person-1"], ["person-1", "person-2"], []] * 9 + [[]],
        people_roles={"person-1": "profile_owner", "person-2": "secondary_person"},
        post_times=[T0 + timedelta(days=7 * i) for i in range(4)],
    )
    summary, score = behavior_summary(busy, now)
    assert summary["stories_per_week"] == 7.0
    assert summary["peak_hours_utc"] == [21]  # 12:00 + 9 h
    assert summary["video_share"] == 0.25
    assert summary["median_days_between_posts"] == 7.0
    assert summary["recurring_people"][0] == {"label": "person-1", "role": "profile_owner", "stories": 18}
    quiet_summary, quiet = behavior_summary(
        StoryActivity([T0 - timedelta(days=60)], ["photo"], [[]], {}, []), now
    )
    assert quiet_summary["stories_per_week"] == 0
    assert quiet == 0.0
    assert 0.7 < score <= 1


def test_estimates_need_confidence_and_evidence() -> None:
    assert accepted(Estimate(value="25-34", confidence=0.9, evidence=["27 y/o"])) == "25-34"
    assert accepted(Estimate(value="25-34", confidence=0.5, evidence=["27 y/o"])) is None
    assert accepted(Estimate(value="female", confidence=0.95, evidence=[])) is None
    assert accepted(Estimate(value=None, confidence=0.0, evidence=[])) is None
    write = demographics_projection(
        7,
        Demographics(
            age=Estimate(value="25-34", confidence=0.9, evidence=["I'm 27"]),
            gender=Estimate(value="female", confidence=0.4, evidence=["Maria"]),
            location=Estimate(value="Lisbon", confidence=0.85, evidence=["📍 Lisbon"]),
            persona_summary=None,
        ),
    )
    assert (write.age, write.gender, write.location) == ("25-34", None, "Lisbon")
    assert write.estimates["gender"] == {
        "value": "female",
        "confidence": 0.4,
        "evidence": ["Maria"],
        "accepted": False,
    }


def test_post_task_reads_the_stored_picture_and_skips_empty_posts(tmp_path: Path) -> None:
    picture = tmp_path / "abc.jpg"
    picture.write_bytes(b"\xff\xd8")
    task = post_task(
        _post(media_sha256="abc", media_content_type="image/jpeg"), lambda sha, ct: tmp_path / f"{sha}.jpg"
    )
    assert task is not None
    assert task.images[0].path == picture
    assert task.analyzable_type == "instagram_profile_post"
    missing = post_task(
        _post(media_sha256="zzz", media_content_type="image/jpeg"), lambda sha, ct: tmp_path / "no.jpg"
    )
    assert missing is not None
    assert missing.images == ()
    assert post_task(_post(caption="  ", faces_count=None), lambda sha, ct: tmp_path / "no.jpg") is None
    assert post_task(_post(caption=None, faces_count=2), lambda sha, ct: tmp_path / "no.jpg") is not None


def test_profile_task_needs_something_of_its_own() -> None:
    bare = ProfileForInsight(3, "bob", None, None, None, None, None, None, None, 10, 10, 0, None)
    assert profile_task(bare, None, None, []) is None
    task = profile_task(
        bare,
        None,
        {"stories_per_week": 3.5, "posts_per_week": 0.1, "video_share": 0.33, "last_story_at": "x"},
        ["2026-11-01 photo post"],
    )
    # bands, not rates: a day passing does not change the input unless a habit changed
    assert task is not None
    assert task.data.behavior == {
        "stories": "several a week",
        "posts": "occasional",
        "video_share": 0.3,
    }
    same = profile_task(
        bare,
        None,
        {"stories_per_week": 3.0, "posts_per_week": 0.2, "video_share": 0.31},
        ["2026-11-01 photo post"],
    )
    assert same is not None
    assert same.text == task.text
