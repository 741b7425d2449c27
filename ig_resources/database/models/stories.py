"""Stories, the faces found in stories and posts, the people they cluster into, and media purges."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..types import JSONType
from .base import Base, Timestamps, utcnow


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
