"""Profile-detail refresh and avatar downloads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .graph import ActionLogWrite


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
