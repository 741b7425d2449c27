"""Managed accounts, their sync runs, request log and daily metrics."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Timestamps


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
