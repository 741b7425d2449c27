"""Plain records that cross the boundary between the database resource and the domain rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: where an account's profiles and posts are read from (`instagram_accounts.content_source`)
CONTENT_SOURCES = ("instagram", "apify")


@dataclass(frozen=True, slots=True)
class AccountRecord:
    id: int
    username: str
    ig_user_id: str | None
    current_username: str | None
    login_state: str
    login_state_reason: str | None
    user_agent: str | None
    has_cookies: bool
    removed_at: datetime | None
    created_at: datetime
    follow_graph_synced_at: datetime | None
    cooldown_until: datetime | None = None
    cooldown_reason: str | None = None
    content_source: str = "instagram"


@dataclass(frozen=True, slots=True)
class StoredProfile:
    """What a follow-graph rebuild needs to know of a profile already in the network."""

    id: int
    ig_user_id: str | None
    username: str
    display_name: str | None
    is_private: bool | None
    is_verified: bool | None
    following: bool
    follows_you: bool


@dataclass(frozen=True, slots=True)
class ProfileWrite:
    """A profile to insert (`id` None) or to update by primary key."""

    id: int | None
    ig_user_id: str
    username: str
    display_name: str | None
    is_private: bool | None
    is_verified: bool | None
    profile_pic_url: str | None
    following: bool
    follows_you: bool


@dataclass(frozen=True, slots=True)
class EventWrite:
    ig_user_id: str
    kind: str
    external_id: str
    occurred_at: datetime | None
    metadata: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class PeerWrite:
    ig_user_id: str
    username: str
    display_name: str | None
    thread_id: str
    thread_title: str | None
    is_group: bool
    last_message_at: datetime | None


@dataclass(frozen=True, slots=True)
class DmStateWrite:
    """A profile's direct-message state as the messageability rule decided it."""

    ig_user_id: str
    state: str
    reason: str
    retry_after: datetime | None


@dataclass(frozen=True, slots=True)
class StorySighting:
    ig_user_id: str
    seen_at: datetime


@dataclass
class FollowGraphWrite:
    """Everything one follow-graph rebuild changes, computed by the rules, applied in one transaction.

    `profiles` holds only new or changed rows; `reset_ids` are profiles whose flags must be cleared
    because they are in neither list any more; `releases` move a stale row off a username that
    another user now holds (Instagram handles are unique at any moment). Rows not mentioned stay
    untouched, so an unchanged network costs no writes.
    """

    profiles: list[ProfileWrite] = field(default_factory=list)
    releases: list[tuple[int, str]] = field(default_factory=list)
    reset_ids: list[int] = field(default_factory=list)
    dm_states: list[DmStateWrite] = field(default_factory=list)
    peers: list[PeerWrite] = field(default_factory=list)
    stories: list[StorySighting] = field(default_factory=list)
    events: list[EventWrite] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class NetworkCounts:
    profiles: int
    followers: int
    following: int
    mutuals: int


@dataclass(frozen=True, slots=True)
class ProfileToRefresh:
    """What the rules need to know of a stored profile before refreshing it."""

    id: int
    ig_user_id: str
    username: str
    following: bool
    follows_you: bool
    in_inbox: bool
    avatar_url_fingerprint: str | None
    dm_interaction_reason: str | None
    dm_interaction_failures: int
    story_interaction_failures: int
    #: tags the profile carries, by name -> source (`policy` or `manual`)
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProfileUpdate:
    """The write for one refreshed profile."""

    id: int
    values: dict[str, Any]
    snapshot: dict[str, Any] | None
    #: True: set the policy tag `profile_scan_excluded` (with `scan_reason`); False: clear it; None: leave it
    scan_excluded: bool | None
    scan_reason: str
    avatar_changed: bool


@dataclass(frozen=True, slots=True)
class ActionLogWrite:
    profile_id: int
    action: str
    status: str
    trigger_source: str
    metadata: dict[str, Any]


@dataclass
class ProfileRefreshWrite:
    """Everything one `profile_details` batch writes, in one transaction."""

    updates: list[ProfileUpdate] = field(default_factory=list)
    #: profiles whose refresh gave no usable body: (id, status, reason); earlier columns are kept
    failures: list[tuple[int, str, str]] = field(default_factory=list)
    actions: list[ActionLogWrite] = field(default_factory=list)
    refreshed_at: datetime | None = None
    #: the tag the scan policy sets and clears (its name belongs to the rule)
    scan_tag: str = ""

    def absorb(self, other: ProfileRefreshWrite) -> None:
        self.updates += other.updates
        self.failures += other.failures
        self.actions += other.actions


@dataclass(frozen=True, slots=True)
class AvatarCandidate:
    """A profile whose current avatar has not been stored yet."""

    id: int
    username: str
    url: str | None
    following: bool
    follows_you: bool
    tags: frozenset[str]

    @property
    def profile_id(self) -> int:
        return self.id


@dataclass(frozen=True, slots=True)
class MediaResult:
    """The outcome for one download (an avatar, a post's media): stored (`sha256` set) or skipped/failed
    with a reason."""

    id: int
    status: str
    reason: str | None = None
    sha256: str | None = None
    content_type: str | None = None
    byte_size: int | None = None


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
