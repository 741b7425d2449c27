"""The sandbox network over HTTP: the transport, and the server object tests and the CLI hold.

Stdlib only (`ThreadingHTTPServer`, HTTP/1.1 keep-alive, loopback only). The transport reads a
request and hands it to one of: Instagram's private API (`api.py`, a table of routes), the admin
API (`admin.py`), the web login pages (`login.py`) or the CDN (`cdn.py`); each answers with a
`Reply` the transport writes in one send. Cookie values are never logged or echoed.
"""

from __future__ import annotations

import contextlib
import ipaddress
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
from urllib.parse import parse_qsl, urlsplit

from .admin import handle_admin
from .api import KNOWN_APP_IDS, ApiRequest, handle_api
from .cdn import CDN_PREFIX, cdn_file
from .faults import FaultRegistry
from .login import is_web_route, web_route
from .network import SandboxNetwork
from .relations import ManagedAccount
from .replies import PAGE_NOT_FOUND, Reply, ReplyError, json_reply, parse_cookie_header

__all__ = ["KNOWN_APP_IDS", "SandboxServer", "is_loopback_host"]


def is_loopback_host(host: str) -> bool:
    try:
        return all(ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None))
    except (OSError, ValueError):
        return False


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
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sandbox"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = 120  # idle keep-alive connections are closed after this
    server: _HTTPServer

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

    def _send(self, reply: Reply) -> None:
        # One write per response: status line, headers and body together.
        lines = [
            f"HTTP/1.1 {reply.status} {HTTPStatus(reply.status).phrase}",
            f"Content-Type: {reply.content_type}",
            f"Content-Length: {len(reply.body)}",
            f"Date: {self.date_time_string()}",
            "Cache-Control: private, no-cache, no-store, must-revalidate",
        ]
        lines.extend(f"{name}: {value}" for name, value in reply.headers)
        if self.close_connection:
            lines.append("Connection: close")
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + reply.body)
        self.log_request(reply.status, len(reply.body))

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is None:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                self.close_connection = True
                raise ReplyError(411, {"message": "Length Required", "status": "fail"})
            return b""
        try:
            n = int(length)
        except ValueError:
            self.close_connection = True
            raise ReplyError(400, {"message": "bad Content-Length", "status": "fail"}) from None
        if n < 0 or n > 1_000_000:
            self.close_connection = True
            raise ReplyError(413, {"message": "body too large", "status": "fail"})
        return self.rfile.read(n) if n else b""

    def _answer(self, method: str) -> Reply:
        sandbox = self.server.sandbox
        body = self._read_body()
        split = urlsplit(self.path)
        path = split.path
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        if path.startswith("/__sandbox__/"):
            host = self.client_address[0] if isinstance(self.client_address, tuple) else ""
            return handle_admin(sandbox, method, path, query, body, host)
        if path.startswith("/api/v1/"):
            return handle_api(sandbox, ApiRequest(method, path, query, split.query, body, self.headers))
        if is_web_route(path):
            sandbox.count("web_login", None)
            cookies = parse_cookie_header(self.headers.get("Cookie", ""))
            web = web_route(sandbox.network, method, path, query, body, cookies, self.headers)
            return Reply(web.status, web.body, web.content_type, tuple(web.headers))
        if path.startswith(CDN_PREFIX) and method == "GET":
            sandbox.count("cdn", None)
            content, content_type = cdn_file(path)
            return Reply(200, content, content_type)
        return json_reply(404, PAGE_NOT_FOUND)

    def _dispatch(self, method: str) -> None:
        sandbox = self.server.sandbox
        try:
            try:
                reply = self._answer(method)
            except ReplyError as error:
                reply = error.reply
            self._send(reply)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as exc:
            sys.stderr.write(
                f"sandbox: internal error on {method} {urlsplit(self.path).path}: "
                f"{type(exc).__name__}: {exc}\n"
            )
            sandbox.internal_errors += 1
            try:
                self._send(json_reply(500, {"message": "sandbox internal error", "status": "fail"}))
            except OSError:
                self.close_connection = True


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
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not is_loopback_host(host):
            raise ValueError(f"the sandbox only binds loopback addresses, not {host!r}")
        self.network = network
        self.host = host
        self.port = port
        self.state_file = Path(state_file) if state_file is not None else None
        self.verbose = verbose
        #: how fault delays wait; tests inject a recorder so they never depend on the wall clock
        self.sleep = sleep
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
