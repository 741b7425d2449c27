"""AI and insight tables (seed 004 "AI and Insight Tables")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..types import JSONType
from .base import Base, Timestamps, utcnow


class AIProviderSetting(Timestamps, Base):
    """Which AI providers may answer, in which order, with their configuration."""

    __tablename__ = "ai_provider_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(64), unique=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    #: lower answers first
    priority: Mapped[int] = mapped_column(Integer, default=100)
    config: Mapped[dict[str, Any] | None]
    api_key: Mapped[str | None] = mapped_column(Text)  # Fernet token, never plaintext


class AIAnalysis(Base):
    """One AI inference (seed 004): what was asked of which provider, what came back, and how well."""

    __tablename__ = "ai_analyses"
    __table_args__ = (
        Index("ix_ai_analyses_target", "analyzable_type", "analyzable_id", "purpose"),
        Index("ix_ai_analyses_fingerprint_status", "input_fingerprint", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_account_id: Mapped[int] = mapped_column(
        ForeignKey("instagram_accounts.id", ondelete="CASCADE"), index=True
    )
    #: polymorphic target: "instagram_profile_post" or "instagram_profile", and its id
    analyzable_type: Mapped[str] = mapped_column(String(64))
    analyzable_id: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(String(64))
    provider: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(128))
    prompt: Mapped[str | None] = mapped_column(Text)
    response_text: Mapped[str | None] = mapped_column(Text)
    analysis: Mapped[dict[str, Any] | None]
    #: queued | running | completed | failed
    status: Mapped[str] = mapped_column(String(16), default="queued")
    error_message: Mapped[str | None] = mapped_column(Text)
    #: the cache key: the same input, prompt, schema and model give the same fingerprint
    input_fingerprint: Mapped[str] = mapped_column(String(64))
    media_fingerprint: Mapped[str | None] = mapped_column(String(64))
    cache_hit: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the original analysis a cache hit reused (never itself a cache hit)
    cached_from_ai_analysis_id: Mapped[int | None] = mapped_column(
        ForeignKey("ai_analyses.id", ondelete="SET NULL")
    )
    confidence_score: Mapped[float | None] = mapped_column(Float)
    evidence_count: Mapped[int | None] = mapped_column(Integer)
    signals_detected_count: Mapped[int | None] = mapped_column(Integer)
    input_completeness_score: Mapped[float | None] = mapped_column(Float)
    prompt_version: Mapped[str | None] = mapped_column(String(32))
    schema_version: Mapped[str | None] = mapped_column(String(32))
    used_fallback: Mapped[bool] = mapped_column(Boolean, default=False)
    fallback_reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AIApiCall(Base):
    """One HTTP call to an AI provider: usage, latency and outcome (rate-limit windows read it)."""

    __tablename__ = "ai_api_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("instagram_accounts.id", ondelete="CASCADE"), index=True
    )
    ai_analysis_id: Mapped[int | None] = mapped_column(
        ForeignKey("ai_analyses.id", ondelete="SET NULL"), index=True
    )
    provider: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(128))
    operation: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(64))
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    total_tokens: Mapped[int] = mapped_column(Integer, default=0)
    request_units: Mapped[int] = mapped_column(Integer, default=1)
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    http_status: Mapped[int | None] = mapped_column(Integer)
    #: succeeded | failed | invalid_output | timeout
    status: Mapped[str] = mapped_column(String(16))
    error_message: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    #: the Dagster run that made it: a run's budget counts the calls of all its steps
    dagster_run_id: Mapped[str | None] = mapped_column(String(64), index=True)


class InstagramPostInsight(Timestamps, Base):
    """What a post shows and how it lands (projected from its newest completed analysis)."""

    __tablename__ = "instagram_post_insights"

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_account_id: Mapped[int] = mapped_column(ForeignKey("instagram_accounts.id", ondelete="CASCADE"))
    instagram_profile_post_id: Mapped[int] = mapped_column(
        ForeignKey("instagram_profile_posts.id", ondelete="CASCADE"), unique=True
    )
    ai_analysis_id: Mapped[int | None] = mapped_column(ForeignKey("ai_analyses.id", ondelete="SET NULL"))
    image_description: Mapped[str | None] = mapped_column(Text)
    comment_suggestions: Mapped[list[str] | None] = mapped_column(JSONType)
    #: positive | neutral | negative | mixed
    sentiment: Mapped[str | None] = mapped_column(String(16))
    sentiment_score: Mapped[float | None] = mapped_column(Float)
    topics: Mapped[list[str] | None] = mapped_column(JSONType)
    engagement_score: Mapped[float | None] = mapped_column(Float)
    language: Mapped[str | None] = mapped_column(String(8))
    provider: Mapped[str | None] = mapped_column(String(64))
    model: Mapped[str | None] = mapped_column(String(128))
    analyzed_at: Mapped[datetime | None]


class InstagramPostEntity(Base):
    """Something a post names (person, @mention, #hashtag, brand, place, ...) with its evidence."""

    __tablename__ = "instagram_post_entities"

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_account_id: Mapped[int] = mapped_column(ForeignKey("instagram_accounts.id", ondelete="CASCADE"))
    instagram_profile_post_id: Mapped[int] = mapped_column(
        ForeignKey("instagram_profile_posts.id", ondelete="CASCADE"), index=True
    )
    ai_analysis_id: Mapped[int | None] = mapped_column(ForeignKey("ai_analyses.id", ondelete="SET NULL"))
    entity_type: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float | None] = mapped_column(Float)
    evidence_text: Mapped[str | None] = mapped_column(Text)


class InstagramProfileInsight(Timestamps, Base):
    """Who a profile is: type, tone, engagement style, messageability, language, persona, interests."""

    __tablename__ = "instagram_profile_insights"

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_account_id: Mapped[int] = mapped_column(ForeignKey("instagram_accounts.id", ondelete="CASCADE"))
    instagram_profile_id: Mapped[int] = mapped_column(
        ForeignKey("instagram_profiles.id", ondelete="CASCADE"), unique=True
    )
    ai_analysis_id: Mapped[int | None] = mapped_column(ForeignKey("ai_analyses.id", ondelete="SET NULL"))
    profile_type: Mapped[str | None] = mapped_column(String(64))
    tone: Mapped[str | None] = mapped_column(String(64))
    engagement_style: Mapped[str | None] = mapped_column(String(64))
    messageability_score: Mapped[float | None] = mapped_column(Float)
    primary_language: Mapped[str | None] = mapped_column(String(8))
    persona_summary: Mapped[str | None] = mapped_column(Text)
    interests: Mapped[list[str] | None] = mapped_column(JSONType)
    confidence: Mapped[float | None] = mapped_column(Float)
    provider: Mapped[str | None] = mapped_column(String(64))
    model: Mapped[str | None] = mapped_column(String(128))
    analyzed_at: Mapped[datetime | None]


class InstagramProfileSignalEvidence(Base):
    """One signal a profile analysis used, with the evidence and where it was found."""

    __tablename__ = "instagram_profile_signal_evidences"

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_account_id: Mapped[int] = mapped_column(ForeignKey("instagram_accounts.id", ondelete="CASCADE"))
    instagram_profile_id: Mapped[int] = mapped_column(
        ForeignKey("instagram_profiles.id", ondelete="CASCADE"), index=True
    )
    ai_analysis_id: Mapped[int | None] = mapped_column(ForeignKey("ai_analyses.id", ondelete="SET NULL"))
    signal_type: Mapped[str] = mapped_column(String(64))
    value: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[float | None] = mapped_column(Float)
    evidence_text: Mapped[str | None] = mapped_column(Text)
    #: bio | post | story | comment | history | metadata
    source_type: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InstagramProfileMessageStrategy(Timestamps, Base):
    """Guidance for a person writing to a profile: topics, dos and don'ts, templates. Nothing is sent."""

    __tablename__ = "instagram_profile_message_strategies"

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_account_id: Mapped[int] = mapped_column(ForeignKey("instagram_accounts.id", ondelete="CASCADE"))
    instagram_profile_id: Mapped[int] = mapped_column(
        ForeignKey("instagram_profiles.id", ondelete="CASCADE"), unique=True
    )
    ai_analysis_id: Mapped[int | None] = mapped_column(ForeignKey("ai_analyses.id", ondelete="SET NULL"))
    best_topics: Mapped[list[str] | None] = mapped_column(JSONType)
    avoid_topics: Mapped[list[str] | None] = mapped_column(JSONType)
    dos: Mapped[list[str] | None] = mapped_column(JSONType)
    donts: Mapped[list[str] | None] = mapped_column(JSONType)
    opener_templates: Mapped[list[str] | None] = mapped_column(JSONType)
    comment_templates: Mapped[list[str] | None] = mapped_column(JSONType)
    confidence: Mapped[float | None] = mapped_column(Float)
    provider: Mapped[str | None] = mapped_column(String(64))
    model: Mapped[str | None] = mapped_column(String(128))
    analyzed_at: Mapped[datetime | None]


class InstagramProfileBehaviorProfile(Timestamps, Base):
    """How a profile uses stories and posts, summarised, with an activity score (one per profile)."""

    __tablename__ = "instagram_profile_behavior_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_account_id: Mapped[int] = mapped_column(ForeignKey("instagram_accounts.id", ondelete="CASCADE"))
    instagram_profile_id: Mapped[int] = mapped_column(
        ForeignKey("instagram_profiles.id", ondelete="CASCADE"), unique=True
    )
    behavioral_summary: Mapped[dict[str, Any] | None]
    activity_score: Mapped[float | None] = mapped_column(Float)
    computed_at: Mapped[datetime | None]


class InstagramProfileHistoryChunk(Base):
    """A profile's narrative history, in ordered chunks of dated lines (context for the analyses)."""

    __tablename__ = "instagram_profile_history_chunks"
    __table_args__ = (UniqueConstraint("instagram_profile_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_account_id: Mapped[int] = mapped_column(ForeignKey("instagram_accounts.id", ondelete="CASCADE"))
    instagram_profile_id: Mapped[int] = mapped_column(ForeignKey("instagram_profiles.id", ondelete="CASCADE"))
    sequence: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    word_count: Mapped[int] = mapped_column(Integer)
    entry_count: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
