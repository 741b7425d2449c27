"""What an asset may ask of an Instagram client, whatever transport answers (web API, browser, Apify)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Protocol

from .models import (
    CommentsPage,
    FeedPage,
    FollowPage,
    InboxThread,
    ProfileDetails,
    Reel,
    StoryTray,
    UserProfile,
    UserSummary,
)


class InstagramClient(Protocol):
    #: requests sent so far, by endpoint kind (e.g. "followers", "inbox")
    requests: Counter[str]

    def current_user(self) -> UserProfile:
        """The logged-in account, with the follower and following counts its profile reports."""
        ...

    def profile_details(self, username: str, ig_user_id: str) -> ProfileDetails:
        """One profile in full (counts, bio, picture, newest post time); NotFoundError if gone."""
        ...

    def iter_user_feed(self, ig_user_id: str, username: str | None = None) -> Iterator[FeedPage]:
        """The user's posts, newest first, a page at a time, until Instagram has no more. Sources
        that address people by name (Apify) need `username`."""
        ...

    def iter_comments(self, media_pk: str) -> Iterator[CommentsPage]:
        """Every page of a post's comments, newest first."""
        ...

    def related_accounts(self, ig_user_id: str) -> list[UserSummary]:
        """Accounts Instagram suggests beside this one (one page)."""
        ...

    def iter_followers(self, ig_user_id: str) -> Iterator[FollowPage]:
        """Every page of the user's followers, in order, until Instagram stops giving a cursor."""
        ...

    def iter_following(self, ig_user_id: str) -> Iterator[FollowPage]:
        """Every page of the accounts the user follows."""
        ...

    def iter_inbox_threads(self) -> Iterator[InboxThread]:
        """Every thread of the direct inbox, all pages, newest first."""
        ...

    def story_tray(self) -> StoryTray:
        """The logged-in account's story tray: who has unexpired stories right now."""
        ...

    def reels_media(self, ig_user_ids: Sequence[str]) -> dict[str, Reel]:
        """The current stories of these users (all their items), keyed by ig_user_id; a user whose stories
        the account cannot see, or who has none, is absent."""
        ...

    def highlight_reels(self, ig_user_id: str) -> list[Reel]:
        """The user's highlight folders (id "highlight:<n>", title) in profile order, with their items."""
        ...

    def close(self) -> None: ...
