"""Posts, comments and discovered accounts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..types import JSONType
from .base import Base, Timestamps, utcnow


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
