"""The application schema, named and keyed as in seed 004 (shared/seeds/004_*.txt).

Instagram user ids are stored as text: they are 10–20 digit numbers that some responses send as
strings, and thread/media ids exceed int64.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .types import JSONType, UTCDateTime

# Stable constraint names so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSONType}


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class InstagramAccount(Timestamps, Base):
    """A managed Instagram identity; its username is the Dagster partition key."""

    __tablename__ = "instagram_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    # Instagram's numeric id: what the code joins on, so a rename on Instagram keeps the history.
    ig_user_id: Mapped[str | None] = mapped_column(String(32))
    # The handle Instagram reports now, when it differs from the registered `username`.
    current_username: Mapped[str | None] = mapped_column(String(64))
    cookies_json: Mapped[str | None] = mapped_column(Text)  # Fernet token, never plaintext
    login_state: Mapped[str] = mapped_column(String(32), default="unknown")
    login_state_reason: Mapped[str | None] = mapped_column(Text)
    user_agent: Mapped[str | None] = mapped_column(Text)
    removed_at: Mapped[datetime | None]
    # Instagram throttled the account: nothing is sent for it before this time.
    cooldown_until: Mapped[datetime | None]
    cooldown_reason: Mapped[str | None] = mapped_column(Text)
    # Where profiles and posts are read from: Instagram's web API ("instagram") or Apify ("apify").
    content_source: Mapped[str] = mapped_column(String(16), default="instagram", server_default="instagram")

    continuous_processing_state: Mapped[str] = mapped_column(String(32), default="idle")
    continuous_processing_next_story_sync_at: Mapped[datetime | None]
    continuous_processing_next_feed_sync_at: Mapped[datetime | None]
    continuous_processing_next_profile_scan_at: Mapped[datetime | None]
    continuous_processing_heartbeat_at: Mapped[datetime | None]
    continuous_processing_failure_count: Mapped[int] = mapped_column(Integer, default=0)
    continuous_processing_retry_after_at: Mapped[datetime | None]
    continuous_processing_last_error: Mapped[str | None] = mapped_column(Text)

    # Id of the last sync run whose graph was committed; a rebuild commits only if it is unchanged.
    follow_graph_sync_run_id: Mapped[int | None] = mapped_column(Integer)
    follow_graph_synced_at: Mapped[datetime | None]


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


class InstagramProfilePost(Timestamps, Base):
    """A post of a profile (seed 004), refreshed while it is recent; `metadata` keeps the raw item."""

    __tablename__ = "instagram_profile_posts"
    __table_args__ = (
        UniqueConstraint("instagram_profile_id", "shortcode"),
        Index("ix_instagram_profile_posts_account_taken", "instagram_account_id", "taken_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_account_id: Mapped[int] = mapped_column(ForeignKey("instagram_accounts.id", ondelete="CASCADE"))
    instagram_profile_id: Mapped[int] = mapped_column(ForeignKey("instagram_profiles.id", ondelete="CASCADE"))
    shortcode: Mapped[str] = mapped_column(String(32))
    media_pk: Mapped[str | None] = mapped_column(String(32))
    media_type: Mapped[int | None] = mapped_column(Integer)
    product_type: Mapped[str | None] = mapped_column(String(32))
    permalink: Mapped[str | None] = mapped_column(Text)
    source_media_url: Mapped[str | None] = mapped_column(Text)
    media_url_fingerprint: Mapped[str | None] = mapped_column(String(64))
    caption: Mapped[str | None] = mapped_column(Text)
    caption_lang: Mapped[str | None] = mapped_column(String(8))
    likes_count: Mapped[int | None] = mapped_column(Integer)
    comments_count: Mapped[int | None] = mapped_column(Integer)
    play_count: Mapped[int | None] = mapped_column(Integer)
    taken_at: Mapped[datetime | None]
    #: when `post_comments` last read its comments (seed 001: posts with > 5 comments, not yet searched)
    comments_searched_at: Mapped[datetime | None]
    #: `comments_count` at that read: more since means new comments to read
    comments_searched_count: Mapped[int | None] = mapped_column(Integer)
    #: the stored file of `source_media_url` (media store sha256), or why it was not stored
    media_sha256: Mapped[str | None] = mapped_column(String(64))
    media_skip_reason: Mapped[str | None] = mapped_column(Text)
    #: when `post_faces` read the stored file, and how many faces it found
    faces_processed_at: Mapped[datetime | None]
    faces_count: Mapped[int | None] = mapped_column(Integer)
    metadata_json: Mapped[dict[str, Any] | None] = mapped_column("metadata")
    # AI pipeline (seed 004): pending | analyzed | failed, and the answer behind its post insight
    ai_status: Mapped[str | None] = mapped_column(String(16))
    ai_provider: Mapped[str | None] = mapped_column(String(64))
    ai_model: Mapped[str | None] = mapped_column(String(128))
    analysis: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    analyzed_at: Mapped[datetime | None]


class InstagramProfilePostComment(Base):
    """A comment under a stored post (seed 004), by its author."""

    __tablename__ = "instagram_profile_post_comments"
    __table_args__ = (UniqueConstraint("instagram_profile_post_id", "comment_pk"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_account_id: Mapped[int] = mapped_column(
        ForeignKey("instagram_accounts.id", ondelete="CASCADE"), index=True
    )
    instagram_profile_post_id: Mapped[int] = mapped_column(
        ForeignKey("instagram_profile_posts.id", ondelete="CASCADE")
    )
    comment_pk: Mapped[str] = mapped_column(String(32))
    body: Mapped[str | None] = mapped_column(Text)
    author_username: Mapped[str | None] = mapped_column(String(64))
    author_ig_user_id: Mapped[str | None] = mapped_column(String(32))
    commented_at: Mapped[datetime | None]
    like_count: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DiscoveredAccount(Base):
    """Someone found around an account's network (seed 001): a commenter or a related account, with
    where it was found, first and last seen; linked to the profile when already in the network."""

    __tablename__ = "discovered_accounts"
    __table_args__ = (UniqueConstraint("instagram_account_id", "ig_user_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_account_id: Mapped[int] = mapped_column(ForeignKey("instagram_accounts.id", ondelete="CASCADE"))
    ig_user_id: Mapped[str] = mapped_column(String(32))
    username: Mapped[str] = mapped_column(String(64))
    full_name: Mapped[str | None] = mapped_column(Text)
    is_private: Mapped[bool | None]
    #: COMMENTS or RELATED
    source: Mapped[str] = mapped_column(String(16))
    found_from_profile_id: Mapped[int | None] = mapped_column(
        ForeignKey("instagram_profiles.id", ondelete="SET NULL")
    )
    #: the network profile this person already is, if any (linked, not duplicated)
    instagram_profile_id: Mapped[int | None] = mapped_column(
        ForeignKey("instagram_profiles.id", ondelete="SET NULL")
    )
    seen_count: Mapped[int] = mapped_column(Integer, default=1)
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


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


class MediaBlob(Base):
    """One file of the content-addressed media store, by the sha256 of its bytes."""

    __tablename__ = "media_blobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(64))
    byte_size: Mapped[int] = mapped_column(Integer)
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


class SyncRun(Timestamps, Base):
    """Lifecycle of one sync: queued -> running -> succeeded | failed, with structured stats."""

    __tablename__ = "sync_runs"
    __table_args__ = (Index("ix_sync_runs_account_kind_status", "instagram_account_id", "kind", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_account_id: Mapped[int] = mapped_column(ForeignKey("instagram_accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    dagster_run_id: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    error_message: Mapped[str | None] = mapped_column(Text)
    stats_json: Mapped[dict[str, Any] | None]


class InstagramRequestLog(Base):
    """When each request to Instagram was sent, per account and budget bucket: the shared memory
    that lets separate run processes keep one account within its pacing budget."""

    __tablename__ = "instagram_request_log"
    __table_args__ = (
        Index("ix_instagram_request_log_window", "instagram_account_id", "bucket", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_account_id: Mapped[int] = mapped_column(ForeignKey("instagram_accounts.id", ondelete="CASCADE"))
    bucket: Mapped[str] = mapped_column(String(32))
    requested_at: Mapped[datetime]


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


class InstagramAccountMetric(Base):
    """The managed account's network summarised, one row per `account_metrics` run: its own history."""

    __tablename__ = "instagram_account_metrics"
    __table_args__ = (UniqueConstraint("instagram_account_id", "computed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_account_id: Mapped[int] = mapped_column(ForeignKey("instagram_accounts.id", ondelete="CASCADE"))
    computed_at: Mapped[datetime]
    profiles: Mapped[int] = mapped_column(Integer)
    network_followers: Mapped[int] = mapped_column(Integer)
    engagement_rate: Mapped[float | None] = mapped_column(Float)
    median_engagement_rate: Mapped[float | None] = mapped_column(Float)
    growth_rate_30d: Mapped[float | None] = mapped_column(Float)
    projected_network_followers: Mapped[int] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float)
    metadata_json: Mapped[dict[str, Any] | None] = mapped_column("metadata")


class InstagramStory(Timestamps, Base):
    """A story item of a network profile (seed 004), kept after it expires on Instagram; its file goes
    to the media store under the trust policy and is purged after the retention period."""

    __tablename__ = "instagram_stories"
    __table_args__ = (
        UniqueConstraint("instagram_profile_id", "story_id"),
        Index("ix_instagram_stories_account_status", "instagram_account_id", "processing_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_account_id: Mapped[int] = mapped_column(ForeignKey("instagram_accounts.id", ondelete="CASCADE"))
    instagram_profile_id: Mapped[int] = mapped_column(ForeignKey("instagram_profiles.id", ondelete="CASCADE"))
    #: Instagram's media pk of the item
    story_id: Mapped[str] = mapped_column(String(32))
    media_type: Mapped[int] = mapped_column(Integer)  # 1 image, 2 video
    taken_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    image_url: Mapped[str | None] = mapped_column(Text)
    video_url: Mapped[str | None] = mapped_column(Text)
    #: the file stored: the video of a video item, else the picture
    media_url: Mapped[str | None] = mapped_column(Text)
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    #: set when the item was read from a highlight folder rather than the live tray
    highlight_id: Mapped[str | None] = mapped_column(String(64))
    highlight_title: Mapped[str | None] = mapped_column(Text)
    media_sha256: Mapped[str | None] = mapped_column(String(64))
    media_content_type: Mapped[str | None] = mapped_column(String(64))
    media_skip_reason: Mapped[str | None] = mapped_column(Text)
    #: when the retention purge deleted the stored file
    media_purged_at: Mapped[datetime | None]
    #: pending -> processed | failed (faces read, or why not)
    processing_status: Mapped[str] = mapped_column(String(16), default="pending")
    processed_at: Mapped[datetime | None]
    processing_error: Mapped[str | None] = mapped_column(Text)
    faces_count: Mapped[int | None] = mapped_column(Integer)
    #: the `story_uploaded` event this item was first recorded by
    source_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("instagram_profile_events.id", ondelete="SET NULL")
    )
    metadata_json: Mapped[dict[str, Any] | None] = mapped_column("metadata")


class InstagramStoryPerson(Timestamps, Base):
    """Someone who appears in a profile's stories and posts (seed 004): a cluster of their faces,
    labelled stably across runs; a person can be renamed, merged, split or marked "do not track"."""

    __tablename__ = "instagram_story_people"
    __table_args__ = (UniqueConstraint("instagram_profile_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_account_id: Mapped[int] = mapped_column(ForeignKey("instagram_accounts.id", ondelete="CASCADE"))
    instagram_profile_id: Mapped[int] = mapped_column(
        ForeignKey("instagram_profiles.id", ondelete="CASCADE"), index=True
    )
    #: stable handle: "person-1", "person-2", … in order of creation per profile
    label: Mapped[str] = mapped_column(String(32))
    #: a name a person gave them (rename)
    display_name: Mapped[str | None] = mapped_column(Text)
    #: profile_owner | primary_person | secondary_person
    role: Mapped[str] = mapped_column(String(32), default="secondary_person")
    #: unit-length mean of their faces; None once "do not track" deleted it
    canonical_embedding: Mapped[list[float] | None] = mapped_column(JSONType)
    embedding_version: Mapped[str | None] = mapped_column(String(64))
    appearance_count: Mapped[int] = mapped_column(Integer, default=0)
    first_seen_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]
    do_not_track: Mapped[bool] = mapped_column(Boolean, default=False)
    metadata_json: Mapped[dict[str, Any] | None] = mapped_column("metadata")


class _FaceColumns:
    """What a detected face keeps, in stories and in posts alike."""

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_account_id: Mapped[int] = mapped_column(ForeignKey("instagram_accounts.id", ondelete="CASCADE"))
    instagram_profile_id: Mapped[int] = mapped_column(ForeignKey("instagram_profiles.id", ondelete="CASCADE"))
    #: position of the face in its media item (largest first; video faces after their frame order)
    face_index: Mapped[int] = mapped_column(Integer)
    #: [x1, y1, x2, y2] in pixels of the stored file
    bounding_box: Mapped[list[float]] = mapped_column(JSONType)
    detector_confidence: Mapped[float] = mapped_column(Float)
    #: five points: eyes, nose, mouth corners
    keypoints: Mapped[list[list[float]]] = mapped_column(JSONType)
    #: shorter side of the box, in pixels
    face_size: Mapped[float] = mapped_column(Float)
    #: seconds into a video; None for a picture
    frame_time: Mapped[float | None] = mapped_column(Float)
    #: L2-normalised vector; None once deleted (opt-out, purge)
    embedding: Mapped[list[float] | None] = mapped_column(JSONType)
    #: the model that made the vector, and its length (SFace 128, buffalo_l 512)
    embedding_version: Mapped[str] = mapped_column(String(64))
    embedding_dim: Mapped[int] = mapped_column(Integer)
    #: large and confident enough to cluster; smaller faces are kept but not clustered
    clusterable: Mapped[bool] = mapped_column(Boolean)
    #: large and central in its picture, as a selfie is (weighs toward the profile owner)
    prominent: Mapped[bool] = mapped_column(Boolean, default=False)
    role: Mapped[str] = mapped_column(String(32), default="unknown")
    instagram_story_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("instagram_story_people.id", ondelete="SET NULL"), index=True
    )
    #: cosine similarity to the person's canonical embedding
    match_similarity: Mapped[float | None] = mapped_column(Float)
    #: cluster (by the clustering) or manual (merge/split by a person; never re-clustered)
    assigned_by: Mapped[str | None] = mapped_column(String(16))
    detected_at: Mapped[datetime] = mapped_column(default=utcnow)


class InstagramStoryFace(_FaceColumns, Base):
    """A face detected in a story item (seed 004)."""

    __tablename__ = "instagram_story_faces"
    __table_args__ = (UniqueConstraint("instagram_story_id", "face_index"),)

    instagram_story_id: Mapped[int] = mapped_column(ForeignKey("instagram_stories.id", ondelete="CASCADE"))


class InstagramPostFace(_FaceColumns, Base):
    """A face detected in a post's stored picture or video (seed 004: as story faces)."""

    __tablename__ = "instagram_post_faces"
    __table_args__ = (UniqueConstraint("instagram_profile_post_id", "face_index"),)

    instagram_profile_post_id: Mapped[int] = mapped_column(
        ForeignKey("instagram_profile_posts.id", ondelete="CASCADE")
    )


class MediaPurge(Base):
    """What one run of the retention purge removed, and why."""

    __tablename__ = "media_purges"

    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_account_id: Mapped[int] = mapped_column(ForeignKey("instagram_accounts.id", ondelete="CASCADE"))
    purged_at: Mapped[datetime] = mapped_column(default=utcnow)
    retention_hours: Mapped[float] = mapped_column(Float)
    stories: Mapped[int] = mapped_column(Integer)
    files_deleted: Mapped[int] = mapped_column(Integer)
    bytes_freed: Mapped[int] = mapped_column(Integer)
    embeddings_deleted: Mapped[int] = mapped_column(Integer)
    metadata_json: Mapped[dict[str, Any] | None] = mapped_column("metadata")


# -- AI and insights (seed 004 "AI and Insight Tables") ---------------------------------------------


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
