"""Stories, the faces found in them and in posts, and the people they cluster into."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class StoryWrite:
    profile_id: int
    story_id: str
    media_type: int
    taken_at: datetime
    expires_at: datetime | None
    image_url: str | None
    video_url: str | None
    media_url: str | None
    duration_seconds: float | None
    highlight_id: str | None = None
    highlight_title: str | None = None
    metadata: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class MediaForFaces:
    """A stored file (a story item or a post) whose faces are to be read."""

    id: int
    profile_id: int
    sha256: str
    content_type: str
    taken_at: datetime | None


@dataclass(frozen=True, slots=True)
class FaceWrite:
    face_index: int
    bounding_box: list[float]
    detector_confidence: float
    keypoints: list[list[float]]
    face_size: float
    frame_time: float | None
    embedding: list[float]
    embedding_version: str
    embedding_dim: int
    clusterable: bool
    prominent: bool


@dataclass(frozen=True, slots=True)
class FaceScan:
    """The faces of one media item, or why they could not be read (`error`)."""

    media_id: int
    profile_id: int
    faces: list[FaceWrite]
    error: str | None = None


@dataclass(frozen=True, slots=True)
class StoredFace:
    """A clusterable face of a profile with what the people rules need of it."""

    kind: str  # story | post
    id: int
    media_id: int
    embedding: list[float]
    prominent: bool
    taken_at: datetime | None
    person_id: int | None
    assigned_by: str | None


@dataclass(frozen=True, slots=True)
class StoredPerson:
    id: int
    label: str
    display_name: str | None
    role: str
    canonical_embedding: list[float] | None
    do_not_track: bool
    metadata: dict[str, Any] | None
    embedding_version: str | None = None


@dataclass(frozen=True, slots=True)
class PersonWrite:
    """A person after a clustering run: `id` None inserts a new one with `label`."""

    id: int | None
    label: str
    role: str
    canonical_embedding: list[float]
    embedding_version: str
    appearance_count: int
    first_seen_at: datetime | None
    last_seen_at: datetime | None
    metadata: dict[str, Any]


@dataclass(frozen=True, slots=True)
class FaceAssignment:
    kind: str  # story | post
    face_id: int
    person_key: int | str | None  # a person id, or the label of a new person, or None (noise)
    match_similarity: float | None
