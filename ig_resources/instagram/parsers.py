"""Body parsers: Instagram's JSON bodies (mobile `/api/v1/` and web GraphQL) into the models of
`models.py`, as pure functions (also used by tests on the captured fixtures).

A body that does not have the expected shape raises `MalformedResponseError`, one that names a missing
user `NotFoundError`; transport, classification of answers and pagination are `client.py`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import AuthenticationError, MalformedResponseError, NotFoundError
from .models import (
    CommentsPage,
    FeedPage,
    FollowPage,
    InboxPage,
    ProfileDetails,
    Reel,
    StoryTray,
    UserProfile,
    UserSummary,
)

#: Request kinds, as counted in `WebApiClient.requests` and named in error messages (here too).
KIND_CURRENT_USER: Final = "current_user"
KIND_FOLLOWERS: Final = "followers"
KIND_FOLLOWING: Final = "following"
KIND_INBOX: Final = "inbox"
KIND_STORY_TRAY: Final = "story_tray"
KIND_REELS_MEDIA: Final = "reels_media"
KIND_HIGHLIGHTS: Final = "highlights"
KIND_PROFILE: Final = "profile"
KIND_FEED: Final = "feed"
KIND_COMMENTS: Final = "comments"
KIND_RELATED: Final = "related"

_M = TypeVar("_M", bound=BaseModel)


def _validate(kind: str, model: type[_M], data: Any, *, status_code: int | None = None) -> _M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        # Never str(exc): pydantic quotes the offending input, which is response content.
        problems = exc.errors(include_url=False, include_input=False, include_context=False)
        first = problems[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
        raise MalformedResponseError(
            f"{kind}: {model.__name__} did not validate: {where}: {first['msg']}{more}",
            endpoint=kind,
            status_code=status_code,
        ) from None


def _require(
    kind: str, body: Mapping[str, Any], key: str, expected: type, *, status_code: int | None = None
) -> Any:
    value = body.get(key)
    if not isinstance(value, expected):
        found = "missing" if key not in body else f"a {type(value).__name__}"
        raise MalformedResponseError(
            f"{kind}: the body has no {key!r} {expected.__name__} ({found})",
            endpoint=kind,
            status_code=status_code,
        )
    return value


def _user_object(body: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """The user object of any profile wrapper: mobile `user`, web `data.user`, legacy `graphql.user`."""
    wrappers: list[tuple[str, Any]] = [("user", body.get("user", ...))]
    for outer in ("data", "graphql"):
        if isinstance(body.get(outer), dict):
            wrappers.append((f"{outer}.user", body[outer].get("user", ...)))
    for where, user in wrappers:
        if user is None:
            raise NotFoundError(f"{kind}: no such user ({where} is null)", endpoint=kind)
        if isinstance(user, dict):
            return user
    raise MalformedResponseError(f"{kind}: the body has no 'user' object", endpoint=kind)


def user_profile_from_body(body: Mapping[str, Any], *, kind: str = KIND_CURRENT_USER) -> UserProfile:
    return _validate(kind, UserProfile, _user_object(body, kind))


def profile_details_from_body(body: Mapping[str, Any], *, kind: str = KIND_PROFILE) -> ProfileDetails:
    """`ProfileDetails` (with the last post time and the raw record) from any profile wrapper."""
    return _validate(kind, ProfileDetails, _user_object(body, kind), status_code=200)


def follow_page_from_graphql(body: Mapping[str, Any], *, kind: str = KIND_FOLLOWERS) -> FollowPage:
    """A web GraphQL followers/following page (`data.user.edge_followed_by|edge_follow`) as a FollowPage.

    The cursor is `page_info.end_cursor` only while `has_next_page` is true, so callers can use the same
    stop rule as for the REST pages.
    """
    data = body.get("data")
    if not isinstance(data, dict) or "user" not in data:
        raise MalformedResponseError(f"{kind}: the body has no 'data.user'", endpoint=kind)
    user = data["user"]
    if user is None:
        raise NotFoundError(f"{kind}: no such user (data.user is null)", endpoint=kind)
    edge = next(
        (user[name] for name in ("edge_followed_by", "edge_follow") if isinstance(user.get(name), dict)),
        None,
    )
    if edge is None or not isinstance(edge.get("edges"), list):
        raise MalformedResponseError(
            f"{kind}: the body has no 'edge_followed_by'/'edge_follow' edges", endpoint=kind
        )
    page_info = edge.get("page_info") if isinstance(edge.get("page_info"), dict) else {}
    cursor = page_info.get("end_cursor") if page_info.get("has_next_page") else None
    users = [e.get("node") for e in edge["edges"] if isinstance(e, dict)]
    return _validate(kind, FollowPage, {"users": users, "next_max_id": cursor})


def related_from_graphql(body: Mapping[str, Any], *, kind: str = KIND_RELATED) -> list[UserSummary]:
    """Related accounts of the web profile query (`data.user.edge_chaining.edges[].node`)."""
    try:
        edges = body["data"]["user"]["edge_chaining"]["edges"]
    except (KeyError, TypeError):
        raise MalformedResponseError(
            f"{kind}: the body has no 'edge_chaining' edges", endpoint=kind
        ) from None
    nodes = [e.get("node") for e in edges if isinstance(e, dict) and isinstance(e.get("node"), dict)]
    return [_validate(kind, UserSummary, node) for node in nodes]


def story_tray_from_graphql(body: Mapping[str, Any], *, kind: str = KIND_STORY_TRAY) -> StoryTray:
    """The web story tray (`data.user.feed_reels_tray.edge_reels_tray_to_reel.edges[].node`)."""
    try:
        edges = body["data"]["user"]["feed_reels_tray"]["edge_reels_tray_to_reel"]["edges"]
    except (KeyError, TypeError):
        raise MalformedResponseError(
            f"{kind}: the body has no 'feed_reels_tray' edges", endpoint=kind
        ) from None
    if not isinstance(edges, list):
        raise MalformedResponseError(f"{kind}: 'edge_reels_tray_to_reel.edges' is not a list", endpoint=kind)
    return _validate(kind, StoryTray, {"tray": [e.get("node") for e in edges if isinstance(e, dict)]})


def _reels(entries: list[Any]) -> list[Reel]:
    """The reels that validate; one without a user (a live or ad unit) is skipped, not fatal."""
    out: list[Reel] = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        try:
            out.append(Reel.model_validate(entry))
        except ValidationError:
            continue
    return out


def _by_id(reels: list[Reel]) -> dict[str, Reel]:
    out: dict[str, Reel] = {}
    for reel in reels:
        out.setdefault(reel.id, reel)
    return out


def reels_from_mobile(body: Mapping[str, Any], *, kind: str = KIND_REELS_MEDIA) -> dict[str, Reel]:
    """Reels of `feed/reels_media/` (`reels` keyed by id, and/or a `reels_media` list) or of
    `feed/user/{pk}/story/` (`reel`, null when the user has no story), keyed by reel id: the user pk,
    or "highlight:<n>" for a highlight."""
    entries: list[Any] = []
    found = False
    if isinstance(body.get("reels"), dict):
        found = True
        entries += list(body["reels"].values())
    if isinstance(body.get("reels_media"), list):
        found = True
        entries += body["reels_media"]
    if "reel" in body and (body["reel"] is None or isinstance(body["reel"], dict)):
        found = True
        entries.append(body["reel"])
    if not found:
        raise MalformedResponseError(
            f"{kind}: the body has no 'reels', 'reels_media' or 'reel'", endpoint=kind, status_code=200
        )
    return _by_id(_reels(entries))


def reels_from_graphql(body: Mapping[str, Any], *, kind: str = KIND_REELS_MEDIA) -> dict[str, Reel]:
    """Reels of the web GraphQL reels query (`data.reels_media[]`): `GraphReel`s keyed by user pk and
    `GraphHighlightReel`s keyed by "highlight:<n>"."""
    data = body.get("data")
    media = data.get("reels_media") if isinstance(data, dict) else None
    if not isinstance(media, list):
        raise MalformedResponseError(f"{kind}: the body has no 'data.reels_media' list", endpoint=kind)
    return _by_id(_reels(media))


def highlights_from_mobile(body: Mapping[str, Any], *, kind: str = KIND_HIGHLIGHTS) -> list[Reel]:
    """The highlight folders of `highlights/{pk}/highlights_tray/` (`tray[]`), in order, without items."""
    tray = _require(kind, body, "tray", list, status_code=200)
    return _reels(tray)


def highlights_from_graphql(body: Mapping[str, Any], *, kind: str = KIND_HIGHLIGHTS) -> list[Reel]:
    """The highlight folders of the web profile query (`data.user.edge_highlight_reels.edges[].node`)."""
    try:
        edges = body["data"]["user"]["edge_highlight_reels"]["edges"]
    except (KeyError, TypeError):
        raise MalformedResponseError(
            f"{kind}: the body has no 'edge_highlight_reels' edges", endpoint=kind
        ) from None
    if not isinstance(edges, list):
        raise MalformedResponseError(f"{kind}: 'edge_highlight_reels.edges' is not a list", endpoint=kind)
    nodes = [e["node"] for e in edges if isinstance(e, dict) and isinstance(e.get("node"), dict)]
    return _reels([{**n, "__typename": "GraphHighlightReel"} for n in nodes])


# -- the mobile pages of `/api/v1/` (the client's endpoints; a 2xx body, hence status 200 in errors) --


def current_user_from_mobile(body: Mapping[str, Any], *, kind: str = KIND_CURRENT_USER) -> UserProfile:
    """The viewer's own profile of `users/{pk}/info/`: the trimmed public view (no counts) means the
    session is logged out."""
    if "user" in body and body["user"] is None:
        raise NotFoundError(f"{kind}: no such user (user is null)", endpoint=kind, status_code=200)
    user = _require(kind, body, "user", dict, status_code=200)
    profile = _validate(kind, UserProfile, user, status_code=200)
    if profile.follower_count is None and profile.following_count is None:
        # A logged-out session gets the trimmed public view of its own profile (no counts).
        raise AuthenticationError(
            f"{kind}: the session is logged out (Instagram answered with the public profile view)",
            endpoint=kind,
            status_code=200,
        )
    return profile


def feed_page_from_mobile(body: Mapping[str, Any], *, kind: str = KIND_FEED) -> FeedPage:
    """A page of `feed/user/{pk}/` (`items`)."""
    _require(kind, body, "items", list, status_code=200)
    return _validate(kind, FeedPage, body, status_code=200)


def comments_page_from_mobile(body: Mapping[str, Any], *, kind: str = KIND_COMMENTS) -> CommentsPage:
    """A page of `media/{pk}/comments/` (`comments`)."""
    _require(kind, body, "comments", list, status_code=200)
    return _validate(kind, CommentsPage, body, status_code=200)


def follow_page_from_mobile(body: Mapping[str, Any], *, kind: str = KIND_FOLLOWERS) -> FollowPage:
    """A page of `friendships/{pk}/followers|following/` (`users`)."""
    _require(kind, body, "users", list, status_code=200)
    return _validate(kind, FollowPage, body, status_code=200)


def related_from_mobile(body: Mapping[str, Any], *, kind: str = KIND_RELATED) -> list[UserSummary]:
    """The accounts of `discover/chaining/` (`users`); entries that are not objects are skipped."""
    users = _require(kind, body, "users", list, status_code=200)
    return [_validate(kind, UserSummary, u, status_code=200) for u in users if isinstance(u, dict)]


def inbox_page_from_mobile(body: Mapping[str, Any], *, kind: str = KIND_INBOX) -> InboxPage:
    """A page of `direct_v2/inbox/` (`inbox`)."""
    _require(kind, body, "inbox", dict, status_code=200)
    return _validate(kind, InboxPage, body, status_code=200)


def story_tray_from_mobile(body: Mapping[str, Any], *, kind: str = KIND_STORY_TRAY) -> StoryTray:
    """The story tray of `feed/reels_tray/` (`tray`)."""
    if "tray" not in body:
        raise MalformedResponseError(f"{kind}: the body has no 'tray'", endpoint=kind, status_code=200)
    return _validate(kind, StoryTray, body, status_code=200)
