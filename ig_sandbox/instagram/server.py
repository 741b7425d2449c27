"""The sandbox network over HTTP: Instagram's private API paths, bodies, status codes and cursors.

Stdlib only (`ThreadingHTTPServer`, HTTP/1.1 keep-alive, loopback only). Every `/api/v1/`
request needs the `X-IG-App-ID` header and a `sessionid` cookie (or mobile bearer token) issued
by the network; the session decides who the viewer is. `/__sandbox__/` is an admin API for
tests, demos and operators (faults, mutations, request counts); it needs no Instagram cookie
but only answers loopback peers. Cookie values are never logged or echoed.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, unquote, urlsplit

from ._mix import mix64
from .cdn import CDN_PREFIX, cdn_file, rewrite_cdn_urls
from .errors import CursorError, SandboxError
from .faults import (
    HTML_LOGIN_PAGE,
    LOGIN_REQUIRED,
    PLEASE_WAIT,
    SERVER_ERROR,
    Fault,
    FaultError,
    FaultRegistry,
    challenge_body,
    checkpoint_body,
)
from .login import is_web_route, web_route
from .network import SandboxNetwork
from .relations import ManagedAccount

# App ids Instagram's clients send (web, Android, iOS, mobile web); anything else is refused.
KNOWN_APP_IDS = frozenset({"936619743392459", "567067343352427", "124024574287414", "1217981644879628"})
USERAGENT_MISMATCH = {"message": "useragent mismatch", "status": "fail"}
NOT_AUTHORIZED = {"message": "Not authorized to view user", "status": "fail"}
USER_NOT_FOUND = {"message": "User not found", "status": "fail"}
PAGE_NOT_FOUND = {"message": "Sorry, this page isn't available.", "status": "fail"}
CSRF_FAILED = {"message": "CSRF token missing or incorrect", "status": "fail"}
JSON_TYPE = "application/json; charset=utf-8"

_ROUTES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^/api/v1/friendships/(\d+)/followers/?$"), "followers"),
    (re.compile(r"^/api/v1/friendships/(\d+)/following/?$"), "following"),
    (re.compile(r"^/api/v1/users/web_profile_info/?$"), "web_profile_info"),
    (re.compile(r"^/api/v1/users/(\d+)/info/?$"), "user_info"),
    (re.compile(r"^/api/v1/users/([^/]+)/usernameinfo/?$"), "usernameinfo"),
    (re.compile(r"^/api/v1/accounts/current_user/?$"), "current_user"),
    (re.compile(r"^/api/v1/friendships/show/(\d+)/?$"), "friendship"),
    (re.compile(r"^/api/v1/direct_v2/inbox/?$"), "inbox"),
    (re.compile(r"^/api/v1/direct_v2/pending_inbox/?$"), "pending_inbox"),
    (re.compile(r"^/api/v1/feed/reels_tray/?$"), "story_tray"),
    (re.compile(r"^/api/v1/feed/user/(\d+)/?$"), "feed"),
    (re.compile(r"^/api/v1/media/(\d+)/comments/?$"), "comments"),
    (re.compile(r"^/api/v1/discover/chaining/?$"), "chaining"),
    (re.compile(r"^/api/v1/feed/reels_media/?$"), "reels_media"),
    (re.compile(r"^/api/v1/highlights/(\d+)/highlights_tray/?$"), "highlights"),
]
#: routes the app also POSTs to (with the CSRF token)
_POST_ROUTES = frozenset({"story_tray", "reels_media"})


def _dumps(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


def is_loopback_host(host: str) -> bool:
    try:
        return all(ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None))
    except (OSError, ValueError):
        return False


class _Reply(Exception):
    """Raised inside a handler to answer immediately with (status, JSON body)."""

    def __init__(self, status: int, body: dict[str, Any], headers: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64
    sandbox: SandboxServer

    def __init__(self, address: tuple[str, int], sandbox: SandboxServer) -> None:
        self.sandbox = sandbox
        self._connections: set[socket.socket] = set()
        self._conn_lock = threading.Lock()
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.address_family = family
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._conn_lock:
            self._connections.add(request)
            self.sandbox.connections_opened += 1
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._conn_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Drop idle keep-alive connections so their threads end with the server."""
        with self._conn_lock:
            conns = list(self._connections)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sandbox"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = 120  # idle keep-alive connections are closed after this
    server: _HTTPServer

    # -- plumbing ------------------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet by default; never logs headers (cookies) or query strings (cursors)."""
        if self.server.sandbox.verbose:
            sys.stderr.write(f"sandbox: {format % args}\n")

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if self.server.sandbox.verbose:
            path = urlsplit(self.path).path if hasattr(self, "path") else "-"
            sys.stderr.write(f"sandbox: {getattr(self, 'command', '-')} {path} {code}\n")

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str = JSON_TYPE,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        # One write per response: status line, headers and body together.
        lines = [
            f"HTTP/1.1 {status} {HTTPStatus(status).phrase}",
            f"Content-Type: {content_type}",
            f"Content-Length: {len(body)}",
            f"Date: {self.date_time_string()}",
            "Cache-Control: private, no-cache, no-store, must-revalidate",
        ]
        lines.extend(f"{name}: {value}" for name, value in headers)
        if self.close_connection:
            lines.append("Connection: close")
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        self.log_request(status, len(body))

    def _send_json(
        self, status: int, data: dict[str, Any], headers: tuple[tuple[str, str], ...] = ()
    ) -> None:
        self._send(status, _dumps(data), JSON_TYPE, headers)

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is None:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                self.close_connection = True
                raise _Reply(411, {"message": "Length Required", "status": "fail"})
            return b""
        try:
            n = int(length)
        except ValueError:
            self.close_connection = True
            raise _Reply(400, {"message": "bad Content-Length", "status": "fail"}) from None
        if n < 0 or n > 1_000_000:
            self.close_connection = True
            raise _Reply(413, {"message": "body too large", "status": "fail"})
        return self.rfile.read(n) if n else b""

    def _dispatch(self, method: str) -> None:
        sandbox = self.server.sandbox
        try:
            body = self._read_body()
            split = urlsplit(self.path)
            path = split.path
            query = dict(parse_qsl(split.query, keep_blank_values=True))
            if path.startswith("/__sandbox__/"):
                self._admin(method, path, query, body)
            elif path.startswith("/api/v1/"):
                self._api(method, path, query, body)
            elif is_web_route(path):
                sandbox.count("web_login", None)
                cookies = _parse_cookie_header(self.headers.get("Cookie", ""))
                reply = web_route(sandbox.network, method, path, query, body, cookies, self.headers)
                self._send(reply.status, reply.body, reply.content_type, tuple(reply.headers))
            elif path.startswith(CDN_PREFIX) and method == "GET":
                sandbox.count("cdn", None)
                content, content_type = cdn_file(path)
                self._send(200, content, content_type=content_type)
            else:
                self._send_json(404, PAGE_NOT_FOUND)
        except _Reply as reply:
            self._send_json(reply.status, reply.body, reply.headers)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as exc:
            sys.stderr.write(
                f"sandbox: internal error on {method} {urlsplit(self.path).path}: {type(exc).__name__}: {exc}\n"
            )
            sandbox.internal_errors += 1
            try:
                self._send_json(500, {"message": "sandbox internal error", "status": "fail"})
            except OSError:
                self.close_connection = True

    # -- Instagram API -------------------------------------------------------------------------

    def _viewer(self) -> tuple[ManagedAccount | None, bool]:
        """(account the request is logged in as, whether it authenticated with cookies)."""
        network = self.server.sandbox.network
        cookie_header = self.headers.get("Cookie")
        if cookie_header:
            cookies = _parse_cookie_header(cookie_header)
            sessionid = cookies.get("sessionid")
            if sessionid:
                acct = network.account_for_session(sessionid)
                if acct is not None:
                    return acct, True
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer IGT:2:"):
            try:
                token = json.loads(base64.b64decode(auth[len("Bearer IGT:2:") :] + "=="))
                acct = network.account_for_session(unquote(str(token.get("sessionid", ""))))
            except (ValueError, AttributeError):
                acct = None
            if acct is not None:
                return acct, False
        return None, False

    def _api(self, method: str, path: str, query: dict[str, str], body: bytes) -> None:
        sandbox = self.server.sandbox
        network = sandbox.network
        route, match = "unknown", None
        for pattern, name in _ROUTES:
            match = pattern.match(path)
            if match:
                route = name
                break
        if self.headers.get("X-IG-App-ID", "").strip() not in KNOWN_APP_IDS:
            sandbox.count(_public_kind(route, None, match, query, network), None)
            raise _Reply(400, USERAGENT_MISMATCH)
        viewer, by_cookie = self._viewer()
        kind = _public_kind(route, viewer, match, query, network)
        sandbox.count(kind, viewer)
        if viewer is None:
            raise _Reply(403, LOGIN_REQUIRED)
        if match is None:
            raise _Reply(404, PAGE_NOT_FOUND)
        allowed = ("GET", "POST") if route in _POST_ROUTES else ("GET",)
        if method not in allowed:
            raise _Reply(405, {"message": "Method Not Allowed", "status": "fail"})
        if method == "POST" and by_cookie:
            sent = _parse_cookie_header(self.headers.get("Cookie", "")).get("csrftoken")
            if not sent or self.headers.get("X-CSRFToken") != sent:
                raise _Reply(403, CSRF_FAILED)
        if (nonce := network.checkpoints.get(viewer.index)) is not None:
            raise _Reply(400, checkpoint_body(viewer.pk, nonce))  # held until the challenge is passed
        fault = sandbox.faults.check(kind, (viewer.name, network.universe.username(viewer.index)))
        produce = self._producer(route, match, query, viewer, body)
        if fault is None:
            status, payload = produce()
            self._send(status, payload)
            return
        self._apply_fault(fault, kind, viewer, produce)

    def _producer(
        self,
        route: str,
        match: re.Match[str],
        query: dict[str, str],
        viewer: ManagedAccount,
        body: bytes = b"",
    ) -> Callable[[], tuple[int, bytes]]:
        """The normal answer of a route, as a thunk (faults may skip, delay or mangle it)."""
        network = self.server.sandbox.network

        def found(data: dict[str, Any] | None) -> tuple[int, bytes]:
            if data is None:
                return 404, _dumps(USER_NOT_FOUND)
            return 200, rewrite_cdn_urls(_dumps(data), self.server.sandbox.url)

        def follow_list() -> tuple[int, bytes]:
            pk = int(match.group(1))
            target = network.managed_by_pk(pk)
            if target is None:  # only the sandbox's own accounts have visible lists
                exists = network.universe.index_of_pk(pk) is not None
                return (400, _dumps(NOT_AUTHORIZED)) if exists else (404, _dumps(USER_NOT_FOUND))
            try:
                count = int(query["count"]) if query.get("count") else None
            except ValueError:
                return 400, _dumps({"message": "Invalid count", "status": "fail"})
            try:
                text = network.follow_list_json(
                    target.name,
                    route,
                    max_id=query.get("max_id") or None,
                    count=count,
                    query=query.get("query") or None,
                )
            except CursorError:
                return 400, _dumps({"message": "Invalid max_id", "status": "fail"})
            return 200, text.encode()

        def user_info() -> tuple[int, bytes]:
            return found(network.user_info(int(match.group(1)), viewer))

        def usernameinfo() -> tuple[int, bytes]:
            index = network.universe.index_of_username(unquote(match.group(1)))
            return found(network.user_info(network.universe.pk(index), viewer) if index is not None else None)

        def web_profile_info() -> tuple[int, bytes]:
            return found(network.web_profile_info(query.get("username", ""), viewer))

        def feed() -> tuple[int, bytes]:
            try:
                count = int(query.get("count") or 12)
            except ValueError:
                count = 12
            status, body = network.user_feed(viewer, int(match.group(1)), query.get("max_id"), count)
            return status, rewrite_cdn_urls(_dumps(body), self.server.sandbox.url)

        def comments() -> tuple[int, bytes]:
            status, body = network.media_comments(viewer, int(match.group(1)), query.get("min_id"))
            return status, rewrite_cdn_urls(_dumps(body), self.server.sandbox.url)

        def chaining() -> tuple[int, bytes]:
            target = query.get("target_id", "")
            if not target.isdigit():
                return 400, _dumps({"message": "Invalid target_id", "status": "fail"})
            status, body = network.chaining(viewer, int(target))
            return status, rewrite_cdn_urls(_dumps(body), self.server.sandbox.url)

        def current_user() -> tuple[int, bytes]:
            return found(network.user_info(viewer.pk, viewer))

        def friendship() -> tuple[int, bytes]:
            return found(network.friendship(viewer, int(match.group(1))))

        def inbox() -> tuple[int, bytes]:
            try:
                data = network.inbox(
                    viewer.name,
                    cursor=query.get("cursor") or None,
                    limit=_int_or_none(query.get("limit")),
                    message_limit=_int_or_none(query.get("thread_message_limit")),
                )
            except (CursorError, ValueError):
                return 400, _dumps({"message": "Invalid cursor", "status": "fail"})
            return 200, _dumps(data)

        def pending_inbox() -> tuple[int, bytes]:
            data = network.inbox(viewer.name, limit=1, message_limit=0)
            data["inbox"].update(
                {"threads": [], "has_older": False, "unseen_count": 0, "oldest_cursor": None}
            )
            return 200, _dumps(data)

        def story_tray() -> tuple[int, bytes]:
            return 200, rewrite_cdn_urls(_dumps(network.reels_tray(viewer.name)), self.server.sandbox.url)

        def reels_media() -> tuple[int, bytes]:
            ids = _reel_ids(urlsplit(self.path).query, body, self.headers.get("Content-Type", ""))
            if ids is None:
                return 400, _dumps({"message": "invalid user_ids or reel_ids", "status": "fail"})
            status, data = network.reels_media(viewer.name, ids)
            return status, rewrite_cdn_urls(_dumps(data), self.server.sandbox.url)

        def highlights() -> tuple[int, bytes]:
            status, data = network.highlights_tray(viewer, int(match.group(1)))
            return status, rewrite_cdn_urls(_dumps(data), self.server.sandbox.url)

        producers: dict[str, Callable[[], tuple[int, bytes]]] = {
            "followers": follow_list,
            "following": follow_list,
            "user_info": user_info,
            "usernameinfo": usernameinfo,
            "web_profile_info": web_profile_info,
            "current_user": current_user,
            "friendship": friendship,
            "inbox": inbox,
            "pending_inbox": pending_inbox,
            "story_tray": story_tray,
            "feed": feed,
            "comments": comments,
            "chaining": chaining,
            "reels_media": reels_media,
            "highlights": highlights,
        }
        return producers[route]

    def _apply_fault(
        self, fault: Fault, kind: str, viewer: ManagedAccount, produce: Callable[[], tuple[int, bytes]]
    ) -> None:
        sandbox = self.server.sandbox
        if fault.delay_seconds:
            time.sleep(fault.delay_seconds)
        nonce = "".join(
            "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"[
                (mix64(viewer.pk + fault.fired + k) >> 7) % 56
            ]
            for k in range(10)
        )
        k = fault.kind
        if k == "rate_limit_429":
            headers = (("Retry-After", str(fault.retry_after)),) if fault.retry_after is not None else ()
            self._send_json(429, PLEASE_WAIT, headers)
        elif k == "please_wait_401":
            self._send_json(401, PLEASE_WAIT)
        elif k == "checkpoint_required":
            self._send_json(400, checkpoint_body(viewer.pk, nonce))
        elif k == "challenge_required":
            self._send_json(400, challenge_body(viewer.pk, nonce))
        elif k == "login_required":
            self._send_json(403, LOGIN_REQUIRED)
        elif k == "server_error_500":
            self._send_json(500, SERVER_ERROR)
        elif k == "malformed":
            if fault.variant == "html":
                self._send(200, HTML_LOGIN_PAGE.encode(), "text/html; charset=utf-8")
            else:
                self._send_json(200, {"status": "ok"})
        elif k == "truncated_body":
            status, payload = produce()
            self._send(status, payload[: max(1, len(payload) // 2)])
        elif k == "truncated_list":
            status, payload = produce()
            if status == 200:
                payload = _dumps(_truncate_list(kind, json.loads(payload)))
            self._send(status, payload)
        else:  # "slow": the normal answer, late
            status, payload = produce()
            self._send(status, payload)
        sandbox.faults_fired[k] += 1

    # -- admin API -----------------------------------------------------------------------------

    def _admin(self, method: str, path: str, query: dict[str, str], body: bytes) -> None:
        sandbox = self.server.sandbox
        host = self.client_address[0] if isinstance(self.client_address, tuple) else ""
        try:
            loopback = ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise _Reply(
                403, {"message": "the sandbox admin API only answers loopback clients", "status": "fail"}
            )
        route = path.rstrip("/")
        data = _json_body(body) if method in ("POST", "PUT") else None
        if route == "/__sandbox__/health" and method == "GET":
            self._send_json(200, {"status": "ok", "url": sandbox.url})
        elif route == "/__sandbox__/accounts" and method == "GET":
            self._send_json(200, {"accounts": sandbox.accounts_summary(), "status": "ok"})
        elif route == "/__sandbox__/outbox" and method == "GET":
            with sandbox.network.lock:
                self._send_json(200, {"messages": list(sandbox.network.outbox), "status": "ok"})
        elif route == "/__sandbox__/faults" and method == "GET":
            self._send_json(200, {"faults": [f.to_dict() for f in sandbox.faults.list()], "status": "ok"})
        elif route == "/__sandbox__/faults" and method == "POST":
            items = (
                data
                if isinstance(data, list)
                else data.get("faults", [data])
                if isinstance(data, dict)
                else None
            )
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise _Reply(400, {"message": "expected a fault object or a list of them", "status": "fail"})
            try:
                new = [Fault.from_dict(i) for i in items]
            except FaultError as exc:
                raise _Reply(400, {"message": str(exc), "status": "fail"}) from None
            added = [sandbox.faults.add(f).to_dict() for f in new]
            self._send_json(
                200, {"added": added, "faults": [f.to_dict() for f in sandbox.faults.list()], "status": "ok"}
            )
        elif route == "/__sandbox__/faults" and method == "DELETE":
            fault_id = _int_or_none(query.get("id"))
            cleared = int(sandbox.faults.remove(fault_id)) if fault_id is not None else sandbox.faults.clear()
            self._send_json(200, {"cleared": cleared, "status": "ok"})
        elif route == "/__sandbox__/mutate" and method == "POST":
            if not isinstance(data, dict) or "op" not in data:
                raise _Reply(400, {"message": 'expected {"op": ..., ...}', "status": "fail"})
            params = {k: v for k, v in data.items() if k != "op"}
            try:
                result = sandbox.network.mutate(str(data["op"]), **params)
            except (SandboxError, ValueError, TypeError) as exc:
                raise _Reply(400, {"message": str(exc), "status": "fail"}) from None
            sandbox.save_state()
            self._send_json(200, {"result": result, "status": "ok"})
        elif route == "/__sandbox__/stats" and method == "GET":
            self._send_json(200, {**sandbox.stats(), "status": "ok"})
        elif route == "/__sandbox__/reset-stats" and method == "POST":
            sandbox.reset_stats()
            self._send_json(200, {"status": "ok"})
        elif route == "/__sandbox__/save" and method == "POST":
            saved = sandbox.save_state()
            self._send_json(200, {"state_file": str(saved) if saved else None, "status": "ok"})
        else:
            raise _Reply(404, {"message": f"no admin endpoint {method} {route}", "status": "fail"})


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


def _truncate_list(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The silent truncation a shrink guard must catch: fewer items and no continuation."""
    if kind in ("followers", "following"):
        data["users"] = data.get("users", [])[: len(data.get("users", [])) // 2]
        data.pop("next_max_id", None)
    elif kind in ("inbox", "pending_inbox"):
        inbox = data.get("inbox", {})
        inbox["threads"] = inbox.get("threads", [])[: len(inbox.get("threads", [])) // 2]
        inbox["has_older"] = False
        inbox["oldest_cursor"] = None
    elif kind in ("story_tray", "highlights"):
        data["tray"] = data.get("tray", [])[: len(data.get("tray", [])) // 2]
    elif kind == "reels_media":
        kept = list(data.get("reels", {}).items())[: len(data.get("reels", {})) // 2]
        data["reels"] = dict(kept)
        data["reels_media"] = [reel for _, reel in kept]
    return data


def _reel_ids(query: str, body: bytes, content_type: str) -> list[str] | None:
    """The reel ids of a `feed/reels_media/` request, however the client sends them: `reel_ids` in the
    query (repeated or comma-separated), or a POST of `user_ids`/`reel_ids` as the app's signed body
    (`signed_body=SIGNATURE.<json>`), plain form fields (JSON lists or comma-separated) or a JSON object.
    None when the body cannot be read."""
    ids: list[str] = []

    def add(value: Any) -> bool:
        if isinstance(value, list):
            ids.extend(str(v) for v in value if isinstance(v, (str, int)) and not isinstance(v, bool))
            return True
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            text = str(value).strip()
            if text.startswith("["):
                try:
                    return add(json.loads(text))
                except ValueError:
                    return False
            ids.extend(part for part in text.split(",") if part.strip())
            return True
        return False

    for name, value in parse_qsl(query, keep_blank_values=False):
        if name in ("reel_ids", "reel_ids[]", "user_ids"):
            add(value)
    if body.strip():
        fields: dict[str, Any]
        if content_type.split(";")[0].strip().lower() == "application/json":
            try:
                data = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                return None
            if not isinstance(data, dict):
                return None
            fields = data
        else:
            try:
                pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=False, strict_parsing=False)
            except UnicodeDecodeError:
                return None
            fields = {}
            for name, value in pairs:
                if name == "signed_body":
                    try:
                        signed = json.loads(value.split(".", 1)[1])
                    except (IndexError, ValueError):
                        return None
                    if isinstance(signed, dict):
                        fields.update(signed)
                else:
                    fields.setdefault(name, value)
        for name in ("user_ids", "reel_ids"):
            if name in fields and not add(fields[name]):
                return None
    return ids


def _parse_cookie_header(header: str) -> dict[str, str]:
    cookies: dict[str, str] = {}
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name:
            cookies[name] = value.strip()
    return cookies


def _int_or_none(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    return int(value)


def _json_body(body: bytes) -> Any:
    if not body.strip():
        return {}
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise _Reply(400, {"message": "the body is not valid JSON", "status": "fail"}) from None


class SandboxServer:
    """The sandbox HTTP server. Use as a context manager or call `start()`/`stop()`.

    `request_counts` counts `/api/v1/` requests by endpoint kind (followers, following,
    current_user, user_info, inbox, pending_inbox, story_tray, reels_media, highlights, friendship,
    unknown); `account_counts` by (account, kind).
    """

    def __init__(
        self,
        network: SandboxNetwork,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        state_file: str | Path | None = None,
        verbose: bool = False,
    ) -> None:
        if not is_loopback_host(host):
            raise ValueError(f"the sandbox only binds loopback addresses, not {host!r}")
        self.network = network
        self.host = host
        self.port = port
        self.state_file = Path(state_file) if state_file is not None else None
        self.verbose = verbose
        self.faults = FaultRegistry()
        self.request_counts: Counter[str] = Counter()
        self.account_counts: Counter[tuple[str, str]] = Counter()
        self.faults_fired: Counter[str] = Counter()
        self.internal_errors = 0
        self.connections_opened = 0  # TCP connections accepted (keep-alive reuses one)
        self._stats_lock = threading.Lock()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> Self:
        if self._httpd is not None:
            return self
        self._httpd = _HTTPServer((self.host, self.port), self)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.2}, name="ig-sandbox", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.close_connections()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.save_state()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL, e.g. `http://127.0.0.1:41234` (use it for both www and i.instagram.com)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    # -- bookkeeping ---------------------------------------------------------------------------

    def count(self, kind: str, viewer: ManagedAccount | None) -> None:
        with self._stats_lock:
            self.request_counts[kind] += 1
            if viewer is not None:
                self.account_counts[(viewer.name, kind)] += 1

    def reset_stats(self) -> None:
        with self._stats_lock:
            self.request_counts.clear()
            self.account_counts.clear()
            self.faults_fired.clear()
            self.connections_opened = 0

    def stats(self) -> dict[str, Any]:
        with self._stats_lock:
            by_account: dict[str, dict[str, int]] = {}
            for (account, kind), n in sorted(self.account_counts.items()):
                by_account.setdefault(account, {})[kind] = n
            return {
                "request_counts": dict(sorted(self.request_counts.items())),
                "by_account": by_account,
                "faults_fired": dict(self.faults_fired),
                "active_faults": [f.to_dict() for f in self.faults.list()],
                "internal_errors": self.internal_errors,
                "connections_opened": self.connections_opened,
            }

    def accounts_summary(self) -> list[dict[str, Any]]:
        network = self.network
        with network.lock:
            return [
                {
                    "account": a.name,
                    "username": network.universe.username(a.index),
                    "pk": a.pk,
                    "follower_count": a.followers.count,
                    "following_count": a.following.count,
                    "generation": a.generation,
                    "inbox_threads": a.spec.inbox_threads + len(a.new_threads),
                    "tray_reels": a.spec.tray_reels,
                }
                for a in network.accounts.values()
            ]

    def save_state(self) -> Path | None:
        if self.state_file is None:
            return None
        return self.network.save_state(self.state_file)
