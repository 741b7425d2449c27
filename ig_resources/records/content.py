"""Posts, comments, discovered accounts and media files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .graph import ActionLogWrite


@dataclass(frozen=True, slots=True)
class PostScanCandidate:
    """A profile whose feed `profile_posts` may read."""

    id: int
    ig_user_id: str
    username: str
    following: bool
    is_private: bool | None
    media_count: int | None
    tags: frozenset[str]


@dataclass(frozen=True, slots=True)
class PostWrite:
    """One post as stored in `instagram_profile_posts` (inserted, or its counts and caption refreshed)."""

    shortcode: str
    media_pk: str
    media_type: int | None
    product_type: str | None
    permalink: str
    source_media_url: str | None
    media_url_fingerprint: str | None
    caption: str | None
    caption_lang: str | None
    likes_count: int | None
    comments_count: int | None
    play_count: int | None
    taken_at: datetime | None
    metadata: dict[str, Any]


@dataclass
class PostScanWrite:
    """What one `profile_posts` batch writes: posts per profile, each profile's scan outcome, action logs."""

    posts: dict[int, list[PostWrite]] = field(default_factory=dict)
    #: profile id -> `ok` or the reason it was skipped or failed
    outcomes: dict[int, str] = field(default_factory=dict)
    actions: list[ActionLogWrite] = field(default_factory=list)
    scanned_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PostForComments:
    id: int
    profile_id: int
    profile_ig_user_id: str
    media_pk: str
    shortcode: str
    comments_count: int


@dataclass(frozen=True, slots=True)
class CommentWrite:
    comment_pk: str
    body: str | None
    author_username: str | None
    author_ig_user_id: str | None
    commented_at: datetime | None
    like_count: int | None


@dataclass(frozen=True, slots=True)
class DiscoveryWrite:
    """A person found around the network; `source` is COMMENTS or RELATED."""

    ig_user_id: str
    username: str
    full_name: str | None
    is_private: bool | None
    source: str
    found_from_profile_id: int | None


@dataclass
class CommentScanWrite:
    comments: dict[int, list[CommentWrite]] = field(default_factory=dict)
    #: post id -> its comment count when read
    searched: dict[int, int] = field(default_factory=dict)
    discovered: list[DiscoveryWrite] = field(default_factory=list)
    actions: list[ActionLogWrite] = field(default_factory=list)
    scanned_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class MediaCandidate:
    """A post or story item whose file is not stored yet, with what the trust policy asks of its
    profile; `stored_sha256` is set when another post already stored the same file (same
    fingerprint), so nothing needs downloading."""

    id: int
    profile_id: int
    url: str | None
    following: bool
    follows_you: bool
    tags: frozenset[str]
    stored_sha256: str | None = None


_MEDIA_KINDS = {1: "photo", 2: "video", 8: "carousel"}


def media_kind(media_type: int | None, product_type: str | None = None) -> str:
    """Instagram's media_type (1 photo, 2 video, 8 carousel; reels and IGTV are videos) as a word."""
    if media_type == 2 or product_type in ("clips", "igtv"):
        return "video"
    return _MEDIA_KINDS.get(media_type or 0, "photo")
