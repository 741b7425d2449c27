"""A scripted HTTP server on 127.0.0.1 for exercising the real httpx client over loopback.

Each path has a queue of scripted responses (status, headers, body, optional delay, optional truncation);
every request is recorded (method, path, query, headers, client port). A path with an empty queue answers
599 and is recorded in `unscripted`, so a test that sends one request too many fails loudly.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit


@dataclass(frozen=True)
class Scripted:
    status: int = 200
    body: Any = b""  # bytes/str sent as is; anything else JSON-encoded
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to sleep before answering (timeouts)
    cut_after: int | None = None  # send only this many body bytes, then close (announced length stays full)

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: dict[str, str]  # last value of each parameter
    headers: dict[str, str]  # lower-cased names
    client_port: int
    body: bytes = b""  # what a POST sent
    query_list: tuple[tuple[str, str], ...] = ()  # every parameter in order (repeated ones too)


class StubServer:
    def __init__(self) -> None:
        self._routes: dict[str, deque[Scripted]] = {}
        self._lock = threading.Lock()
        self.requests: list[Recorded] = []
        self.unscripted: list[str] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        # A short poll interval makes shutdown() (each test's teardown) quick.
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, path: str, *responses: Scripted) -> None:
        with self._lock:
            self._routes.setdefault(path, deque()).extend(responses)

    def requests_to(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    def start(self) -> StubServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _next(self, path: str) -> Scripted | None:
        with self._lock:
            queue = self._routes.get(path)
            return queue.popleft() if queue else None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as Instagram's front ends allow
            disable_nagle_algorithm = True  # headers and body go out in two writes: avoid 40 ms stalls

            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                self._answer(self.rfile.read(length))

            def _answer(self, body: bytes = b"") -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                query_list = tuple(parse_qsl(parts.query, keep_blank_values=True))
                headers = {k.lower(): v for k, v in self.headers.items()}
                with server._lock:
                    port = self.client_address[1]
                    server.requests.append(
                        Recorded(self.command, parts.path, query, headers, port, body, query_list)
                    )
                scripted = server._next(parts.path)
                if scripted is None:
                    server.unscripted.append(parts.path)
                    scripted = Scripted(599, {"message": "unscripted request", "status": "fail"})
                if scripted.delay:
                    time.sleep(scripted.delay)
                payload = scripted.payload()
                try:
                    self.send_response(scripted.status)
                    names = {name.lower() for name in scripted.headers}
                    if "content-type" not in names:
                        self.send_header("Content-Type", "application/json; charset=utf-8")
                    for name, value in scripted.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    if scripted.cut_after is not None:
                        self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(payload if scripted.cut_after is None else payload[: scripted.cut_after])
                    self.wfile.flush()
                    if scripted.cut_after is not None:
                        self.close_connection = True
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up (timeout tests)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep pytest output clean

        return Handler
