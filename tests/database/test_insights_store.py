"""The AI/insight store on real SQLite and PostgreSQL: provider settings, analyses with their calls and
projections (one transaction), the cache, and what the insight assets read."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError

from ig_resources.database import DatabaseResource, SecretKeyError, generate_key
from ig_resources.database.models import (
    AIAnalysis,
    AIApiCall,
    AIProviderSetting,
    InstagramPostEntity,
    InstagramPostInsight,
    InstagramProfile,
    InstagramProfilePost,
    InstagramProfileSignalEvidence,
    InstagramStory,
    InstagramStoryFace,
)
from ig_resources.records import (
    AnalysisWrite,
    ApiCallWrite,
    BehaviorWrite,
    ChunkWrite,
    CommentScanWrite,
    CommentWrite,
    DemographicsWrite,
    FaceAssignment,
    FaceScan,
    FaceWrite,
    FollowGraphWrite,
    MediaResult,
    MessageStrategyWrite,
    PersonWrite,
    PostInsightWrite,
    PostScanWrite,
    PostWrite,
    ProfileInsightWrite,
    StoryWrite,
)

from .test_database import cookies, profile

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
SHA = "a" * 64
POST, PROFILE = "instagram_profile_post", "instagram_profile"


@dataclass
class Seeded:
    account_id: int
    #: username -> profile id
    profiles: dict[str, int]
    #: shortcode -> post id
    posts: dict[str, int]
    #: story_id -> row id
    stories: dict[str, int]
    #: label -> person id
    people: dict[str, int]


def post(
    code: str,
    media_type: int,
    taken_at: datetime | None,
    caption: str | None,
    likes: int = 0,
    comments: int = 0,
) -> PostWrite:
    return PostWrite(
        code,
        f"pk{code}",
        media_type,
        None,
        f"https://www.instagram.com/p/{code}/",
        None,
        None,
        caption,
        "en",
        likes,
        comments,
        None,
        taken_at,
        {},
    )


def face(index: int, *, prominent: bool = False) -> FaceWrite:
    return FaceWrite(
        index, [0, 0, 10, 10], 0.99, [[1, 1]] * 5, 80.0, None, [1.0, 0.0], "test", 2, True, prominent
    )


def seed(db: DatabaseResource) -> Seeded:
    """alice's network: user1 (posts A photo, B video, C undated carousel; two stories with people),
    user2 (post D; comments under A), user3 (no ig id on its comment: matched by username)."""
    account_id = db.accounts.register("alice", cookies()).id
    run = db.runs.open(account_id, "follow_graph", None)
    db.graph.apply_follow_graph(
        account_id,
        run,
        FollowGraphWrite(profiles=[profile(1), profile(2), profile(3)]),
        expected_version=None,
        stats={},
    )
    with db.session() as s:
        profiles = dict(s.execute(select(InstagramProfile.username, InstagramProfile.id)).all())
        s.execute(
            update(InstagramProfile).where(InstagramProfile.username == "user1").values(follower_count=1000)
        )
    u1, u2 = profiles["user1"], profiles["user2"]
    db.content.apply_post_scan(
        account_id,
        PostScanWrite(
            posts={
                u1: [
                    post("A", 1, T0 + timedelta(days=1), "Beach day", likes=10, comments=25),
                    post("B", 2, T0 + timedelta(days=2), None, likes=3),
                    post("C", 8, None, "undated"),
                ],
                u2: [post("D", 1, T0 + timedelta(days=3), "Hello there")],
            }
        ),
    )
    with db.session() as s:
        posts = dict(s.execute(select(InstagramProfilePost.shortcode, InstagramProfilePost.id)).all())
    media = MediaResult(posts["A"], "succeeded", None, SHA, "image/jpeg", 100)
    db.content.apply_post_media(account_id, [media], [])
    scan = FaceScan(posts["A"], u1, [face(0, prominent=True), face(1)])
    db.faces.apply_face_scans(account_id, "post", [scan])
    comments = [
        CommentWrite(str(i), f"comment {i}", f"fan{i}", f"9{i}", T0 + timedelta(days=1, minutes=i), 0)
        for i in range(25)
    ]
    comments[3] = CommentWrite("3", "lovely", "user2", "2", T0 + timedelta(days=1, minutes=3), 0)
    comments[5] = CommentWrite("5", "nice one", "USER3", None, T0 + timedelta(days=1, minutes=5), 0)
    db.content.apply_comment_scan(account_id, CommentScanWrite(comments={posts["A"]: comments[::-1]}))

    db.stories.apply_stories(
        account_id,
        [
            StoryWrite(u1, "s1", 1, T0 + timedelta(hours=1), None, None, None, None, None),
            StoryWrite(u1, "s2", 2, T0 + timedelta(hours=5), None, None, None, None, None),
        ],
    )
    with db.session() as s:
        stories = dict(s.execute(select(InstagramStory.story_id, InstagramStory.id)).all())
    db.faces.apply_face_scans(
        account_id,
        "story",
        [FaceScan(stories["s1"], u1, [face(0), face(1), face(2)]), FaceScan(stories["s2"], u1, [face(0)])],
    )
    with db.session() as s:
        faces = {
            (sid, i): fid
            for fid, sid, i in s.execute(
                select(
                    InstagramStoryFace.id,
                    InstagramStoryFace.instagram_story_id,
                    InstagramStoryFace.face_index,
                )
            )
        }
    people = [
        PersonWrite(None, label, role, [1.0, 0.0], "test", 1, None, None, {})
        for label, role in (
            ("person-1", "profile_owner"),
            ("person-2", "secondary_person"),
            ("person-10", "primary_person"),
        )
    ]
    ids = db.people.apply_people(
        account_id,
        u1,
        people,
        [
            FaceAssignment("story", faces[(stories["s1"], 0)], "person-10", 0.9),
            FaceAssignment("story", faces[(stories["s1"], 1)], "person-1", 0.9),
            FaceAssignment("story", faces[(stories["s1"], 2)], "person-2", 0.9),
            FaceAssignment("story", faces[(stories["s2"], 0)], "person-1", 0.9),
        ],
        [],
    )
    db.people.forget_person(account_id, ids["person-2"])
    return Seeded(account_id, profiles, posts, stories, ids)


def call(status: str = "succeeded", tokens: int = 10) -> ApiCallWrite:
    return ApiCallWrite(
        "openai",
        "gpt-test",
        "chat.completions",
        "post_insight",
        tokens,
        tokens,
        2 * tokens,
        120,
        200 if status == "succeeded" else 500,
        status,
        T0,
    )


def analysis(
    kind: str,
    target: int,
    purpose: str,
    fingerprint: str,
    projection: Any = None,
    *,
    status: str = "completed",
    result: dict[str, Any] | None = None,
    **fields: Any,
) -> AnalysisWrite:
    return AnalysisWrite(
        account_id=fields.pop("account_id"),
        analyzable_type=kind,
        analyzable_id=target,
        purpose=purpose,
        provider="openai",
        model="gpt-test",
        prompt="prompt",
        prompt_version="1-abc",
        schema_version="s1",
        input_fingerprint=fingerprint,
        status=status,
        started_at=T0,
        finished_at=T0 + timedelta(seconds=2),
        response_text="{}" if status == "completed" else None,
        analysis=(result or {"answer": fingerprint}) if status == "completed" else None,
        error_message="boom" if status == "failed" else None,
        projection=projection,
        **fields,
    )


def post_insight(
    post_id: int, *entities: str, topics: tuple[str, ...] = ("beach", "summer"), sentiment: str = "positive"
) -> PostInsightWrite:
    return PostInsightWrite(
        post_id,
        "a beach",
        ["Nice!"],
        sentiment,
        0.8,
        list(topics),
        0.5,
        "en",
        [("hashtag", e, 0.9, f"#{e}") for e in entities],
    )


def count(db: DatabaseResource, model: Any, *where: Any) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


# -- provider settings -------------------------------------------------------------------------------


def test_api_key_is_stored_encrypted_and_settings_keep_their_order(database: DatabaseResource) -> None:
    database.ai.set_provider("openai", priority=10, config={"model": "gpt-4o-mini"}, api_key="sk-very-secret")
    database.ai.set_provider("heuristic", priority=1000)
    database.ai.set_provider("anthropic", priority=10, enabled=False)
    with database.engine.connect() as c:
        raw = c.execute(
            text("SELECT api_key FROM ai_provider_settings WHERE provider = 'openai'")
        ).scalar_one()
    assert raw
    assert "very-secret" not in raw
    assert database.ai.api_key("openai") == "sk-very-secret"
    assert database.ai.api_key("heuristic") is None
    assert database.ai.api_key("nobody") is None
    settings = database.ai.settings()
    assert [(r.provider, r.priority, r.enabled, r.has_api_key) for r in settings] == [
        ("anthropic", 10, False, False),
        ("openai", 10, True, True),
        ("heuristic", 1000, True, False),
    ]
    assert settings[1].config == {"model": "gpt-4o-mini"}
    assert settings[0].config == {}

    # None leaves a setting as it is.
    database.ai.set_provider("openai", enabled=False)
    (openai,) = [r for r in database.ai.settings() if r.provider == "openai"]
    assert (openai.enabled, openai.priority, openai.config, openai.has_api_key) == (
        False,
        10,
        {"model": "gpt-4o-mini"},
        True,
    )

    wrong = DatabaseResource(url=database.url, secret_key=generate_key())
    with pytest.raises(SecretKeyError, match="API key of AI provider 'openai'"):
        wrong.ai.api_key("openai")
    with pytest.raises(ValueError, match="give an API key or clear it, not both"):
        database.ai.set_provider("openai", api_key="x", clear_api_key=True)

    database.ai.set_provider("openai", clear_api_key=True)
    assert database.ai.api_key("openai") is None
    assert database.ai.remove_provider("heuristic")
    assert not database.ai.remove_provider("heuristic")
    assert count(database, AIProviderSetting) == 2


# -- analyses and projections ------------------------------------------------------------------------


def test_save_analyses_writes_rows_calls_and_projections(database: DatabaseResource) -> None:
    w = seed(database)
    acc, u1 = w.account_id, w.profiles["user1"]
    a, b = w.posts["A"], w.posts["B"]
    ids = database.ai.save_analyses(
        [
            analysis(
                POST,
                a,
                "post_insight",
                "fp-a1",
                post_insight(a, "beach", "sun"),
                account_id=acc,
                calls=[call("failed"), call()],
                attempts=2,
            ),
            analysis(
                POST, b, "post_insight", "fp-b1", status="failed", account_id=acc, calls=[call("failed")]
            ),
            analysis(
                PROFILE,
                u1,
                "profile_insight",
                "fp-p1",
                ProfileInsightWrite(
                    u1,
                    "creator",
                    "warm",
                    "replies",
                    0.7,
                    "en",
                    "A beach lover",
                    ["beach"],
                    0.8,
                    [
                        ("interest", "beach", 0.9, "Beach day", "post"),
                        ("language", "en", 0.9, "captions", "post"),
                    ],
                ),
                account_id=acc,
            ),
            analysis(
                PROFILE,
                u1,
                "message_strategy",
                "fp-m1",
                MessageStrategyWrite(
                    u1, ["beach"], ["politics"], ["be brief"], ["no spam"], ["Hi!"], ["Great shot"], 0.6
                ),
                account_id=acc,
            ),
            analysis(
                PROFILE,
                u1,
                "profile_demographics",
                "fp-d1",
                DemographicsWrite(
                    u1,
                    "25-34",
                    None,
                    "Berlin",
                    "A beach lover",
                    {"age": {"value": "25-34", "accepted": True}},
                ),
                account_id=acc,
                used_fallback=True,
                fallback_reason="openai: 500",
            ),
        ]
    )
    assert len(ids) == 5
    assert len(set(ids)) == 5
    with database.session() as s:
        calls = s.execute(
            select(AIApiCall.ai_analysis_id, AIApiCall.instagram_account_id, AIApiCall.status).order_by(
                AIApiCall.id
            )
        ).all()
        posts = {p.shortcode: p for p in s.scalars(select(InstagramProfilePost))}
        user1 = s.get(InstagramProfile, u1)
        failed_analysis = s.get(AIAnalysis, ids[1])
        s.expunge_all()
    assert [tuple(c) for c in calls] == [
        (ids[0], acc, "failed"),
        (ids[0], acc, "succeeded"),
        (ids[1], acc, "failed"),
    ]
    assert failed_analysis.status == "failed"
    assert failed_analysis.analysis is None
    assert count(database, AIAnalysis, AIAnalysis.analysis.is_(None)) == 1  # SQL NULL, not JSON null
    assert (posts["A"].ai_status, posts["A"].ai_provider, posts["A"].ai_model) == (
        "analyzed",
        "openai",
        "gpt-test",
    )
    assert posts["A"].analysis == {"answer": "fp-a1"}
    assert posts["A"].analyzed_at == T0 + timedelta(seconds=2)
    assert posts["B"].ai_status == "failed"
    assert posts["C"].ai_status is None
    assert (user1.ai_estimated_age, user1.ai_estimated_gender, user1.ai_estimated_location) == (
        "25-34",
        None,
        "Berlin",
    )
    assert user1.ai_persona_summary == "A beach lover"
    assert user1.ai_estimates_json["age"]["accepted"] is True
    assert user1.ai_last_analyzed_at == T0 + timedelta(seconds=2)

    for purpose, fp in (
        ("profile_insight", "fp-p1"),
        ("message_strategy", "fp-m1"),
        ("profile_demographics", "fp-d1"),
    ):
        assert database.insights.current_fingerprints(purpose, [u1, w.profiles["user2"]]) == {u1: fp}
    with pytest.raises(ValueError, match="unknown profile purpose 'post_insight'"):
        database.insights.current_fingerprints("post_insight", [u1])
    stored = database.insights.profile_insights_of([u1])[u1]
    assert (stored.profile_type, stored.interests, stored.fingerprint) == ("creator", ["beach"], "fp-p1")
    summary = database.insights.summary(acc)
    assert summary == {
        "post_insights": 1,
        "post_entities": 2,
        "profile_insights": 1,
        "signal_evidences": 2,
        "message_strategies": 1,
        "demographics": 1,
        "behavior_profiles": 0,
        "history_chunks": 0,
        "ai_analyses": 5,
        "ai_api_calls": 3,
        "cache_hits": 0,
        "fallbacks": 1,
        "failed_analyses": 1,
    }

    # A new analysis of A replaces its insight and its entities; a new profile insight its signals.
    database.ai.save_analyses(
        [
            analysis(
                POST, a, "post_insight", "fp-a2", post_insight(a, "surf", topics=("surf",)), account_id=acc
            ),
            analysis(
                PROFILE,
                u1,
                "profile_insight",
                "fp-p2",
                ProfileInsightWrite(
                    u1,
                    "creator",
                    "calm",
                    "replies",
                    0.6,
                    "en",
                    "A surfer",
                    ["surf"],
                    0.7,
                    [("interest", "surf", 0.9, "surf", "post")],
                ),
                account_id=acc,
            ),
        ]
    )
    with database.session() as s:
        entities = s.scalars(
            select(InstagramPostEntity.value).where(InstagramPostEntity.instagram_profile_post_id == a)
        ).all()
        topics = s.scalar(
            select(InstagramPostInsight.topics).where(InstagramPostInsight.instagram_profile_post_id == a)
        )
    assert entities == ["surf"]
    assert topics == ["surf"]
    assert (
        count(
            database,
            InstagramProfileSignalEvidence,
            InstagramProfileSignalEvidence.instagram_profile_id == u1,
        )
        == 1
    )
    assert count(database, InstagramPostInsight) == 1

    # A failed re-analysis marks the post failed and keeps the insight it had.
    database.ai.save_analyses([analysis(POST, a, "post_insight", "fp-a3", status="failed", account_id=acc)])
    with database.session() as s:
        assert (
            s.scalar(select(InstagramProfilePost.ai_status).where(InstagramProfilePost.id == a)) == "failed"
        )
        assert s.scalar(
            select(InstagramPostInsight.topics).where(InstagramPostInsight.instagram_profile_post_id == a)
        ) == ["surf"]
    by_code = {p.shortcode: p for p in database.insights.posts_for_insights(acc)}
    assert by_code["A"].current_fingerprint == "fp-a2"
    assert by_code["B"].current_fingerprint is None
    assert database.insights.current_fingerprints("profile_insight", [u1]) == {u1: "fp-p2"}


def test_a_batch_with_a_bad_item_writes_nothing(database: DatabaseResource) -> None:
    w = seed(database)
    acc, a = w.account_id, w.posts["A"]
    with pytest.raises(IntegrityError):
        database.ai.save_analyses(
            [
                analysis(
                    POST, a, "post_insight", "fp-a", post_insight(a, "beach"), account_id=acc, calls=[call()]
                ),
                analysis(POST, 999_999, "post_insight", "fp-x", post_insight(999_999, "x"), account_id=acc),
            ]
        )
    summary = database.insights.summary(acc)
    assert summary == dict.fromkeys(summary, 0)
    assert count(database, AIApiCall) == 0
    with database.session() as s:
        assert s.scalar(select(InstagramProfilePost.ai_status).where(InstagramProfilePost.id == a)) is None


def test_cached_analysis_is_always_the_original(database: DatabaseResource) -> None:
    w = seed(database)
    acc, a, b, c = w.account_id, w.posts["A"], w.posts["B"], w.posts["C"]
    (original,) = database.ai.save_analyses(
        [analysis(POST, a, "post_insight", "k1", account_id=acc, result={"answer": "first"})]
    )
    (hit,) = database.ai.save_analyses(
        [
            analysis(
                POST,
                b,
                "post_insight",
                "k1",
                account_id=acc,
                cache_hit=True,
                cached_from_ai_analysis_id=original,
                result={"answer": "first"},
            )
        ]
    )
    # A hit recorded against another hit (as a careless writer might) still leads back to the original.
    database.ai.save_analyses(
        [
            analysis(
                POST,
                c,
                "post_insight",
                "k1",
                account_id=acc,
                cache_hit=True,
                cached_from_ai_analysis_id=hit,
                result={"answer": "first"},
            ),
            analysis(POST, c, "post_insight", "k1", account_id=acc, status="failed"),
        ]
    )
    cached = database.ai.cached_analysis("k1")
    assert cached is not None
    assert (cached.id, cached.provider, cached.analysis, cached.response_text) == (
        original,
        "openai",
        {"answer": "first"},
        "{}",
    )
    assert database.ai.cached_analysis("k2") is None
    assert database.insights.summary(acc)["cache_hits"] == 2


def test_record_api_calls_without_an_analysis(database: DatabaseResource) -> None:
    w = seed(database)
    database.ai.record_api_calls(w.account_id, [call(), call("timeout")])
    database.ai.record_api_calls(None, [call()])
    database.ai.record_api_calls(w.account_id, [])
    assert count(database, AIApiCall, AIApiCall.ai_analysis_id.is_(None)) == 3
    assert database.insights.summary(w.account_id)["ai_api_calls"] == 2


# -- what the assets read ------------------------------------------------------------------------------


def test_posts_for_insights(database: DatabaseResource) -> None:
    w = seed(database)
    found = database.insights.posts_for_insights(w.account_id)
    assert [p.shortcode for p in found] == ["D", "B", "A", "C"]  # newest first, undated last
    a = next(p for p in found if p.shortcode == "A")
    assert (a.profile_id, a.owner_username, a.owner_follower_count) == (w.profiles["user1"], "user1", 1000)
    assert (a.media_type, a.caption, a.likes_count, a.comments_count) == (1, "Beach day", 10, 25)
    assert (a.faces_count, a.prominent_faces, a.media_sha256, a.media_content_type) == (
        2,
        1,
        SHA,
        "image/jpeg",
    )
    assert len(a.comments) == 20
    assert a.comments[:4] == ["comment 0", "comment 1", "comment 2", "lovely"]
    assert a.comments[-1] == "comment 19"
    assert a.current_fingerprint is None
    d = next(p for p in found if p.shortcode == "D")
    assert (d.comments, d.prominent_faces, d.media_sha256, d.media_content_type, d.owner_follower_count) == (
        [],
        0,
        None,
        None,
        None,
    )


def test_profiles_and_post_insight_summaries(database: DatabaseResource) -> None:
    w = seed(database)
    acc, u1, u2 = w.account_id, w.profiles["user1"], w.profiles["user2"]
    assert [p.username for p in database.insights.profiles_for_insights(acc)] == ["user1", "user2", "user3"]
    assert [p.id for p in database.insights.profiles_for_insights(acc, [u2, 12345])] == [u2]
    database.ai.save_analyses(
        [
            analysis(POST, w.posts["A"], "post_insight", "a", post_insight(w.posts["A"]), account_id=acc),
            analysis(
                POST,
                w.posts["B"],
                "post_insight",
                "b",
                post_insight(w.posts["B"], topics=("surf", "beach"), sentiment="negative"),
                account_id=acc,
            ),
        ]
    )
    summaries = database.insights.post_insight_summaries([u1, u2, w.profiles["user3"]])
    assert set(summaries) == {u1, u2}
    s1 = summaries[u1]
    assert s1.topics == {"beach": 2, "summer": 1, "surf": 1}
    assert s1.sentiments == {"negative": 1, "positive": 1}
    assert s1.negative_topics == ["beach", "surf"]
    assert s1.recent_captions == ["Beach day", "undated"]  # B has no caption; undated last
    assert summaries[u2].topics == {}
    assert summaries[u2].recent_captions == ["Hello there"]


def test_history_entries(database: DatabaseResource) -> None:
    w = seed(database)
    acc = w.account_id
    database.ai.save_analyses(
        [analysis(POST, w.posts["A"], "post_insight", "a", post_insight(w.posts["A"]), account_id=acc)]
    )
    history = database.history.history_entries(acc)
    u1 = [(e.kind, e.text) for e in history[w.profiles["user1"]]]
    assert u1 == [
        ("story", "photo story, with person-1, person-10"),  # person-2 is not tracked
        ("story", "video story, with person-1"),
        ("post", "photo post: Beach day — topics: beach, summer; sentiment: positive"),
        ("post", "video post: (no caption)"),
    ]  # C has no date: not in a history
    assert [(e.kind, e.text) for e in history[w.profiles["user2"]]] == [
        ("comment", "commented on @user1's post: lovely"),
        ("post", "photo post: Hello there"),
    ]
    assert [(e.kind, e.text) for e in history[w.profiles["user3"]]] == [
        ("comment", "commented on @user1's post: nice one")
    ]
    assert all(a.at <= b.at for entries in history.values() for a, b in itertools.pairwise(entries))


def test_history_chunks_replace_and_fit_the_word_budget(database: DatabaseResource) -> None:
    w = seed(database)
    acc, u1, u2 = w.account_id, w.profiles["user1"], w.profiles["user2"]

    def chunk(seq: int, words: int) -> ChunkWrite:
        return ChunkWrite(
            seq,
            " ".join([f"w{seq}"] * words),
            words,
            2,
            T0 + timedelta(days=seq),
            T0 + timedelta(days=seq, hours=1),
        )

    chunks = {u1: [chunk(0, 50), chunk(1, 40), chunk(2, 30)], u2: [chunk(0, 500)]}
    assert database.history.replace_history_chunks(acc, chunks) == 2
    assert database.history.replace_history_chunks(acc, chunks) == 0  # identical: untouched
    assert database.history.replace_history_chunks(acc, {u1: chunks[u1], u2: [chunk(0, 400)]}) == 1
    assert database.insights.summary(acc)["history_chunks"] == 4

    got = database.history.history_chunks([u1, u2, w.profiles["user3"]], max_words=75)
    assert got[u1] == [chunk(1, 40).content, chunk(2, 30).content]  # the newest that fit, oldest first
    assert got[u2] == [chunk(0, 400).content]  # always at least the newest
    assert w.profiles["user3"] not in got
    assert len(database.history.history_chunks([u1], max_words=1000)[u1]) == 3

    assert database.history.replace_history_chunks(acc, {u1: []}) == 1
    assert u1 not in database.history.history_chunks([u1], max_words=1000)


def test_story_activity_and_behavior_profiles(database: DatabaseResource) -> None:
    w = seed(database)
    acc, u1, u2 = w.account_id, w.profiles["user1"], w.profiles["user2"]
    activity = database.insights.story_activity(acc)
    assert set(activity) == {u1, u2}
    a1 = activity[u1]
    assert a1.story_times == [T0 + timedelta(hours=1), T0 + timedelta(hours=5)]
    assert a1.story_media == ["photo", "video"]
    assert a1.story_people == [["person-1", "person-10"], ["person-1"]]
    assert a1.people_roles == {"person-1": "profile_owner", "person-10": "primary_person"}
    assert a1.post_times == [T0 + timedelta(days=1), T0 + timedelta(days=2)]
    assert activity[u2].story_times == []
    assert activity[u2].post_times == [T0 + timedelta(days=3)]

    rows = [
        BehaviorWrite(u1, {"stories_total": 2, "peak_hours_utc": (13, 17), "weekdays": {"Sun": 2}}, 0.4),
        BehaviorWrite(u2, {"stories_total": 0, "video_share": None}, 0.1),
    ]
    assert database.insights.save_behavior_profiles(acc, rows) == 2
    assert database.insights.save_behavior_profiles(acc, rows) == 0  # unchanged: not rewritten
    assert (
        database.insights.save_behavior_profiles(
            acc, [BehaviorWrite(u2, {"stories_total": 0, "video_share": None}, 0.2)]
        )
        == 1
    )
    summaries = database.insights.behavior_summaries([u1, u2, w.profiles["user3"]])
    assert summaries == {
        u1: {"stories_total": 2, "peak_hours_utc": [13, 17], "weekdays": {"Sun": 2}},
        u2: {"stories_total": 0, "video_share": None},
    }
    assert database.insights.summary(acc)["behavior_profiles"] == 2
