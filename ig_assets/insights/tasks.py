"""From stored rows to analysis tasks, and from answers to the rows they project: pure."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ig_resources.ai.provider import ImageInput, Task
from ig_resources.ai.schemas import (
    DEMOGRAPHICS,
    MESSAGE_STRATEGY,
    POST_INSIGHT,
    PROFILE_INSIGHT,
    Demographics,
    DemographicsInput,
    MessageStrategy,
    PostInput,
    PostInsight,
    ProfileInput,
    ProfileInsight,
    StrategyInput,
)
from ig_resources.records import (
    DemographicsWrite,
    MessageStrategyWrite,
    PostForInsight,
    PostInsightSummary,
    PostInsightWrite,
    ProfileForInsight,
    ProfileInsightWrite,
    StoredProfileInsight,
    media_kind,
)

from .rules import accepted, behavior_digest, engagement_score

POST = "instagram_profile_post"
PROFILE = "instagram_profile"


def post_task(post: PostForInsight, image_path: Callable[[str, str], Path]) -> Task | None:
    """The post's analysis, with its stored picture; None when there is nothing to read."""
    images: tuple[ImageInput, ...] = ()
    if post.media_sha256 and (post.media_content_type or "").startswith("image/"):
        path = image_path(post.media_sha256, post.media_content_type or "")
        if path.exists():
            images = (ImageInput(path, post.media_content_type or "", post.media_sha256),)
    if not (post.caption or "").strip() and not images and post.faces_count is None:
        return None
    data = PostInput(
        shortcode=post.shortcode,
        owner_username=post.owner_username,
        media_type=media_kind(post.media_type, post.product_type),  # type: ignore[arg-type]
        taken_at=post.taken_at,
        caption=post.caption,
        caption_lang=post.caption_lang,
        faces_count=post.faces_count,
        prominent_faces=post.prominent_faces,
        comments=post.comments,
    )
    return Task(POST_INSIGHT, POST, post.id, data, images)


def post_projection(post: PostForInsight, answer: PostInsight) -> PostInsightWrite:
    return PostInsightWrite(
        post_id=post.id,
        image_description=answer.image_description,
        comment_suggestions=answer.comment_suggestions,
        sentiment=answer.sentiment,
        sentiment_score=answer.sentiment_score,
        topics=_unique(answer.topics),
        engagement_score=engagement_score(post.likes_count, post.comments_count, post.owner_follower_count),
        language=answer.language,
        entities=[(e.entity_type, e.value, e.confidence, e.evidence_text) for e in answer.entities],
    )


def profile_task(
    profile: ProfileForInsight,
    summary: PostInsightSummary | None,
    behavior: dict[str, Any] | None,
    history: list[str],
) -> Task | None:
    """The profile's analysis; None when it has nothing of its own to read."""
    if not ((profile.bio or "").strip() or (summary and summary.topics) or history):
        return None
    data = ProfileInput(
        username=profile.username,
        display_name=profile.display_name,
        bio=profile.bio,
        category=profile.category,
        is_business=profile.is_business,
        is_verified=profile.is_verified,
        is_private=profile.is_private,
        external_url=profile.external_url,
        follower_count=profile.follower_count,
        following_count=profile.following_count,
        media_count=profile.media_count,
        primary_language=profile.primary_language,
        post_topics=summary.topics if summary else {},
        post_sentiments=summary.sentiments if summary else {},
        behavior=behavior_digest(behavior) if behavior else None,
        history=history,
    )
    return Task(PROFILE_INSIGHT, PROFILE, profile.id, data)


def profile_projection(profile_id: int, answer: ProfileInsight) -> ProfileInsightWrite:
    return ProfileInsightWrite(
        profile_id=profile_id,
        profile_type=answer.profile_type,
        tone=answer.tone,
        engagement_style=answer.engagement_style,
        messageability_score=answer.messageability_score,
        primary_language=answer.primary_language,
        persona_summary=answer.persona_summary,
        interests=_unique(answer.interests),
        confidence=answer.confidence,
        signals=[
            (s.signal_type, s.value, s.confidence, s.evidence_text, s.source_type) for s in answer.signals
        ],
    )


def strategy_task(
    profile: ProfileForInsight, insight: StoredProfileInsight, summary: PostInsightSummary | None
) -> Task:
    data = StrategyInput(
        username=profile.username,
        display_name=profile.display_name,
        profile_type=insight.profile_type,
        tone=insight.tone,
        engagement_style=insight.engagement_style,
        primary_language=insight.primary_language or profile.primary_language,
        interests=insight.interests,
        post_topics=summary.topics if summary else {},
        negative_topics=summary.negative_topics if summary else [],
        recent_captions=summary.recent_captions if summary else [],
    )
    return Task(MESSAGE_STRATEGY, PROFILE, profile.id, data)


def strategy_projection(profile_id: int, answer: MessageStrategy) -> MessageStrategyWrite:
    return MessageStrategyWrite(
        profile_id=profile_id,
        best_topics=answer.best_topics,
        avoid_topics=answer.avoid_topics,
        dos=answer.dos,
        donts=answer.donts,
        opener_templates=answer.opener_templates,
        comment_templates=answer.comment_templates,
        confidence=answer.confidence,
    )


def demographics_task(
    profile: ProfileForInsight, summary: PostInsightSummary | None, history: list[str]
) -> Task | None:
    captions = summary.recent_captions if summary else []
    if not ((profile.bio or "").strip() or captions or history):
        return None
    data = DemographicsInput(
        username=profile.username,
        display_name=profile.display_name,
        bio=profile.bio,
        category=profile.category,
        primary_language=profile.primary_language,
        captions=captions,
        history=history,
    )
    return Task(DEMOGRAPHICS, PROFILE, profile.id, data)


def demographics_projection(profile_id: int, answer: Demographics) -> DemographicsWrite:
    """Only estimates with enough confidence and evidence reach the profile; all are kept as they came."""
    kept = {name: accepted(getattr(answer, name)) for name in ("age", "gender", "location")}
    return DemographicsWrite(
        profile_id=profile_id,
        age=kept["age"],
        gender=kept["gender"],
        location=kept["location"],
        persona_summary=answer.persona_summary,
        estimates={
            name: {**getattr(answer, name).model_dump(), "accepted": kept[name] is not None} for name in kept
        },
    )


def _unique(values: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if (v := value.strip().lower()) and v not in seen:
            seen[v] = None
    return list(seen)
