"""The follow graph: profiles, snapshots, tags, action log, conversation peers, events and media blobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..types import JSONType
from .base import Base, Timestamps, utcnow


class InstagramProfile(Timestamps, Base):
    """One Instagram user within one managed account's network."""

    __tablename__ = "instagram_profiles"
    __table_args__ = (
        UniqueConstraint("instagram_account_id", "username"),
        UniqueConstraint("instagram_account_id", "ig_user_id"),
        Index("ix_instagram_profiles_account_flags", "instagram_account_id", "following", "follows_you"),
        Index("ix_instagram_profiles_account_refreshed", "instagram_account_id", "details_refreshed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_account_id: Mapped[int] = mapped_column(ForeignKey("instagram_accounts.id", ondelete="CASCADE"))
    username: Mapped[str] = mapped_column(String(64))
    ig_user_id: Mapped[str | None] = mapped_column(String(32))
    display_name: Mapped[str | None] = mapped_column(Text)
    bio: Mapped[str | None] = mapped_column(Text)
    profile_pic_url: Mapped[str | None] = mapped_column(Text)
    is_private: Mapped[bool | None]
    is_verified: Mapped[bool | None]

    following: Mapped[bool] = mapped_column(Boolean, default=False)
    follows_you: Mapped[bool] = mapped_column(Boolean, default=False)
    # The sync run that last saw this profile in a follow list.
    follow_graph_sync_run_id: Mapped[int | None] = mapped_column(Integer)

    dm_interaction_state: Mapped[str] = mapped_column(String(32), default="unknown")
    dm_interaction_reason: Mapped[str | None] = mapped_column(Text)
    dm_interaction_retry_after_at: Mapped[datetime | None]
    story_interaction_state: Mapped[str] = mapped_column(String(32), default="unknown")
    story_interaction_reason: Mapped[str | None] = mapped_column(Text)
    story_interaction_retry_after_at: Mapped[datetime | None]
    last_story_seen_at: Mapped[datetime | None]

    # Profile refresh (seed 000 §2): the snapshot of the last `profile_details` fetch.
    external_url: Mapped[str | None] = mapped_column(Text)
    follower_count: Mapped[int | None] = mapped_column(Integer)
    following_count: Mapped[int | None] = mapped_column(Integer)
    media_count: Mapped[int | None] = mapped_column(Integer)
    last_post_at: Mapped[datetime | None]
    is_business: Mapped[bool | None]
    category: Mapped[str | None] = mapped_column(String(128))
    details_refreshed_at: Mapped[datetime | None]
    #: ok | not_found | malformed: the outcome of the last refresh, with the reason when not ok
    details_status: Mapped[str | None] = mapped_column(String(32))
    details_error: Mapped[str | None] = mapped_column(Text)
    # Failed sends so far: the messageability rule grows the retry window with them.
    dm_interaction_failures: Mapped[int] = mapped_column(Integer, default=0)
    story_interaction_failures: Mapped[int] = mapped_column(Integer, default=0)
    avatar_url_fingerprint: Mapped[str | None] = mapped_column(String(64))
    avatar_synced_at: Mapped[datetime | None]
    avatar_sha256: Mapped[str | None] = mapped_column(String(64))
    #: why the trust policy refused the current avatar (None when stored or not yet tried)
    avatar_skip_reason: Mapped[str | None] = mapped_column(Text)
    #: the largest face of the stored avatar (its sha256 says which file), for the owner role
    avatar_face_sha256: Mapped[str | None] = mapped_column(String(64))
    avatar_face_embedding: Mapped[list[float] | None] = mapped_column(JSONType)
    #: raw JSON of what was parsed (`instagram`: the trimmed profile body), as seed 004 keeps metadata
    metadata_json: Mapped[dict[str, Any] | None] = mapped_column("metadata")
    # Content scans (`profile_posts`): when, and why not when skipped.
    posts_scanned_at: Mapped[datetime | None]
    posts_scan_status: Mapped[str | None] = mapped_column(String(64))
    #: the language most of its captions are in (ISO 639-1), seed 001's caption languages
    primary_language: Mapped[str | None] = mapped_column(String(8))
    #: when `discovered_accounts` last asked for the accounts related to this one
    related_scanned_at: Mapped[datetime | None]
    #: the first published e-mail (seed 001's `ig_email`), and all of them with where each was found
    ig_email: Mapped[str | None] = mapped_column(String(320))
    emails_json: Mapped[list[dict[str, str]] | None] = mapped_column("emails", JSONType)
    # AI estimates (seed 004, `profile_demographics`): only what passed the evidence threshold; None
    # means "not estimated", never a guess. `ai_estimates` keeps every estimate as it came.
    ai_estimated_age: Mapped[str | None] = mapped_column(String(16))
    ai_estimated_gender: Mapped[str | None] = mapped_column(String(32))
    ai_estimated_location: Mapped[str | None] = mapped_column(Text)
    ai_persona_summary: Mapped[str | None] = mapped_column(Text)
    ai_last_analyzed_at: Mapped[datetime | None]
    ai_estimates_json: Mapped[dict[str, Any] | None] = mapped_column("ai_estimates", JSONType)


class InstagramProfileSnapshot(Base):
    """Counts of a profile at each refresh: the history growth is computed from."""

    __tablename__ = "instagram_profile_snapshots"
    __table_args__ = (UniqueConstraint("instagram_profile_id", "captured_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_profile_id: Mapped[int] = mapped_column(ForeignKey("instagram_profiles.id", ondelete="CASCADE"))
    captured_at: Mapped[datetime]
    follower_count: Mapped[int | None] = mapped_column(Integer)
    following_count: Mapped[int | None] = mapped_column(Integer)
    media_count: Mapped[int | None] = mapped_column(Integer)
    last_post_at: Mapped[datetime | None]


class ProfileTag(Base):
    """A tag profiles can carry (seed 004), e.g. `profile_scan_excluded`, `automatic_reply`."""

    __tablename__ = "profile_tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InstagramProfileTagging(Base):
    """A tag on a profile; `source` is `policy` (set and cleared by a rule) or `manual` (a person's)."""

    __tablename__ = "instagram_profile_taggings"
    __table_args__ = (UniqueConstraint("instagram_profile_id", "profile_tag_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_profile_id: Mapped[int] = mapped_column(ForeignKey("instagram_profiles.id", ondelete="CASCADE"))
    profile_tag_id: Mapped[int] = mapped_column(ForeignKey("profile_tags.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(16), default="policy")
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InstagramProfileActionLog(Base):
    """Per-profile action audit trail (seed 004): every fetch, download or skip, with its outcome."""

    __tablename__ = "instagram_profile_action_logs"
    __table_args__ = (
        Index("ix_instagram_profile_action_logs_profile_action", "instagram_profile_id", "action"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_account_id: Mapped[int] = mapped_column(ForeignKey("instagram_accounts.id", ondelete="CASCADE"))
    instagram_profile_id: Mapped[int] = mapped_column(ForeignKey("instagram_profiles.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(32))
    #: queued | running | succeeded | failed | skipped
    status: Mapped[str] = mapped_column(String(16))
    #: what started it: schedule, sensor, backfill or manual (from the Dagster run's tags)
    trigger_source: Mapped[str] = mapped_column(String(32))
    metadata_json: Mapped[dict[str, Any] | None] = mapped_column("metadata")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConversationPeer(Timestamps, Base):
    """Someone the account has a direct thread with, as found in the inbox."""

    __tablename__ = "conversation_peers"
    __table_args__ = (UniqueConstraint("instagram_account_id", "ig_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_account_id: Mapped[int] = mapped_column(ForeignKey("instagram_accounts.id", ondelete="CASCADE"))
    instagram_profile_id: Mapped[int | None] = mapped_column(
        ForeignKey("instagram_profiles.id", ondelete="SET NULL")
    )
    ig_user_id: Mapped[str] = mapped_column(String(32))
    username: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str | None] = mapped_column(Text)
    thread_id: Mapped[str | None] = mapped_column(String(64))
    thread_title: Mapped[str | None] = mapped_column(Text)
    is_group: Mapped[bool] = mapped_column(Boolean, default=False)
    last_message_at: Mapped[datetime | None]


class InstagramProfileEvent(Base):
    """Immutable journal of what happened to a profile; `external_id` makes re-runs idempotent."""

    __tablename__ = "instagram_profile_events"
    __table_args__ = (UniqueConstraint("instagram_profile_id", "kind", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_profile_id: Mapped[int] = mapped_column(
        ForeignKey("instagram_profiles.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(128))
    occurred_at: Mapped[datetime | None]
    detected_at: Mapped[datetime] = mapped_column(default=utcnow)
    metadata_json: Mapped[dict[str, Any] | None] = mapped_column("metadata")


class InstagramProfileMetric(Base):
    """Seed 002's metrics of one network profile as last computed by `account_metrics` (formulas in
    `ig_assets.discovery.metrics`); the count history they come from is `instagram_profile_snapshots`."""

    __tablename__ = "instagram_profile_metrics"
    __table_args__ = (UniqueConstraint("instagram_account_id", "instagram_profile_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_account_id: Mapped[int] = mapped_column(ForeignKey("instagram_accounts.id", ondelete="CASCADE"))
    instagram_profile_id: Mapped[int] = mapped_column(
        ForeignKey("instagram_profiles.id", ondelete="CASCADE"), index=True
    )
    computed_at: Mapped[datetime]
    follower_count: Mapped[int | None] = mapped_column(Integer)
    posts_considered: Mapped[int] = mapped_column(Integer)
    avg_likes: Mapped[float | None] = mapped_column(Float)
    avg_comments: Mapped[float | None] = mapped_column(Float)
    engagement_rate: Mapped[float | None] = mapped_column(Float)
    history_points: Mapped[int] = mapped_column(Integer)
    history_days: Mapped[float | None] = mapped_column(Float)
    growth_per_day: Mapped[float | None] = mapped_column(Float)
    growth_rate_30d: Mapped[float | None] = mapped_column(Float)
    projected_followers: Mapped[float | None] = mapped_column(Float)
    posts_last_30d: Mapped[int] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float)


class MediaBlob(Base):
    """One file of the content-addressed media store, by the sha256 of its bytes."""

    __tablename__ = "media_blobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(64))
    byte_size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
