"""Instagram access: session cookies, typed models and errors, body parsers, and the httpx web-API client.

The client (httpx) and `InstagramClientResource` (Dagster) are imported lazily, so that the rules,
which use the models and errors, import neither.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import (
    ActionBlockedError,
    AuthenticationError,
    CheckpointRequiredError,
    InstagramError,
    MalformedResponseError,
    NotFoundError,
    PrivateAccountError,
    RateLimitedError,
    ServerError,
)
from .models import (
    Comment,
    CommentsPage,
    FeedPage,
    FollowPage,
    InboxPage,
    InboxThread,
    MediaResource,
    Post,
    ProfileDetails,
    Reel,
    StoryItem,
    StoryTray,
    TrayReel,
    UserProfile,
    UserSummary,
)
from .parsers import (
    follow_page_from_graphql,
    highlights_from_graphql,
    highlights_from_mobile,
    profile_details_from_body,
    reels_from_graphql,
    reels_from_mobile,
    related_from_graphql,
    story_tray_from_graphql,
    user_profile_from_body,
)
from .protocol import InstagramClient
from .session import CookieFileError, SessionCookies, parse_cookie_file

if TYPE_CHECKING:
    from .client import (
        DEFAULT_API_BASE_URL,
        DEFAULT_USER_AGENT,
        DEFAULT_WEB_BASE_URL,
        WebApiClient,
        classify_response,
        retry_after_from,
    )
    from .resource import InstagramClientResource

_LAZY = {
    "InstagramClientResource": "resource",
    **dict.fromkeys(
        (
            "DEFAULT_API_BASE_URL",
            "DEFAULT_USER_AGENT",
            "DEFAULT_WEB_BASE_URL",
            "WebApiClient",
            "classify_response",
            "retry_after_from",
        ),
        "client",
    ),
}

__all__ = [
    "DEFAULT_API_BASE_URL",
    "DEFAULT_USER_AGENT",
    "DEFAULT_WEB_BASE_URL",
    "ActionBlockedError",
    "AuthenticationError",
    "CheckpointRequiredError",
    "Comment",
    "CommentsPage",
    "CookieFileError",
    "FeedPage",
    "FollowPage",
    "InboxPage",
    "InboxThread",
    "InstagramClient",
    "InstagramClientResource",
    "InstagramError",
    "MalformedResponseError",
    "MediaResource",
    "NotFoundError",
    "Post",
    "PrivateAccountError",
    "ProfileDetails",
    "RateLimitedError",
    "Reel",
    "ServerError",
    "SessionCookies",
    "StoryItem",
    "StoryTray",
    "TrayReel",
    "UserProfile",
    "UserSummary",
    "WebApiClient",
    "classify_response",
    "follow_page_from_graphql",
    "highlights_from_graphql",
    "highlights_from_mobile",
    "parse_cookie_file",
    "profile_details_from_body",
    "reels_from_graphql",
    "reels_from_mobile",
    "related_from_graphql",
    "retry_after_from",
    "story_tray_from_graphql",
    "user_profile_from_body",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
