"""A local OpenAI-compatible server for tests, the benchmark and the demo.

It answers `POST /v1/chat/completions` with JSON that validates against the request's
`response_format` JSON schema (or with what a `responder` returns), and `GET /v1/models`, on
127.0.0.1 only, from a thread. Faults are scripted per call (`script("status:500", "slow:2")`), so
the real `openai` client meets real HTTP errors, timeouts and broken output.

Run it alone: `python -m ig_sandbox.openai --port 0` prints its URL and serves until killed.
Only the standard library is imported, so starting it costs little.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

#: what a vision model is charged per picture at "low" detail; the stand-in counts the same
IMAGE_TOKENS = 85
MODEL_ID = "standin-1"

_BEHAVIOURS = ("ok", "invalid_json", "wrong_schema", "fenced", "length", "refusal", "disconnect")


def _check_behaviour(behaviour: str) -> None:
    kind, _, rest = behaviour.partition(":")
    try:
        if kind == "slow":
            float(rest)
            return
        if kind == "status":
            code, _, retry_after = rest.partition(":")
            if not 400 <= int(code) <= 599:
                raise ValueError
            if retry_after:
                float(retry_after)
            return
    except ValueError:
        pass
    else:
        if behaviour in _BEHAVIOURS:
            return
    raise ValueError(
        f"unknown stand-in behaviour {behaviour!r}: one of {', '.join(_BEHAVIOURS)}, "
        "slow:<seconds>, status:<code>, status:429:<retry_after_seconds>"
    )


# -- answers from a JSON schema ---------------------------------------------------------------------

_WORDS = {
    "language": "en",
    "primary_language": "en",
    "tone": "friendly",
    "sentiment": "positive",
    "engagement_style": "replies to comments",
    "value": "example",
    "signal_type": "interest",
}


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"only local $ref is supported, not {ref!r}")
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _text_for(name: str, index: int | None = None) -> str:
    if name in _WORDS and index is None:
        return _WORDS[name]
    words = name.replace("_", " ").strip() or "text"
    if index is not None:
        singular = words[:-1] if words.endswith("s") and not words.endswith("ss") else words
        return f"{singular} {index + 1}"
    return f"A short {words}."


def _number(schema: dict[str, Any], integer: bool) -> float | int:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    if low is not None and high is not None:
        value = low + (high - low) * 0.75  # inside the range and away from both ends
    elif low is not None:
        value = low + 1
    elif high is not None:
        value = high - 1
    else:
        value = 1
    return math.floor(value) if integer else float(value)


def generate(
    schema: dict[str, Any], root: dict[str, Any] | None = None, name: str = "", index: int | None = None
) -> Any:
    """A value that validates against `schema` (the subset pydantic and OpenAI's strict mode use)."""
    root = schema if root is None else root
    schema = _resolve(schema, root)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            branches = [_resolve(b, root) for b in schema[key]]
            chosen = next((b for b in branches if b.get("type") != "null"), branches[0])
            return generate(chosen, root, name, index)
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return generate(schema["allOf"][0], root, name, index)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else "string"
    if kind == "object":
        properties: dict[str, Any] = schema.get("properties") or {}
        return {key: generate(sub, root, key) for key, sub in properties.items()}
    if kind == "array":
        count = min(2, schema.get("maxItems", 2))
        count = max(count, schema.get("minItems", 0))
        items = schema.get("items") or {"type": "string"}
        return [generate(items, root, name, i) for i in range(count)]
    if kind == "string":
        text = _text_for(name, index)
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        text = text.ljust(low, ".")
        return text[:high] if high is not None else text
    if kind in ("number", "integer"):
        return _number(schema, kind == "integer")
    if kind == "boolean":
        return True
    return None


def _prompt_tokens(messages: Any) -> int:
    """Deterministic from the request: a quarter of the text's length, plus a flat price per picture."""
    images = 0
    stripped: list[Any] = []
    for message in messages if isinstance(messages, list) else []:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, list):
            parts = []
            for part in content:
                if isinstance(part, dict) and part.get("type") == "image_url":
                    images += 1
                    parts.append({"type": "image_url"})
                else:
                    parts.append(part)
            message = {**message, "content": parts}
        stripped.append(message)
    return math.ceil(len(json.dumps(stripped, ensure_ascii=False)) / 4) + IMAGE_TOKENS * images


# -- the server -----------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    standin: OpenAIStandIn

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up (timeout) is not news; tests assert on what the client saw


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive, as the openai client pools connections

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet

    def setup(self) -> None:
        super().setup()
        # headers and body go out in two writes: without this, Nagle's algorithm and the client's
        # delayed ACK hold each answer back ~40 ms
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.standin._opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.standin._closed(self.connection)

    def do_GET(self) -> None:
        self.server.standin._handle(self, "GET")

    def do_POST(self) -> None:
        self.server.standin._handle(self, "POST")


class OpenAIStandIn:
    """An OpenAI-compatible server on 127.0.0.1 with scriptable faults; a context manager.

    `requests` holds every chat request body received, `auth_headers` every Authorization header
    seen, `usage_reported` the (prompt_tokens, completion_tokens) of every 200 chat answer it sent
    (including answers that are broken on purpose: they cost tokens all the same).
    """

    def __init__(
        self,
        *,
        latency_seconds: float = 0.0,
        api_key: str | None = None,
        responder: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
        port: int = 0,
    ) -> None:
        self.latency_seconds = latency_seconds
        self.api_key = api_key
        self.responder = responder
        self.models_status = 200
        self.requests: list[dict[str, Any]] = []
        self.auth_headers: list[str | None] = []
        self.usage_reported: list[tuple[int, int]] = []
        self._port = port
        self._script: deque[str] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._ids = 0

    # -- control --------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the stand-in is not started: use it as a context manager or call start()")
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    @property
    def calls(self) -> int:
        """Chat requests received (refused ones included)."""
        with self._lock:
            return len(self.requests)

    def script(self, *behaviours: str) -> None:
        """Replace the queue of behaviours for the next chat calls, one per call, then "ok"."""
        for behaviour in behaviours:
            _check_behaviour(behaviour)
        with self._lock:
            self._script = deque(behaviours)

    def down(self) -> None:
        """Health checks (`GET /v1/models`) answer 503 from now on."""
        self.models_status = 503

    def up(self) -> None:
        self.models_status = 200

    def start(self) -> OpenAIStandIn:
        if self._server is not None:
            return self
        self._stopping.clear()
        server = _Server(("127.0.0.1", self._port), _Handler)
        server.standin = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="openai-standin", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()  # wakes "slow" answers and latency sleeps
        server.shutdown()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:  # idle keep-alive connections would hold their threads
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> OpenAIStandIn:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- serving --------------------------------------------------------------------------------

    def _opened(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)

    def _closed(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)

    def _send(
        self, handler: _Handler, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                handler.send_header(key, value)
            handler.end_headers()
            handler.wfile.write(data)
            handler.wfile.flush()
        except OSError:
            handler.close_connection = True  # the client gave up (its timeout)

    def _error(
        self,
        handler: _Handler,
        status: int,
        message: str,
        *,
        kind: str = "invalid_request_error",
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self._send(
            handler,
            status,
            {"error": {"message": message, "type": kind, "param": None, "code": code}},
            headers,
        )

    def _handle(self, handler: _Handler, method: str) -> None:
        path = handler.path.split("?", 1)[0].rstrip("/")
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        authorization = handler.headers.get("Authorization")
        with self._lock:
            self.auth_headers.append(authorization)
        if path in ("/v1/models", "/models") and method == "GET":
            return self._models(handler, authorization)
        if path in ("/v1/chat/completions", "/chat/completions") and method == "POST":
            return self._chat(handler, authorization, raw)
        if path == "/__standin__/stats" and method == "GET":  # for a stand-in in another process
            return self._send(handler, 200, {"chat_requests": self.calls})
        return self._error(handler, 404, f"no route {method} {path}", code="not_found")

    def _authorized(self, handler: _Handler, authorization: str | None) -> bool:
        if self.api_key is None or authorization == f"Bearer {self.api_key}":
            return True
        self._error(handler, 401, "Incorrect API key provided.", code="invalid_api_key")
        return False

    def _models(self, handler: _Handler, authorization: str | None) -> None:
        if not self._authorized(handler, authorization):
            return
        status = self.models_status
        if status != 200:
            return self._error(handler, status, "the stand-in is down", kind="server_error")
        self._send(
            handler,
            200,
            {
                "object": "list",
                "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "standin"}],
            },
        )

    def _chat(self, handler: _Handler, authorization: str | None, raw: bytes) -> None:
        try:
            body = json.loads(raw or b"{}")
            if not isinstance(body, dict):
                raise ValueError("not an object")
        except ValueError:
            return self._error(handler, 400, "the request body is not a JSON object")
        with self._lock:
            self.requests.append(body)
        if not self._authorized(handler, authorization):
            return
        with self._lock:
            behaviour = self._script.popleft() if self._script else "ok"
            self._ids += 1
            number = self._ids
        kind, _, rest = behaviour.partition(":")
        if self.latency_seconds > 0 and self._stopping.wait(self.latency_seconds):
            return
        if kind == "slow" and self._stopping.wait(float(rest)):
            return
        if kind == "status":
            code, _, retry_after = rest.partition(":")
            headers = {"Retry-After": retry_after} if retry_after else None
            server_side = int(code) >= 500
            return self._error(
                handler,
                int(code),
                f"stand-in scripted HTTP {code}",
                kind="server_error" if server_side else "invalid_request_error",
                code="rate_limit_exceeded" if code == "429" else None,
                headers=headers,
            )
        if kind == "disconnect":
            handler.close_connection = True
            with contextlib.suppress(OSError):
                handler.connection.shutdown(socket.SHUT_RDWR)
            return

        answer = self._answer(body)
        finish_reason, refusal = "stop", None
        content: str | None = json.dumps(answer, ensure_ascii=False)
        if kind == "invalid_json":
            content = "{not json"
        elif kind == "wrong_schema":
            content = json.dumps(_without_required(answer, body), ensure_ascii=False)
        elif kind == "fenced":
            content = f"```json\n{json.dumps(answer, ensure_ascii=False, indent=2)}\n```"
        elif kind == "length":
            content, finish_reason = content[: max(1, len(content) // 2)], "length"
        elif kind == "refusal":
            content, refusal = None, "I can't help with that."
        prompt_tokens = _prompt_tokens(body.get("messages"))
        completion_tokens = math.ceil(len(content or refusal or "") / 4)
        with self._lock:
            self.usage_reported.append((prompt_tokens, completion_tokens))
        self._send(
            handler,
            200,
            {
                "id": f"chatcmpl-standin-{number}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": str(body.get("model") or MODEL_ID),
                "system_fingerprint": "standin",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content, "refusal": refusal},
                        "logprobs": None,
                        "finish_reason": finish_reason,
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
            },
        )

    def _answer(self, body: dict[str, Any]) -> Any:
        if self.responder is not None:
            return self.responder(body)
        schema = _schema_of(body)
        return generate(schema) if schema is not None else {"answer": "Stand-in answer."}


def _schema_of(body: dict[str, Any]) -> dict[str, Any] | None:
    response_format = body.get("response_format")
    if isinstance(response_format, dict) and response_format.get("type") == "json_schema":
        schema = (response_format.get("json_schema") or {}).get("schema")
        return schema if isinstance(schema, dict) else None
    return None


def _without_required(answer: Any, body: dict[str, Any]) -> Any:
    """Valid JSON that misses the schema's required fields (all but the first)."""
    if not isinstance(answer, dict):
        return {"unexpected": answer}
    schema = _schema_of(body) or {}
    required = list(schema.get("required") or answer.keys())
    kept = {k: v for k, v in answer.items() if k not in required[1:]}
    return kept if kept != answer else {}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="A local OpenAI-compatible server (127.0.0.1) for tests and demos."
    )
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds each chat answer takes")
    parser.add_argument("--api-key", default=None, help="refuse requests without this bearer key")
    args = parser.parse_args(argv)
    standin = OpenAIStandIn(latency_seconds=args.latency, api_key=args.api_key, port=args.port).start()
    print(standin.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        standin.stop()


if __name__ == "__main__":
    main()
