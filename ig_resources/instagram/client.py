"""The httpx implementation of `InstagramClient`: Instagram's private REST API with a web session.

It speaks to `/api/v1/` with the headers the instagram.com web app sends (shared/reference/instagram-api.md
§1) and turns every answer that is not a usable body into one typed error from `errors.py` (§9). Every
request goes through `WebApiClient._request`, the single place where retries, backoff and pacing will go.
Usable bodies become models through the pure functions of `parsers.py`.
"""

from __future__ import annotations

import functools
import json
import re
import ssl
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any, Final
from urllib.parse import unquote, urlsplit
from uuid import uuid4

import httpx

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
from .pacing import Pacer
from .parsers import (
    KIND_COMMENTS,
    KIND_CURRENT_USER,
    KIND_FEED,
    KIND_FOLLOWERS,
    KIND_FOLLOWING,
    KIND_HIGHLIGHTS,
    KIND_INBOX,
    KIND_PROFILE,
    KIND_REELS_MEDIA,
    KIND_RELATED,
    KIND_STORY_TRAY,
    comments_page_from_mobile,
    current_user_from_mobile,
    feed_page_from_mobile,
    follow_page_from_mobile,
    highlights_from_mobile,
    inbox_page_from_mobile,
    profile_details_from_body,
    reels_from_mobile,
    related_from_mobile,
    story_tray_from_mobile,
)
from .session import SessionCookies

DEFAULT_API_BASE_URL: Final = "https://i.instagram.com"
DEFAULT_WEB_BASE_URL: Final = "https://www.instagram.com"
#: Used when the account has no stored user agent: a current desktop Chrome, matching the web app id.
DEFAULT_USER_AGENT: Final = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/138.0.0.0 Safari/537.36"
)
WEB_APP_ID: Final = "936619743392459"
ASBD_ID: Final = "129477"  # the value instagrapi sends (other clients send 198387 or 359341)
MAX_PAGE_SIZE: Final = 200  # the largest friendships page clients ask for (instagrapi's count)
INBOX_PAGE_LIMIT: Final = 20
FEED_PAGE_SIZE: Final = 12  # what the app asks for
#: reel ids per `feed/reels_media/` request: Instagram takes up to 50, the app asks for about 20 at a time
REELS_MEDIA_CHUNK: Final = 20

_Params = Mapping[str, str] | Sequence[tuple[str, str]]
_HIGHLIGHT_ID: Final = re.compile(r"^highlight:\d+$")
_PLEASE_WAIT: Final = "please wait a few minutes"
_CHECKPOINT_SIGNALS: Final = frozenset(
    {"checkpoint_required", "challenge_required", "checkpoint_challenge_required"}
)
_MIN_REDACTED_LENGTH: Final = 8  # shorter cookie values ("1", "0") are flags, not secrets worth masking


# --------------------------------------------------------------------------------------------------
# Classification of answers (reference §9, in instagrapi's order)
# --------------------------------------------------------------------------------------------------


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    """One TLS context (httpx's default: certifi's CA bundle) for every client of the process: building
    one takes ~16 ms of CPU, which a sensor opening a client per account cannot pay a thousand times."""
    return httpx.create_ssl_context()


def _no_redaction(text: str) -> str:
    return text


def _snippet(text: str, limit: int = 120) -> str:
    """One line, at most `limit` characters: enough to recognise a server message, never a whole body."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def retry_after_from(
    headers: Mapping[str, str] | httpx.Headers, *, now: datetime | None = None
) -> datetime | None:
    """`Retry-After` as an absolute time: delta-seconds or an HTTP date; None when absent or unreadable."""
    value = httpx.Headers(headers).get("retry-after", "").strip()
    if not value:
        return None
    now = now or datetime.now(UTC)
    if value.isdigit():
        return now + timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def classify_response(
    kind: str,
    status_code: int,
    body: Any,
    *,
    text: str = "",
    headers: Mapping[str, str] | httpx.Headers | None = None,
    redact: Callable[[str], str] = _no_redaction,
) -> InstagramError | None:
    """The typed error an answer means, or None when it is a usable JSON object.

    `body` is the decoded JSON (None when the body was empty or not JSON); `text` the raw body, consulted
    only when it is not JSON (so a bio that says "please wait a few minutes" cannot look like a throttle).
    """
    hdrs = httpx.Headers(headers or {})
    data = body if isinstance(body, dict) else {}
    message = data.get("message") if isinstance(data.get("message"), str) else ""
    error_type = data.get("error_type") if isinstance(data.get("error_type"), str) else ""
    said = f' ("{redact(_snippet(message))}")' if message else ""
    lowered = message.lower()

    def make(cls: type[InstagramError], what: str, **extra: Any) -> InstagramError:
        return cls(f"{kind}: {what}", endpoint=kind, status_code=status_code, **extra)

    # 1. The throttle text wins at any status (instagrapi checks it first; it often comes as a 401).
    haystack = message if body is not None else text
    if _PLEASE_WAIT in haystack.lower():
        return make(
            RateLimitedError,
            "Instagram asks to wait a few minutes before trying again",
            retry_after=retry_after_from(hdrs),
        )

    # 2. Redirects are never followed: on the API they mean the web session is gone or challenged.
    if 300 <= status_code < 400:
        target = urlsplit(hdrs.get("location", "")).path
        if "/challenge" in target or "/checkpoint" in target:
            return make(CheckpointRequiredError, "redirected to a challenge page", challenge_url=target)
        if "/accounts/login" in target:
            return make(AuthenticationError, "redirected to the login page: the session is logged out")
        where = redact(_snippet(target, 60)) or "nowhere"
        return make(InstagramError, f"unexpected redirect (HTTP {status_code}) to {where}")

    if status_code == 429:
        return make(RateLimitedError, f"too many requests{said}", retry_after=retry_after_from(hdrs))

    # 3. Instagram's own error vocabulary, whatever the status.
    failed = data.get("status") not in (None, "ok") or status_code >= 400
    challenge = data.get("challenge") if isinstance(data.get("challenge"), dict) else None
    signals = {lowered, error_type}
    if signals & _CHECKPOINT_SIGNALS or (
        failed and (challenge is not None or isinstance(data.get("checkpoint_url"), str))
    ):
        url = data.get("checkpoint_url") or (challenge or {}).get("url") or (challenge or {}).get("api_path")
        url = url if isinstance(url, str) else None
        suspended = bool(url) and "/suspended" in url
        what = "the account is suspended" if suspended else "Instagram requires a checkpoint"
        detail = redact(_snippet(message or error_type or "challenge", 60))
        return make(CheckpointRequiredError, f"{what} ({detail})", challenge_url=url)
    if "consent_required" in signals:
        # A person must accept new terms in the app: the same remedy as a checkpoint.
        return make(CheckpointRequiredError, "Instagram requires accepting its terms (consent_required)")
    if signals & {"login_required", "user_has_logged_out"}:
        return make(AuthenticationError, f"the session is logged out{said}")
    if error_type in ("bad_password", "invalid_user") or (failed and data.get("invalid_credentials") is True):
        return make(AuthenticationError, f"the credentials were refused{said}")
    if signals & {"feedback_required", "sentry_block"} or (failed and data.get("spam") is True):
        title = data.get("feedback_title") if isinstance(data.get("feedback_title"), str) else ""
        detail = redact(_snippet(title or message or error_type))
        return make(ActionBlockedError, f"Instagram blocked the action ({detail})")
    if error_type == "rate_limit_error":
        return make(RateLimitedError, f"rate limited{said}", retry_after=retry_after_from(hdrs))
    if "not authorized to view user" in lowered or "not eligible for chaining" in lowered:
        return make(PrivateAccountError, f"the account is private{said}")
    if "user not found" in lowered or "unable to fetch followers" in lowered:
        return make(NotFoundError, f"no such user{said}")

    # 4. By status.
    if status_code in (401, 403):
        return make(AuthenticationError, f"access refused (HTTP {status_code}){said}")
    if status_code == 404:
        return make(NotFoundError, f"not found{said}")
    if status_code >= 500:
        return make(ServerError, f"Instagram answered HTTP {status_code}{said}")
    if status_code >= 400 or status_code < 200:
        return make(InstagramError, f"unexpected HTTP {status_code}{said}")

    # 5. A 2xx must be a JSON object that does not itself report a failure.
    if body is None:
        content_type = hdrs.get("content-type", "no content type").split(";")[0]
        return make(MalformedResponseError, f"the body is not JSON ({content_type}, {len(text)} characters)")
    if not isinstance(body, dict):
        return make(MalformedResponseError, f"the body is JSON but not an object ({type(body).__name__})")
    if data.get("status") not in (None, "ok"):
        status_text = redact(_snippet(str(data.get("status")), 20))
        return make(InstagramError, f"Instagram answered status {status_text!r}{said}")
    graph = data.get("data")
    if isinstance(graph, dict) and "user" in graph and graph["user"] is None:
        return make(NotFoundError, "no such user (data.user is null)")
    return None


# --------------------------------------------------------------------------------------------------
# The client
# --------------------------------------------------------------------------------------------------


class WebApiClient:
    """`InstagramClient` over httpx with a logged-in web session's cookies.

    One keep-alive `httpx.Client` per instance; use it as a context manager (or call `close()`).
    Redirects are not followed: a redirect to `/accounts/login/` is an `AuthenticationError`.
    """

    def __init__(
        self,
        session: SessionCookies,
        *,
        api_base_url: str = DEFAULT_API_BASE_URL,
        web_base_url: str = DEFAULT_WEB_BASE_URL,
        user_agent: str | None = None,
        page_size: int = MAX_PAGE_SIZE,
        timeout_seconds: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, not {page_size}")
        if timeout_seconds <= 0:
            raise ValueError("timeout_seconds must be positive")
        self.requests: Counter[str] = Counter()
        self.api_base_url = api_base_url.rstrip("/")
        #: kept for web pages (Referer now; the login flow later)
        self.web_base_url = web_base_url.rstrip("/")
        self.page_size = page_size
        self.timeout_seconds = timeout_seconds
        self._account_ig_user_id = session.ig_user_id
        cookies = session.plain()
        self._secrets = _secret_fragments(cookies)
        self._www_claim = "0"  # the web app starts with 0 and then echoes x-ig-set-www-claim
        self._pacer = pacer
        #: waits, pauses and retries so far (None when not paced)
        self.pacing = pacer.stats if pacer is not None else None
        headers = {
            "User-Agent": user_agent or DEFAULT_USER_AGENT,
            "X-IG-App-ID": WEB_APP_ID,
            "X-ASBD-ID": ASBD_ID,
            "X-Requested-With": "XMLHttpRequest",
            "Referer": f"{self.web_base_url}/",
            "Accept": "*/*",
            # An explicit Cookie header (rather than httpx's jar) sends the session to whatever host the
            # configured base URL names, e.g. the loopback sandbox, and wins over anything the jar collects.
            "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
        }
        if cookies.get("csrftoken"):
            headers["X-CSRFToken"] = cookies["csrftoken"]
        self._http = httpx.Client(
            base_url=self.api_base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout_seconds),
            limits=httpx.Limits(max_connections=4, max_keepalive_connections=2, keepalive_expiry=60.0),
            follow_redirects=False,
            transport=transport,
            verify=shared_ssl_context(),
        )

    # -- context manager ---------------------------------------------------------------------------

    def __enter__(self) -> WebApiClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def __repr__(self) -> str:
        return (
            f"WebApiClient(api_base_url={self.api_base_url!r}, "
            f"account_ig_user_id={self._account_ig_user_id!r})"
        )

    # -- endpoints ---------------------------------------------------------------------------------

    def current_user(self) -> UserProfile:
        kind = KIND_CURRENT_USER
        body = self._request(kind, "GET", f"/api/v1/users/{_user_id_path(self._account_ig_user_id)}/info/")
        return current_user_from_mobile(body, kind=kind)

    def profile_details(self, username: str, ig_user_id: str) -> ProfileDetails:
        """One profile in full, in one request when the handle is current.

        `web_profile_info` by handle is asked first: its body also carries the newest posts, hence the
        last post time. A 404 there means the handle changed or the user is gone, so the permanent pk
        decides (`users/{pk}/info/`), as reference §11 advises; a NotFoundError from it is final.
        """
        kind = KIND_PROFILE
        user_id = _user_id_path(ig_user_id)
        try:
            body = self._request(kind, "GET", "/api/v1/users/web_profile_info/", {"username": username})
        except NotFoundError:
            body = self._request(kind, "GET", f"/api/v1/users/{user_id}/info/")
        return profile_details_from_body(body, kind=kind)

    def iter_user_feed(self, ig_user_id: str, username: str | None = None) -> Iterator[FeedPage]:
        """The user's posts, newest first, a page at a time: stop pulling to stop asking (the
        incremental scan stops at the first post it already has). The web API needs only the user id."""
        return self._iter_feed(_user_id_path(ig_user_id))

    def _iter_feed(self, ig_user_id: str) -> Iterator[FeedPage]:
        kind = KIND_FEED
        cursor: str | None = None
        seen_cursors: set[str] = set()
        while True:
            query = {"count": str(FEED_PAGE_SIZE)} | ({"max_id": cursor} if cursor else {})
            body = self._request(kind, "GET", f"/api/v1/feed/user/{ig_user_id}/", query)
            page = feed_page_from_mobile(body, kind=kind)
            del body
            yield page
            if (
                not page.items
                or not page.more_available
                or not page.next_max_id
                or page.next_max_id in seen_cursors
            ):
                return
            seen_cursors.add(page.next_max_id)
            cursor = page.next_max_id

    def iter_comments(self, media_pk: str) -> Iterator[CommentsPage]:
        """Every page of a post's comments, newest first."""
        if not str(media_pk).strip().isdigit():
            raise ValueError("media_pk must be a numeric Instagram media id")
        return self._iter_comments(str(media_pk).strip())

    def _iter_comments(self, media_pk: str) -> Iterator[CommentsPage]:
        kind = KIND_COMMENTS
        params: dict[str, str] = {"can_support_threading": "true", "permalink_enabled": "false"}
        seen_cursors: set[str] = set()
        while True:
            body = self._request(kind, "GET", f"/api/v1/media/{media_pk}/comments/", params)
            page = comments_page_from_mobile(body, kind=kind)
            del body
            if not page.comments:
                return
            yield page
            # Newest-first pages continue with next_min_id, older-first ones with next_max_id.
            name, cursor = ("min_id", page.next_min_id) if page.next_min_id else ("max_id", page.next_max_id)
            if not cursor or cursor in seen_cursors:
                return
            seen_cursors.add(cursor)
            params = {"can_support_threading": "true", "permalink_enabled": "false", name: cursor}

    def related_accounts(self, ig_user_id: str) -> list[UserSummary]:
        """Accounts Instagram suggests beside this one (`discover/chaining`, one page); a private or
        flagged target raises PrivateAccountError ("Not eligible for chaining.")."""
        kind = KIND_RELATED
        query = {"target_id": _user_id_path(ig_user_id), "module": "profile"}
        body = self._request(kind, "GET", "/api/v1/discover/chaining/", query)
        return related_from_mobile(body, kind=kind)

    def iter_followers(self, ig_user_id: str) -> Iterator[FollowPage]:
        # Not a generator itself, so a bad pk fails at the call rather than at the first next().
        return self._iter_follow_list(KIND_FOLLOWERS, _user_id_path(ig_user_id))

    def iter_following(self, ig_user_id: str) -> Iterator[FollowPage]:
        return self._iter_follow_list(KIND_FOLLOWING, _user_id_path(ig_user_id))

    def iter_inbox_threads(self) -> Iterator[InboxThread]:
        kind = KIND_INBOX
        params = {
            "visual_message_return_type": "unseen",
            "thread_message_limit": "10",
            "persistentBadging": "true",
            "limit": str(INBOX_PAGE_LIMIT),
        }
        first_seq_id: int | None = None
        cursor: str | None = None
        seen_cursors: set[str] = set()
        while True:
            query = dict(params)
            if cursor is not None:
                query.update(cursor=cursor, direction="older")
                if first_seq_id is not None:
                    query["seq_id"] = str(first_seq_id)
            body = self._request(kind, "GET", "/api/v1/direct_v2/inbox/", query)
            page = inbox_page_from_mobile(body, kind=kind)
            del body  # the page keeps what we model; the raw body (with message items) can go
            if cursor is None:
                first_seq_id = page.seq_id  # later pages must ask relative to the first snapshot
            yield from page.threads
            # Stop on has_older false (dilame, mautrix) or a missing/repeated cursor (instagrapi).
            if not page.has_older or not page.oldest_cursor or page.oldest_cursor in seen_cursors:
                return
            seen_cursors.add(page.oldest_cursor)
            cursor = page.oldest_cursor

    def story_tray(self) -> StoryTray:
        kind = KIND_STORY_TRAY
        body = self._request(kind, "GET", "/api/v1/feed/reels_tray/")
        return story_tray_from_mobile(body, kind=kind)

    def reels_media(self, ig_user_ids: Sequence[str]) -> dict[str, Reel]:
        """The current stories of these users, keyed by ig_user_id: a signed POST of `user_ids` to
        `feed/reels_media/` per 20 ids, as the app sends it. Users without a visible story are absent."""
        if isinstance(ig_user_ids, str):
            raise TypeError("ig_user_ids must be a sequence of user ids, not one string")
        # every id checked before any request
        user_ids = list(dict.fromkeys(_user_id_path(ig_user_id) for ig_user_id in ig_user_ids))
        reels: dict[str, Reel] = {}
        for start in range(0, len(user_ids), REELS_MEDIA_CHUNK):
            payload = json.dumps(
                {"user_ids": user_ids[start : start + REELS_MEDIA_CHUNK], "source": "reel_feed_timeline"},
                separators=(",", ":"),
            )
            form = {"signed_body": f"SIGNATURE.{payload}"}
            body = self._request(KIND_REELS_MEDIA, "POST", "/api/v1/feed/reels_media/", data=form)
            reels.update(reels_from_mobile(body, kind=KIND_REELS_MEDIA))
        return reels

    def highlight_reels(self, ig_user_id: str) -> list[Reel]:
        """The user's highlight folders in profile order, each with its items: the folders from
        `highlights/{pk}/highlights_tray/`, their items from `feed/reels_media/?reel_ids=highlight:<n>`
        (20 folders a request). A folder Instagram returns no items for keeps an empty `items`."""
        kind = KIND_HIGHLIGHTS
        body = self._request(kind, "GET", f"/api/v1/highlights/{_user_id_path(ig_user_id)}/highlights_tray/")
        folders = highlights_from_mobile(body, kind=kind)
        del body
        # Only well-formed ids go into a URL; anything else keeps the folder without items.
        ids = [f.id for f in folders if _HIGHLIGHT_ID.match(f.id)]
        found: dict[str, Reel] = {}
        for start in range(0, len(ids), REELS_MEDIA_CHUNK):
            query = [("reel_ids", reel_id) for reel_id in ids[start : start + REELS_MEDIA_CHUNK]]
            body = self._request(KIND_REELS_MEDIA, "GET", "/api/v1/feed/reels_media/", query)
            found.update(reels_from_mobile(body, kind=KIND_REELS_MEDIA))
        out: list[Reel] = []
        for folder in folders:
            reel = found.get(folder.id)
            if reel is None:
                out.append(folder)
                continue
            count = folder.media_count if folder.media_count is not None else reel.media_count
            out.append(
                folder.model_copy(
                    update={
                        "items": reel.items,
                        "media_count": count,
                        "title": folder.title or reel.title,
                        "created_at": folder.created_at or reel.created_at,
                        "latest_reel_media": folder.latest_reel_media or reel.latest_reel_media,
                    }
                )
            )
        return out

    def _iter_follow_list(self, kind: str, ig_user_id: str) -> Iterator[FollowPage]:
        path = f"/api/v1/friendships/{ig_user_id}/{kind}/"
        params = {
            "count": str(self.page_size),
            "search_surface": "follow_list_page",
            # One rank token per listing, as the app does: it keeps the server's order stable across pages.
            "rank_token": f"{self._account_ig_user_id}_{uuid4()}",
        }
        cursor: str | None = None
        seen_cursors: set[str] = set()
        while True:
            query = dict(params) if cursor is None else {**params, "max_id": cursor}
            body = self._request(kind, "GET", path, query)
            page = follow_page_from_mobile(body, kind=kind)
            del body
            if not page.users:
                return
            yield page
            # next_max_id is the only trustworthy signal; has_more is false on middle pages (reference §3).
            if not page.next_max_id or page.next_max_id in seen_cursors:
                return
            seen_cursors.add(page.next_max_id)
            cursor = page.next_max_id

    # -- the choke point ---------------------------------------------------------------------------

    def _request(
        self,
        kind: str,
        method: str,
        path: str,
        params: _Params | None = None,
        data: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Send one request and return its JSON object, or raise the typed error it means.

        Every request of the client passes here. With a `Pacer`, each attempt first waits for the
        account's budget and a short pause, and a 429 or 5xx is retried after a backoff (honouring
        `Retry-After`) until the pacer's retries are spent.
        """
        attempt = 0
        while True:
            if self._pacer is not None:
                self._pacer.before_request(kind)
            try:
                return self._send(kind, method, path, params, data)
            except (RateLimitedError, ServerError) as exc:
                if self._pacer is None:
                    raise
                attempt += 1
                delay = self._pacer.retry_delay(
                    kind, attempt, retry_after=exc.retry_after, now=datetime.now(UTC)
                )
                if delay is None:
                    raise
                self._pacer.sleep(delay)

    def _send(
        self,
        kind: str,
        method: str,
        path: str,
        params: _Params | None = None,
        data: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """One attempt; `data` is sent form-encoded (the app's POST bodies). Errors are raised `from None`:
        an httpx exception carries the request, hence the cookies."""
        self.requests[kind] += 1
        try:
            response = self._http.request(
                method, path, params=params, data=data, headers={"X-IG-WWW-Claim": self._www_claim}
            )
        except httpx.TimeoutException as exc:
            raise ServerError(
                f"{kind}: no answer within {self.timeout_seconds:g} s ({type(exc).__name__})", endpoint=kind
            ) from None
        except httpx.DecodingError as exc:
            raise MalformedResponseError(
                f"{kind}: the body could not be decoded ({type(exc).__name__})", endpoint=kind
            ) from None
        except httpx.RequestError as exc:  # connect/read/write/protocol errors
            detail = self._redact(_snippet(str(exc), 80))
            raise ServerError(
                f"{kind}: connection failed ({type(exc).__name__}: {detail})", endpoint=kind
            ) from None

        headers = response.headers
        status_code = response.status_code
        claim = headers.get("x-ig-set-www-claim")
        if claim:
            self._www_claim = claim
        content = response.content
        try:
            body: Any = json.loads(content) if content.strip() else None
        except ValueError:  # JSONDecodeError or undecodable bytes: truncated or not JSON at all
            body = None
        # The raw text only matters when there is no JSON (an HTML error page, a bare "Please wait ...").
        text = content.decode("utf-8", "replace") if body is None else ""
        del content, response  # only the decoded body lives on: pages can be large and many
        error = classify_response(kind, status_code, body, text=text, headers=headers, redact=self._redact)
        if error is not None:
            raise error
        return body  # type: ignore[no-any-return]  # classify_response returns None only for a dict

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text


def _secret_fragments(cookies: Mapping[str, str]) -> tuple[str, ...]:
    """What to mask should a server ever echo a cookie back in an error message: each value, URL-decoded
    too, and the parts of `sessionid` after the account pk (`<pk>:<secret>:...`). `ds_user_id` is the
    public pk, not a secret. Longest first, so a whole value is masked before its parts."""
    fragments: set[str] = set()
    for name, value in cookies.items():
        if name == "ds_user_id":
            continue
        decoded = unquote(value)
        fragments.update((value, decoded))
        if name == "sessionid":
            fragments.update(decoded.split(":")[1:])
    return tuple(sorted((f for f in fragments if len(f) >= _MIN_REDACTED_LENGTH), key=len, reverse=True))


def _user_id_path(ig_user_id: str | int) -> str:
    # The id goes into the URL path: only digits may, so no id can change which endpoint is called.
    user_id = str(ig_user_id).strip()
    if not user_id.isdigit():
        raise ValueError("ig_user_id must be a numeric Instagram user id")
    return user_id
