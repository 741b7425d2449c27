"""The follow graph's reads and writes, and the action-log entry every domain writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


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
class ActionLogWrite:
    profile_id: int
    action: str
    status: str
    trigger_source: str
    metadata: dict[str, Any]
