"""Apify as a source of profiles and posts (seed 002): the same client protocol, read from Apify's
Instagram actors instead of Instagram's web API, for accounts that choose it.

An actor run is started and waited for (`POST /v2/acts/{actor}/runs?waitForFinish=`, then
`GET /v2/actor-runs/{id}?waitForFinish=` until it ends), and its dataset is read a page at a time
(`GET /v2/datasets/{id}/items`). The token travels in the Authorization header, never in a URL, a
log line or an error. Requests are spaced to `requests_per_second` (seed 002: 5); 429 and 5xx answers
are retried with backoff.

Items use the actors' own field names (`followersCount`, `latestPosts`, `shortCode`, …) and are
turned into the mobile vocabulary the models already parse, so every asset sees the same records
whichever source answered.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import dagster as dg
import httpx
from pydantic import Field

from .errors import InstagramError, MalformedResponseError, NotFoundError, PrivateAccountError, ServerError
from .models import (
    CommentsPage,
    FeedPage,
    FollowPage,
    InboxThread,
    Post,
    ProfileDetails,
    Reel,
    StoryTray,
    UserProfile,
    UserSummary,
)

DEFAULT_APIFY_BASE_URL = "https://api.apify.com"
PROFILE_ACTOR = "apify~instagram-profile-scraper"
POST_ACTOR = "apify~instagram-scraper"
#: a feed read hands its posts out in pages of this size, like Instagram's own feed
FEED_PAGE = 12
_ENDED = {"SUCCEEDED", "FAILED", "ABORTED", "TIMED-OUT"}
_MEDIA_TYPES = {"Image": 1, "Video": 2, "Sidecar": 8}


class ApifyError(InstagramError):
    """Apify refused the work itself (token, plan, input, quota): an account-level stop that says
    nothing about the Instagram account, so it never changes the account's login state."""

    reason = "apify_error"


class ApifyPacing:
    """Spaces requests to a rate and counts waits and retries (shown as the run's pacing metadata).

    `clock` and `sleep` are the real monotonic ones; tests pass a fake pair, so that spacing is checked
    exactly rather than against a loaded machine's timing."""

    def __init__(
        self,
        per_second: float,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = 1 / per_second if per_second > 0 else 0.0
        self.sleep = sleep
        self.clock = clock
        self.waited_seconds = 0.0
        self.retries: Counter[str] = Counter()
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = self.clock()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            self.waited_seconds += delay
            self.sleep(delay)

    def as_metadata(self) -> dict[str, object]:
        return {
            "source": "apify",
            "requests_per_second": round(1 / self.interval, 2) if self.interval else None,
            "waited_seconds": round(self.waited_seconds, 1),
            "retries": dict(self.retries),
        }


class ApifyInstagramClient(dg.ConfigurableResource):
    """Reads profiles and posts through Apify's Instagram actors, for accounts whose content source
    is `apify` (`ig-pipeline accounts source NAME apify`). `api_token` comes from `APIFY_TOKEN`;
    without it, opening the client is a clear error and nothing is sent."""

    api_token: str | None = Field(default=None, description="Apify API token (APIFY_TOKEN)")
    base_url: str = Field(default=DEFAULT_APIFY_BASE_URL, description="Apify API (APIFY_BASE_URL)")
    profile_actor: str = PROFILE_ACTOR
    post_actor: str = POST_ACTOR
    requests_per_second: float = 5.0
    posts_per_read: int = Field(default=50, description="resultsLimit of one feed read")
    wait_seconds: int = Field(default=60, description="waitForFinish per poll (Apify allows up to 60)")
    run_timeout_seconds: int = 600
    timeout_seconds: float = 90.0
    max_retries: int = 3
    backoff_base_seconds: float = 2.0

    def open(self, *_: Any, **__: Any) -> ApifySession:
        """A client for one run. Takes (and ignores) the Instagram session arguments of
        `InstagramClientResource.open`: Apify reads public data with its own sessions."""
        if not self.api_token:
            raise ApifyError(
                "the account reads profiles and posts through Apify, but APIFY_TOKEN is not set",
                endpoint="apify",
            )
        return ApifySession(self)


class ApifySession:
    """One run's Apify client; implements `InstagramClient` for profiles and posts. `sleep` and
    `clock` (pacing, retry backoff, the run deadline) default to the real ones."""

    def __init__(
        self,
        config: ApifyInstagramClient,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.requests: Counter[str] = Counter()
        self.pacing = ApifyPacing(config.requests_per_second, sleep, clock)
        self._sleep = sleep
        self._clock = clock
        self._http = httpx.Client(
            base_url=config.base_url.rstrip("/"),
            timeout=httpx.Timeout(config.timeout_seconds + config.wait_seconds),
            headers={"Authorization": f"Bearer {config.api_token}", "Accept": "application/json"},
        )

    # -- the protocol ---------------------------------------------------------------------------

    def profile_details(self, username: str, ig_user_id: str) -> ProfileDetails:
        items = self.run_actor(self.config.profile_actor, {"usernames": [username]}, kind="profile")
        item = next((i for i in items if str(i.get("username", "")).lower() == username.lower()), None)
        if item is None or item.get("error"):
            raise NotFoundError(f"apify: no profile @{username}" + _described(item), endpoint="apify/profile")
        return profile_from_apify(item)

    def iter_user_feed(self, ig_user_id: str, username: str | None = None) -> Iterator[FeedPage]:
        if not username:
            raise ApifyError("apify: a feed read needs the username", endpoint="apify/feed")
        run = self._run(
            self.config.post_actor,
            {
                "directUrls": [f"https://www.instagram.com/{username}/"],
                "resultsType": "posts",
                "resultsLimit": self.config.posts_per_read,
                "addParentData": False,
            },
            kind="feed",
        )
        offset = 0
        while True:
            page = self._dataset_page(run, offset, FEED_PAGE, kind="feed")
            if offset == 0 and len(page) == 1 and page[0].get("error"):
                error = page[0]
                cls = PrivateAccountError if "private" in str(error).lower() else NotFoundError
                raise cls(f"apify: no posts of @{username}" + _described(error), endpoint="apify/feed")
            offset += len(page)
            more = len(page) == FEED_PAGE
            yield FeedPage(
                items=[post_from_apify(i) for i in page if not i.get("error")],
                more_available=more,
                next_max_id=str(offset) if more else None,
            )
            if not more:
                return

    def current_user(self) -> UserProfile:
        raise self._unsupported("the logged-in account")

    def iter_comments(self, media_pk: str) -> Iterator[CommentsPage]:
        raise self._unsupported("comments")

    def related_accounts(self, ig_user_id: str) -> list[UserSummary]:
        raise self._unsupported("related accounts")

    def iter_followers(self, ig_user_id: str) -> Iterator[FollowPage]:
        raise self._unsupported("followers")

    def iter_following(self, ig_user_id: str) -> Iterator[FollowPage]:
        raise self._unsupported("following")

    def iter_inbox_threads(self) -> Iterator[InboxThread]:
        raise self._unsupported("the inbox")

    def story_tray(self) -> StoryTray:
        raise self._unsupported("the story tray")

    def reels_media(self, ig_user_ids: Sequence[str]) -> dict[str, Reel]:
        raise self._unsupported("stories")

    def highlight_reels(self, ig_user_id: str) -> list[Reel]:
        raise self._unsupported("highlights")

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ApifySession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- Apify's API ----------------------------------------------------------------------------

    def run_actor(self, actor: str, actor_input: dict[str, Any], *, kind: str) -> list[dict[str, Any]]:
        """Run `actor` to its end and return every item of its dataset."""
        run = self._run(actor, actor_input, kind=kind)
        items: list[dict[str, Any]] = []
        while page := self._dataset_page(run, len(items), 1000, kind=kind):
            items += page
            if len(page) < 1000:
                break
        return items

    def _run(self, actor: str, actor_input: dict[str, Any], *, kind: str) -> dict[str, Any]:
        wait = self.config.wait_seconds
        run = self._json(
            "POST",
            f"/v2/acts/{actor}/runs",
            kind,
            json=actor_input,
            params={"waitForFinish": wait, "timeout": self.config.run_timeout_seconds},
        )["data"]
        deadline = self._clock() + self.config.run_timeout_seconds + wait
        while run.get("status") not in _ENDED:
            if self._clock() > deadline:
                raise ServerError(
                    f"apify: run {run.get('id')} of {actor} did not end in time", endpoint=f"apify/{kind}"
                )
            run = self._json("GET", f"/v2/actor-runs/{run['id']}", kind, params={"waitForFinish": wait})[
                "data"
            ]
        if run["status"] != "SUCCEEDED":
            raise ServerError(
                f"apify: run {run.get('id')} of {actor} ended {run['status']}", endpoint=f"apify/{kind}"
            )
        if not run.get("defaultDatasetId"):
            raise MalformedResponseError(
                f"apify: run {run.get('id')} has no dataset", endpoint=f"apify/{kind}"
            )
        return run

    def _dataset_page(
        self, run: dict[str, Any], offset: int, limit: int, *, kind: str
    ) -> list[dict[str, Any]]:
        items = self._json(
            "GET",
            f"/v2/datasets/{run['defaultDatasetId']}/items",
            kind,
            params={"format": "json", "clean": "true", "offset": offset, "limit": limit},
        )
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise MalformedResponseError(
                "apify: dataset items are not a list of objects", endpoint=f"apify/{kind}"
            )
        return items

    def _json(self, method: str, path: str, kind: str, **kwargs: Any) -> Any:
        endpoint = f"apify/{kind}"
        for attempt in range(self.config.max_retries + 1):
            self.pacing.wait()
            self.requests[kind] += 1
            try:
                response = self._http.request(method, path, **kwargs)
            except httpx.HTTPError as exc:
                error: InstagramError = ServerError(f"apify: {type(exc).__name__}", endpoint=endpoint)
            else:
                if response.status_code < 300:
                    try:
                        body = response.json()
                    except ValueError:
                        raise MalformedResponseError(
                            "apify: the answer is not JSON",
                            endpoint=endpoint,
                            status_code=response.status_code,
                        ) from None
                    if isinstance(body, dict) and "data" not in body and method == "POST":
                        raise MalformedResponseError("apify: the run answer has no data", endpoint=endpoint)
                    return body
                message = _error_message(response)
                if response.status_code == 429:
                    error = ApifyError(f"apify: rate limited: {message}", endpoint=endpoint, status_code=429)
                elif response.status_code >= 500:
                    error = ServerError(
                        f"apify: {message}", endpoint=endpoint, status_code=response.status_code
                    )
                elif response.status_code == 404 and kind == "profile":
                    raise NotFoundError(f"apify: {message}", endpoint=endpoint, status_code=404)
                else:  # 400 input, 401/403 token, 402 plan: retrying cannot help
                    raise ApifyError(f"apify: {message}", endpoint=endpoint, status_code=response.status_code)
            if attempt == self.config.max_retries:
                raise error
            self.pacing.retries[error.reason] += 1
            self._sleep(self.config.backoff_base_seconds * 2**attempt)
        raise AssertionError("unreachable")

    def _unsupported(self, what: str) -> ApifyError:
        return ApifyError(f"apify: reads profiles and posts only, not {what}", endpoint="apify")


def _error_message(response: httpx.Response) -> str:
    try:
        error = response.json().get("error") or {}
        return f"{error.get('type', 'error')}: {error.get('message', '')}".strip(": ")
    except (ValueError, AttributeError):
        return f"HTTP {response.status_code}"


def _described(item: dict[str, Any] | None) -> str:
    return f" ({item.get('errorDescription') or item.get('error')})" if item and item.get("error") else ""


# -- Apify items -> the mobile vocabulary of the models ---------------------------------------


def _unix(value: Any) -> int | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return None


def _count(value: Any) -> int | None:
    # Apify reports hidden like counts as -1 (or leaves them out): unknown, not minus one.
    return value if isinstance(value, int) and value >= 0 else None


def profile_from_apify(item: dict[str, Any]) -> ProfileDetails:
    """A profile item of `apify/instagram-profile-scraper` as `ProfileDetails`, the item kept raw."""
    try:
        latest = [p for p in item.get("latestPosts") or [] if isinstance(p, dict)]
        newest = max((t for p in latest if (t := _unix(p.get("timestamp")))), default=None)
        return ProfileDetails.model_validate(
            {
                "ig_user_id": item["id"],
                "username": item["username"],
                "full_name": item.get("fullName"),
                "biography": item.get("biography"),
                "external_url": item.get("externalUrl"),
                "profile_pic_url": item.get("profilePicUrl"),
                "profile_pic_url_hd": item.get("profilePicUrlHD"),
                "follower_count": item.get("followersCount"),
                "following_count": item.get("followsCount"),
                "media_count": item.get("postsCount"),
                "is_private": item.get("private"),
                "is_verified": item.get("verified"),
                "is_business": item.get("isBusinessAccount"),
                "category": item.get("businessCategoryName"),
                "last_post_at": datetime.fromtimestamp(newest, UTC) if newest else None,
            }
        ).model_copy(
            update={"raw": {"source": "apify", **{k: v for k, v in item.items() if k != "latestPosts"}}}
        )
    except (KeyError, ValueError) as exc:
        raise MalformedResponseError(f"apify: a profile item lacks {exc}", endpoint="apify/profile") from None


def _media(item: dict[str, Any]) -> dict[str, Any]:
    image = {
        "url": item["displayUrl"],
        "width": item.get("dimensionsWidth"),
        "height": item.get("dimensionsHeight"),
    }
    return {
        "pk": item.get("id") or item.get("shortCode"),
        "media_type": _MEDIA_TYPES.get(str(item.get("type")), 2 if item.get("videoUrl") else 1),
        "image_versions2": {"candidates": [image]} if item.get("displayUrl") else None,
        "video_versions": [{"url": item["videoUrl"]}] if item.get("videoUrl") else None,
        "video_duration": item.get("videoDuration"),
    }


def post_from_apify(item: dict[str, Any]) -> Post:
    """A post item of `apify/instagram-scraper` (or a profile's `latestPosts` entry) as `Post`."""
    try:
        children = [c for c in item.get("childPosts") or [] if isinstance(c, dict)]
        post = Post.model_validate(
            {
                **_media(item),
                "code": item["shortCode"],
                "taken_at": _unix(item.get("timestamp")),
                "product_type": item.get("productType"),
                "caption": {"text": item["caption"]} if item.get("caption") else None,
                "like_count": _count(item.get("likesCount")),
                "comment_count": _count(item.get("commentsCount")),
                "play_count": _count(item.get("videoPlayCount")) or _count(item.get("videoViewCount")),
                "user": {"pk": item.get("ownerId")} if item.get("ownerId") else None,
                "carousel_media": [_media(c) for c in children],
            }
        )
    except (KeyError, ValueError) as exc:
        raise MalformedResponseError(f"apify: a post item lacks {exc}", endpoint="apify/feed") from None
    raw = {k: v for k, v in item.items() if k not in ("childPosts", "latestComments", "images")}
    return post.model_copy(update={"raw": {"source": "apify", **raw}})
