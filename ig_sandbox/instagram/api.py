"""Instagram's private API (`/api/v1/`) of the sandbox: a table of routes and their handlers.

A request needs the `X-IG-App-ID` header and a `sessionid` cookie (or mobile bearer token) issued by
the network; the session decides who the viewer is. Handlers build the normal answer; an active fault
may skip, delay or mangle it.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from ._mix import mix64
from .api_bodies import reel_ids, truncate_list
from .cdn import rewrite_cdn_urls
from .errors import CursorError
from .faults import (
    HTML_LOGIN_PAGE,
    LOGIN_REQUIRED,
    PLEASE_WAIT,
    SERVER_ERROR,
    Fault,
    challenge_body,
    checkpoint_body,
)
from .network import SandboxNetwork
from .relations import ManagedAccount
from .replies import PAGE_NOT_FOUND, Reply, dumps, int_or_none, json_reply, parse_cookie_header

if TYPE_CHECKING:
    from .server import SandboxServer

# App ids Instagram's clients send (web, Android, iOS, mobile web); anything else is refused.
KNOWN_APP_IDS = frozenset({"936619743392459", "567067343352427", "124024574287414", "1217981644879628"})
USERAGENT_MISMATCH = {"message": "useragent mismatch", "status": "fail"}
NOT_AUTHORIZED = {"message": "Not authorized to view user", "status": "fail"}
USER_NOT_FOUND = {"message": "User not found", "status": "fail"}
CSRF_FAILED = {"message": "CSRF token missing or incorrect", "status": "fail"}
_NONCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"


@dataclass(frozen=True)
class ApiRequest:
    """An `/api/v1/` request as the transport read it."""

    method: str
    path: str
    query: dict[str, str]
    raw_query: str  # reel ids may repeat, which `query` cannot hold
    body: bytes
    headers: Message


@dataclass(frozen=True)
class Call:
    """What a route's handler answers from: the matched route, the request and the viewer."""

    network: SandboxNetwork
    base_url: str  # the server's URL, which CDN links in answers are rewritten to
    route: str
    match: re.Match[str]
    query: dict[str, str]
    request: ApiRequest
    viewer: ManagedAccount


Handler = Callable[[Call], tuple[int, bytes]]


def _found(call: Call, data: dict[str, Any] | None) -> tuple[int, bytes]:
    if data is None:
        return 404, dumps(USER_NOT_FOUND)
    return 200, rewrite_cdn_urls(dumps(data), call.base_url)


def _with_cdn(call: Call, status: int, data: dict[str, Any]) -> tuple[int, bytes]:
    return status, rewrite_cdn_urls(dumps(data), call.base_url)


def _follow_list(call: Call) -> tuple[int, bytes]:
    network, query = call.network, call.query
    pk = int(call.match.group(1))
    target = network.managed_by_pk(pk)
    if target is None:  # only the sandbox's own accounts have visible lists
        exists = network.universe.index_of_pk(pk) is not None
        return (400, dumps(NOT_AUTHORIZED)) if exists else (404, dumps(USER_NOT_FOUND))
    try:
        count = int(query["count"]) if query.get("count") else None
    except ValueError:
        return 400, dumps({"message": "Invalid count", "status": "fail"})
    try:
        text = network.follow_list_json(
            target.name,
            "followers" if call.route == "followers" else "following",
            max_id=query.get("max_id") or None,
            count=count,
            query=query.get("query") or None,
        )
    except CursorError:
        return 400, dumps({"message": "Invalid max_id", "status": "fail"})
    return 200, text.encode()


def _user_info(call: Call) -> tuple[int, bytes]:
    return _found(call, call.network.user_info(int(call.match.group(1)), call.viewer))


def _usernameinfo(call: Call) -> tuple[int, bytes]:
    network = call.network
    index = network.universe.index_of_username(unquote(call.match.group(1)))
    return _found(
        call, network.user_info(network.universe.pk(index), call.viewer) if index is not None else None
    )


def _web_profile_info(call: Call) -> tuple[int, bytes]:
    return _found(call, call.network.web_profile_info(call.query.get("username", ""), call.viewer))


def _feed(call: Call) -> tuple[int, bytes]:
    try:
        count = int(call.query.get("count") or 12)
    except ValueError:
        count = 12
    pk = int(call.match.group(1))
    return _with_cdn(call, *call.network.user_feed(call.viewer, pk, call.query.get("max_id"), count))


def _comments(call: Call) -> tuple[int, bytes]:
    media_pk = int(call.match.group(1))
    return _with_cdn(call, *call.network.media_comments(call.viewer, media_pk, call.query.get("min_id")))


def _chaining(call: Call) -> tuple[int, bytes]:
    target = call.query.get("target_id", "")
    if not target.isdigit():
        return 400, dumps({"message": "Invalid target_id", "status": "fail"})
    return _with_cdn(call, *call.network.chaining(call.viewer, int(target)))


def _current_user(call: Call) -> tuple[int, bytes]:
    return _found(call, call.network.user_info(call.viewer.pk, call.viewer))


def _friendship(call: Call) -> tuple[int, bytes]:
    return _found(call, call.network.friendship(call.viewer, int(call.match.group(1))))


def _inbox(call: Call) -> tuple[int, bytes]:
    try:
        data = call.network.inbox(
            call.viewer.name,
            cursor=call.query.get("cursor") or None,
            limit=int_or_none(call.query.get("limit")),
            message_limit=int_or_none(call.query.get("thread_message_limit")),
        )
    except (CursorError, ValueError):
        return 400, dumps({"message": "Invalid cursor", "status": "fail"})
    return 200, dumps(data)


def _pending_inbox(call: Call) -> tuple[int, bytes]:
    data = call.network.inbox(call.viewer.name, limit=1, message_limit=0)
    data["inbox"].update({"threads": [], "has_older": False, "unseen_count": 0, "oldest_cursor": None})
    return 200, dumps(data)


def _story_tray(call: Call) -> tuple[int, bytes]:
    return _with_cdn(call, 200, call.network.reels_tray(call.viewer.name))


def _reels_media(call: Call) -> tuple[int, bytes]:
    request = call.request
    ids = reel_ids(request.raw_query, request.body, request.headers.get("Content-Type", ""))
    if ids is None:
        return 400, dumps({"message": "invalid user_ids or reel_ids", "status": "fail"})
    return _with_cdn(call, *call.network.reels_media(call.viewer.name, ids))


def _highlights(call: Call) -> tuple[int, bytes]:
    return _with_cdn(call, *call.network.highlights_tray(call.viewer, int(call.match.group(1))))


#: path pattern, route name (the endpoint kind counts and faults use), handler
ROUTES: tuple[tuple[re.Pattern[str], str, Handler], ...] = (
    (re.compile(r"^/api/v1/friendships/(\d+)/followers/?$"), "followers", _follow_list),
    (re.compile(r"^/api/v1/friendships/(\d+)/following/?$"), "following", _follow_list),
    (re.compile(r"^/api/v1/users/web_profile_info/?$"), "web_profile_info", _web_profile_info),
    (re.compile(r"^/api/v1/users/(\d+)/info/?$"), "user_info", _user_info),
    (re.compile(r"^/api/v1/users/([^/]+)/usernameinfo/?$"), "usernameinfo", _usernameinfo),
    (re.compile(r"^/api/v1/accounts/current_user/?$"), "current_user", _current_user),
    (re.compile(r"^/api/v1/friendships/show/(\d+)/?$"), "friendship", _friendship),
    (re.compile(r"^/api/v1/direct_v2/inbox/?$"), "inbox", _inbox),
    (re.compile(r"^/api/v1/direct_v2/pending_inbox/?$"), "pending_inbox", _pending_inbox),
    (re.compile(r"^/api/v1/feed/reels_tray/?$"), "story_tray", _story_tray),
    (re.compile(r"^/api/v1/feed/user/(\d+)/?$"), "feed", _feed),
    (re.compile(r"^/api/v1/media/(\d+)/comments/?$"), "comments", _comments),
    (re.compile(r"^/api/v1/discover/chaining/?$"), "chaining", _chaining),
    (re.compile(r"^/api/v1/feed/reels_media/?$"), "reels_media", _reels_media),
    (re.compile(r"^/api/v1/highlights/(\d+)/highlights_tray/?$"), "highlights", _highlights),
)
#: routes the app also POSTs to (with the CSRF token)
_POST_ROUTES = frozenset({"story_tray", "reels_media"})


def _route(path: str) -> tuple[str, re.Match[str] | None, Handler | None]:
    for pattern, name, handler in ROUTES:
        if match := pattern.match(path):
            return name, match, handler
    return "unknown", None, None


def _viewer(network: SandboxNetwork, headers: Message) -> tuple[ManagedAccount | None, bool]:
    """(account the request is logged in as, whether it authenticated with cookies)."""
    cookie_header = headers.get("Cookie")
    if cookie_header:
        sessionid = parse_cookie_header(cookie_header).get("sessionid")
        if sessionid:
            acct = network.account_for_session(sessionid)
            if acct is not None:
                return acct, True
    auth = headers.get("Authorization", "")
    if auth.startswith("Bearer IGT:2:"):
        try:
            token = json.loads(base64.b64decode(auth[len("Bearer IGT:2:") :] + "=="))
            acct = network.account_for_session(unquote(str(token.get("sessionid", ""))))
        except (ValueError, AttributeError):
            acct = None
        if acct is not None:
            return acct, False
    return None, False


def handle_api(sandbox: SandboxServer, request: ApiRequest) -> Reply:
    network = sandbox.network
    headers = request.headers
    route, match, handler = _route(request.path)
    if headers.get("X-IG-App-ID", "").strip() not in KNOWN_APP_IDS:
        sandbox.count(_public_kind(route, None, match, request.query, network), None)
        return json_reply(400, USERAGENT_MISMATCH)
    viewer, by_cookie = _viewer(network, headers)
    kind = _public_kind(route, viewer, match, request.query, network)
    sandbox.count(kind, viewer)
    if viewer is None:
        return json_reply(403, LOGIN_REQUIRED)
    if match is None or handler is None:
        return json_reply(404, PAGE_NOT_FOUND)
    allowed = ("GET", "POST") if route in _POST_ROUTES else ("GET",)
    if request.method not in allowed:
        return json_reply(405, {"message": "Method Not Allowed", "status": "fail"})
    if request.method == "POST" and by_cookie:
        sent = parse_cookie_header(headers.get("Cookie", "")).get("csrftoken")
        if not sent or headers.get("X-CSRFToken") != sent:
            return json_reply(403, CSRF_FAILED)
    if (nonce := network.checkpoints.get(viewer.index)) is not None:
        return json_reply(400, checkpoint_body(viewer.pk, nonce))  # held until the challenge is passed
    fault = sandbox.faults.check(kind, (viewer.name, network.universe.username(viewer.index)))
    call = Call(network, sandbox.url, route, match, request.query, request, viewer)
    if fault is None:
        return Reply(*handler(call))
    reply = _fault_reply(sandbox, fault, kind, call, handler)
    sandbox.faults_fired[fault.kind] += 1
    return reply


def _fault_reply(sandbox: SandboxServer, fault: Fault, kind: str, call: Call, handler: Handler) -> Reply:
    """The answer under `fault`, after its delay (the server's injected sleep)."""
    if fault.delay_seconds:
        sandbox.sleep(fault.delay_seconds)
    pk = call.viewer.pk
    nonce = "".join(_NONCE_ALPHABET[(mix64(pk + fault.fired + k) >> 7) % 56] for k in range(10))
    k = fault.kind
    if k == "rate_limit_429":
        headers = (("Retry-After", str(fault.retry_after)),) if fault.retry_after is not None else ()
        return json_reply(429, PLEASE_WAIT, headers)
    if k == "please_wait_401":
        return json_reply(401, PLEASE_WAIT)
    if k == "checkpoint_required":
        return json_reply(400, checkpoint_body(pk, nonce))
    if k == "challenge_required":
        return json_reply(400, challenge_body(pk, nonce))
    if k == "login_required":
        return json_reply(403, LOGIN_REQUIRED)
    if k == "server_error_500":
        return json_reply(500, SERVER_ERROR)
    if k == "malformed":
        if fault.variant == "html":
            return Reply(200, HTML_LOGIN_PAGE.encode(), "text/html; charset=utf-8")
        return json_reply(200, {"status": "ok"})
    status, payload = handler(call)
    if k == "truncated_body":
        return Reply(status, payload[: max(1, len(payload) // 2)])
    if k == "truncated_list" and status == 200:
        return Reply(status, dumps(truncate_list(kind, json.loads(payload))))
    return Reply(status, payload)  # "slow": the normal answer, late


def _public_kind(
    route: str,
    viewer: ManagedAccount | None,
    match: re.Match[str] | None,
    query: dict[str, str],
    network: SandboxNetwork,
) -> str:
    """Endpoint kind for counts and faults: any profile read of the viewer itself is `current_user`."""
    if route not in ("user_info", "usernameinfo", "web_profile_info"):
        return route
    if viewer is not None and match is not None:
        if route == "user_info" and match.group(1) == str(viewer.pk):
            return "current_user"
        name = unquote(match.group(1)) if route == "usernameinfo" else query.get("username", "")
        if route != "user_info" and network.universe.index_of_username(name) == viewer.index:
            return "current_user"
    return "user_info"
