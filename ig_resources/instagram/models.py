"""Typed records of what Instagram answers, parsed leniently.

Instagram changes shapes without notice (see shared/reference/instagram-api.md §11): every field
but the identifying ones is optional, ids are text (media and thread ids exceed 2^53), numbers may
arrive as strings, and both the mobile and the web vocabularies of a profile are accepted.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator


def _text_id(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _int_or_none(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an infinite float
        return None


def _list_or_empty(value: Any) -> Any:
    # A list field sent as null (e.g. `"users": null` on an empty page) means "none".
    return [] if value is None else value


def from_unix_seconds(value: Any) -> datetime | None:
    seconds = _int_or_none(value)
    return datetime.fromtimestamp(seconds, UTC) if seconds else None


def from_unix_micros(value: Any) -> datetime | None:
    micros = _int_or_none(value)
    return datetime.fromtimestamp(micros / 1_000_000, UTC) if micros else None


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


def _user_id_of(data: dict[str, Any]) -> Any:
    """A user's id under our name (`ig_user_id`) or any Instagram gives it (`pk`, `pk_id`, `id`,
    `strong_id__`)."""
    for key in ("ig_user_id", "pk", "pk_id", "id", "strong_id__"):
        value = data.get(key)
        if value is not None and value != "":
            return value
    return None


class UserSummary(_Lenient):
    """A user as it appears in lists: followers, following, thread members, tray owners."""

    ig_user_id: str
    username: str
    full_name: str | None = None
    is_private: bool | None = None
    is_verified: bool | None = None
    profile_pic_url: str | None = None
    latest_reel_media: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _accept_web_node(cls, data: Any) -> Any:
        # Instagram names the user id `pk` in mobile lists (sometimes also `pk_id`), `id` in web GraphQL
        # edges and `strong_id__` in some bodies; ours is `ig_user_id`.
        if isinstance(data, dict) and "ig_user_id" not in data:
            ig_user_id = _user_id_of(data)
            if ig_user_id is not None:
                data = {**data, "ig_user_id": ig_user_id}
        return data

    _id_text = field_validator("ig_user_id", mode="before")(_text_id)
    _reel_int = field_validator("latest_reel_media", mode="before")(_int_or_none)


class UserProfile(_Lenient):
    """One profile in full: `users/{pk}/info/` (mobile) or `users/web_profile_info/` (web)."""

    ig_user_id: str
    username: str
    full_name: str | None = None
    biography: str | None = None
    external_url: str | None = None
    profile_pic_url: str | None = None
    profile_pic_url_hd: str | None = None
    follower_count: int | None = None
    following_count: int | None = None
    media_count: int | None = None
    is_private: bool | None = None
    is_verified: bool | None = None
    is_business: bool | None = None
    category: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _normalise_vocabularies(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = dict(data)
        if "ig_user_id" not in out:
            out["ig_user_id"] = _user_id_of(out)
        edges = {
            "follower_count": "edge_followed_by",
            "following_count": "edge_follow",
            "media_count": "edge_owner_to_timeline_media",
        }
        for flat, edge in edges.items():
            if out.get(flat) is None and isinstance(out.get(edge), dict):
                out[flat] = out[edge].get("count")
        if out.get("is_business") is None and "is_business_account" in out:
            out["is_business"] = out["is_business_account"]
        if not out.get("category"):
            out["category"] = out.get("business_category_name") or out.get("category_name") or None
        if not out.get("profile_pic_url_hd"):
            hd = out.get("hd_profile_pic_url_info")
            out["profile_pic_url_hd"] = hd.get("url") if isinstance(hd, dict) else None
        return out

    _id_text = field_validator("ig_user_id", mode="before")(_text_id)
    _counts = field_validator("follower_count", "following_count", "media_count", mode="before")(_int_or_none)


#: parts of a profile body too big or too volatile to keep as its raw record (posts, reels, saved media)
_BULKY_PROFILE_KEYS = frozenset(
    {
        "edge_owner_to_timeline_media",
        "edge_felix_video_timeline",
        "edge_saved_media",
        "edge_media_collections",
        "edge_mutual_followed_by",
        "edge_related_profiles",
        "hd_profile_pic_versions",
        "biography_with_entities",
        "profile_context_facepile_users",
    }
)


class ProfileDetails(UserProfile):
    """A profile as `profile_details` stores it: the parsed fields, the time of the newest post the
    body shows, and the raw body (minus its media lists) to keep beside them."""

    last_post_at: datetime | None = None
    raw: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _newest_post_and_raw(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = dict(data)
        out["raw"] = {k: v for k, v in data.items() if k not in _BULKY_PROFILE_KEYS and k != "raw"}
        media = data.get("edge_owner_to_timeline_media")
        edges = media.get("edges") if isinstance(media, dict) else None
        if out.get("last_post_at") is None and isinstance(edges, list):
            # The first posts of the web body; a pinned post may lead, so take the newest of them.
            times = [
                _int_or_none(e["node"].get("taken_at_timestamp"))
                for e in edges
                if isinstance(e, dict) and isinstance(e.get("node"), dict)
            ]
            newest = max((t for t in times if t), default=None)
            out["last_post_at"] = from_unix_seconds(newest)
        return out


class FollowPage(_Lenient):
    """One page of `friendships/{pk}/followers/` or `.../following/`.

    `next_max_id` is the only trustworthy continuation signal: `has_more` is false on middle
    pages in real captures, so it is deliberately not modelled.
    """

    users: list[UserSummary] = Field(default_factory=list)
    next_max_id: str | None = None
    page_size: int | None = None
    big_list: bool | None = None

    _cursor_text = field_validator("next_max_id", mode="before")(lambda v: _text_id(v) or None)
    _users_list = field_validator("users", mode="before")(_list_or_empty)


class InboxThread(_Lenient):
    """A direct thread; `users` are the other members (never the viewer)."""

    thread_id: str
    thread_v2_id: str | None = None
    users: list[UserSummary] = Field(default_factory=list)
    thread_title: str | None = None
    is_group: bool | None = None
    pending: bool | None = None
    last_activity_at: datetime | None = None

    _ids_text = field_validator("thread_id", "thread_v2_id", mode="before")(_text_id)
    _users_list = field_validator("users", mode="before")(_list_or_empty)
    _micros = field_validator("last_activity_at", mode="before")(from_unix_micros)


class InboxPage(_Lenient):
    """One page of `direct_v2/inbox/` (the `inbox` object flattened) plus the top-level `seq_id`."""

    threads: list[InboxThread] = Field(default_factory=list)
    has_older: bool = False
    oldest_cursor: str | None = None
    seq_id: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _flatten(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("inbox"), dict):
            return {**data["inbox"], "seq_id": data.get("seq_id")}
        return data

    _cursor_text = field_validator("oldest_cursor", mode="before")(lambda v: _text_id(v) or None)
    _threads_list = field_validator("threads", mode="before")(_list_or_empty)
    # Fields vanish or turn null without notice (reference §11): a null `has_older` means no older page.
    _older_bool = field_validator("has_older", mode="before")(lambda v: False if v is None else v)


class TrayReel(_Lenient):
    """One entry of the story tray: a user with unexpired stories."""

    id: str
    user: UserSummary
    latest_reel_media: int | None = None
    expiring_at: int | None = None
    seen: int | None = None
    media_count: int | None = None
    items: list[dict[str, Any]] | None = None

    _id_text = field_validator("id", mode="before")(_text_id)
    _ints = field_validator("latest_reel_media", "expiring_at", "seen", "media_count", mode="before")(
        _int_or_none
    )

    def story_items(self) -> list[StoryItem]:
        """The entry's `items` as typed story items (none when the tray left them out); odd ones are
        skipped."""
        return _story_items(self.items, self.user.ig_user_id)


class StoryTray(_Lenient):
    """`feed/reels_tray/`: only the first entries carry `items`; the rest need `feed/reels_media/`."""

    tray: list[TrayReel] = Field(default_factory=list)

    @field_validator("tray", mode="before")
    @classmethod
    def _drop_non_user_reels(cls, value: Any) -> Any:
        # Live broadcasts and suggested units can sit in the tray without a `user`; they are not stories.
        if isinstance(value, list):
            return [v for v in value if isinstance(v, dict) and isinstance(v.get("user"), dict)]
        return _list_or_empty(value)


def _best_url(candidates: Any) -> str | None:
    """The largest rendition's URL of an `image_versions2.candidates` or `video_versions` list."""
    if not isinstance(candidates, list):
        return None
    sized = [c for c in candidates if isinstance(c, dict) and isinstance(c.get("url"), str)]
    if not sized:
        return None
    return max(
        sized, key=lambda c: (_int_or_none(c.get("width")) or 0) * (_int_or_none(c.get("height")) or 0)
    )["url"]


class MediaResource(_Lenient):
    """One picture or video of a post (the post itself, or a carousel child)."""

    pk: str
    media_type: int | None = None  # 1 image, 2 video
    image_url: str | None = None
    video_url: str | None = None
    video_duration: float | None = None

    @model_validator(mode="before")
    @classmethod
    def _urls(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = dict(data)
        out.setdefault("pk", data.get("id"))
        versions = data.get("image_versions2")
        out["image_url"] = _best_url(versions.get("candidates") if isinstance(versions, dict) else None)
        out["video_url"] = _best_url(data.get("video_versions"))
        return out

    _pk_text = field_validator("pk", mode="before")(_text_id)
    _type = field_validator("media_type", mode="before")(_int_or_none)


class Post(MediaResource):
    """One post of `feed/user/{pk}/`: a photo (1), video or reel (2) or carousel (8)."""

    code: str
    taken_at: datetime | None = None
    product_type: str | None = None
    caption_text: str | None = None
    like_count: int | None = None
    comment_count: int | None = None
    play_count: int | None = None
    owner_ig_user_id: str | None = None
    carousel: list[MediaResource] = Field(default_factory=list)
    raw: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _flatten(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = dict(data)
        caption = data.get("caption")
        out["caption_text"] = caption.get("text") if isinstance(caption, dict) else None
        user = data.get("user")
        out["owner_ig_user_id"] = _text_id(_user_id_of(user)) if isinstance(user, dict) else None
        out["play_count"] = data.get("play_count") or data.get("view_count")
        children = data.get("carousel_media")
        out["carousel"] = [c for c in children if isinstance(c, dict)] if isinstance(children, list) else []
        # The raw record keeps what is the post's own, not the renditions, comments or likers.
        out["raw"] = {k: v for k, v in data.items() if k not in _BULKY_POST_KEYS and k != "raw"}
        return out

    _taken = field_validator("taken_at", mode="before")(from_unix_seconds)
    _counts = field_validator("like_count", "comment_count", "play_count", mode="before")(_int_or_none)


_BULKY_POST_KEYS = frozenset(
    {
        "image_versions2",
        "video_versions",
        "carousel_media",
        "preview_comments",
        "top_likers",
        "likers",
        "video_dash_manifest",
        "music_metadata",
        "clips_metadata",
        "user",
        "caption",
    }
)


class FeedPage(_Lenient):
    """One page of `feed/user/{pk}/`. `next_max_id` continues it; `more_available` false ends it."""

    items: list[Post] = Field(default_factory=list)
    more_available: bool = False
    next_max_id: str | None = None

    _cursor_text = field_validator("next_max_id", mode="before")(lambda v: _text_id(v) or None)
    _items_list = field_validator("items", mode="before")(_list_or_empty)
    _more_bool = field_validator("more_available", mode="before")(lambda v: bool(v))


class Comment(_Lenient):
    """One comment of `media/{pk}/comments/`."""

    pk: str
    text: str | None = None
    created_at: datetime | None = None
    user: UserSummary | None = None
    comment_like_count: int | None = None
    child_comment_count: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _lenient_user(cls, data: Any) -> Any:
        # An author without the identifying keys is dropped rather than failing the page.
        if isinstance(data, dict) and isinstance(data.get("user"), dict):
            user = data["user"]
            if _user_id_of(user) is None or not user.get("username"):
                return {**data, "user": None}
        return data

    _pk_text = field_validator("pk", mode="before")(_text_id)
    _created = field_validator("created_at", mode="before")(from_unix_seconds)
    _counts = field_validator("comment_like_count", "child_comment_count", mode="before")(_int_or_none)


class CommentsPage(_Lenient):
    """One page of `media/{pk}/comments/`: continue with `next_min_id` (newest-first "headload")
    or `next_max_id`; both absent, or an empty page, ends it."""

    comments: list[Comment] = Field(default_factory=list)
    comment_count: int | None = None
    next_min_id: str | None = None
    next_max_id: str | None = None

    _cursors = field_validator("next_min_id", "next_max_id", mode="before")(lambda v: _text_id(v) or None)
    _comments_list = field_validator("comments", mode="before")(_list_or_empty)
    _count = field_validator("comment_count", mode="before")(_int_or_none)


# -- stories and highlights ---------------------------------------------------------------------------

#: renditions and embedded copies a story item's raw record leaves out (its URLs are parsed into fields)
_BULKY_STORY_KEYS = frozenset(
    {
        "image_versions2",
        "video_versions",
        "display_resources",
        "video_resources",
        "media_preview",
        "video_dash_manifest",
        "edge_story_media_viewers",
        "user",
        "owner",
        "raw",
    }
)
STORY_LIFETIME = timedelta(hours=24)


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        return from_unix_seconds(value)
    except (OverflowError, ValueError, OSError):  # a number no clock reaches
        return None


def _float_or_none(value: Any) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _graph_resources(resources: Any) -> list[dict[str, Any]] | None:
    """Web `display_resources`/`video_resources` (`src`, `config_width`, `config_height`) in the mobile
    vocabulary `_best_url` reads."""
    if not isinstance(resources, list):
        return None
    return [
        {"url": r.get("src"), "width": r.get("config_width"), "height": r.get("config_height")}
        for r in resources
        if isinstance(r, dict)
    ]


def _owner_of(data: dict[str, Any]) -> Any:
    for key in ("user", "owner"):
        value = data.get(key)
        if isinstance(value, dict):
            return _user_id_of(value)
    return None


class StoryItem(_Lenient):
    """One story (or highlight) item: a picture or a video. Mobile (`feed/reels_media`, the tray) and web
    GraphQL (`GraphStoryImage`/`GraphStoryVideo`) items are both accepted.

    `raw` is the item as Instagram sent it minus its renditions and embedded users (kept as metadata).
    """

    pk: str
    id: str | None = None
    media_type: int = 1  # 1 image, 2 video
    taken_at: datetime
    expiring_at: datetime | None = None
    image_url: str | None = None
    video_url: str | None = None
    video_duration: float | None = None
    owner_ig_user_id: str | None = None
    raw: dict[str, Any] = Field(default_factory=dict, repr=False)

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = dict(data)
        ident = _text_id(data.get("id"))
        pk = _text_id(data.get("pk"))
        if pk in (None, "") and isinstance(ident, str):
            pk = ident.split("_", 1)[0]  # mobile ids are "<media pk>_<owner pk>"; web ids are the pk
        out["pk"] = pk
        out["id"] = ident if isinstance(ident, str) else None
        owner = _owner_of(data)
        if owner is None and isinstance(ident, str) and "_" in ident:
            owner = ident.split("_", 1)[1]
        out["owner_ig_user_id"] = _text_id(owner)
        versions = data.get("image_versions2")
        image = _best_url(versions.get("candidates") if isinstance(versions, dict) else None)
        image = image or _best_url(_graph_resources(data.get("display_resources")))
        display = data.get("display_url")
        out["image_url"] = image or (display if isinstance(display, str) else None)
        video = _best_url(data.get("video_versions"))
        out["video_url"] = video = video or _best_url(_graph_resources(data.get("video_resources")))
        if _int_or_none(data.get("media_type")) is None:
            web_video = data.get("is_video") is True or data.get("__typename") == "GraphStoryVideo"
            out["media_type"] = 2 if web_video or video else 1
        taken = data.get("taken_at")
        taken = _as_datetime(taken if taken is not None else data.get("taken_at_timestamp"))
        out["taken_at"] = taken
        expiring = data.get("expiring_at")
        expiring = _as_datetime(expiring if expiring is not None else data.get("expiring_at_timestamp"))
        # Stories live 24 hours; a body without the expiry still tells when the item goes.
        out["expiring_at"] = expiring or (taken + STORY_LIFETIME if taken else None)
        out["raw"] = {k: v for k, v in data.items() if k not in _BULKY_STORY_KEYS}
        return out

    _pk_text = field_validator("pk", mode="before")(_text_id)
    _type = field_validator("media_type", mode="before")(lambda v: _int_or_none(v) or 1)
    _duration = field_validator("video_duration", mode="before")(_float_or_none)

    @property
    def is_video(self) -> bool:
        return self.media_type == 2


def _story_items(items: Any, owner_ig_user_id: str | None) -> list[StoryItem]:
    """Typed items of a reel; an item that does not validate is skipped (real reels carry odd units)."""
    if not isinstance(items, list):
        return []
    out: list[StoryItem] = []
    for raw in items:
        if isinstance(raw, StoryItem):
            item = raw
        elif isinstance(raw, dict):
            try:
                item = StoryItem.model_validate(raw)
            except ValidationError:
                continue
        else:
            continue
        if item.owner_ig_user_id is None and owner_ig_user_id is not None:
            item = item.model_copy(update={"owner_ig_user_id": owner_ig_user_id})
        out.append(item)
    return out


class Reel(_Lenient):
    """A user's current stories, or one highlight folder (`id` "highlight:<n>"), with its items.

    Mobile `feed/reels_media` reels, `feed/user/{pk}/story` reels, highlight tray folders and web
    GraphQL `GraphReel`/`GraphHighlightReel` objects are all accepted.
    """

    id: str
    user: UserSummary
    items: list[StoryItem] = Field(default_factory=list)
    expiring_at: datetime | None = None
    latest_reel_media: int | None = None
    seen: int | None = None
    media_count: int | None = None
    title: str | None = None
    created_at: datetime | None = None

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = dict(data)
        user = next((data[k] for k in ("user", "owner") if isinstance(data.get(k), dict)), data.get("user"))
        out["user"] = user
        reel_id = _text_id(data.get("id"))
        if reel_id in (None, "") and isinstance(user, dict):
            reel_id = _text_id(_user_id_of(user))
        if data.get("__typename") == "GraphHighlightReel" and isinstance(reel_id, str):
            reel_id = reel_id if reel_id.startswith("highlight:") else f"highlight:{reel_id}"
        out["id"] = reel_id
        owner = _text_id(_owner_of(data))
        items = data.get("items")
        out["items"] = _story_items(items, owner if isinstance(owner, str) else None)
        if _int_or_none(data.get("media_count")) is None and isinstance(items, list):
            out["media_count"] = len(out["items"])  # web reels carry their items but no count
        return out

    _id_text = field_validator("id", mode="before")(_text_id)
    _ints = field_validator("latest_reel_media", "seen", "media_count", mode="before")(_int_or_none)
    _times = field_validator("expiring_at", "created_at", mode="before")(_as_datetime)
    _title = field_validator("title", mode="before")(lambda v: v if isinstance(v, str) else None)

    @property
    def is_highlight(self) -> bool:
        return self.id.startswith("highlight:")
