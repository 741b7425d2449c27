"""What the sandbox's HTTP handlers answer with, and the request parsing they share."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

JSON_TYPE = "application/json; charset=utf-8"
PAGE_NOT_FOUND = {"message": "Sorry, this page isn't available.", "status": "fail"}


@dataclass(frozen=True)
class Reply:
    """One HTTP answer; the transport writes it in a single send."""

    status: int
    body: bytes
    content_type: str = JSON_TYPE
    headers: tuple[tuple[str, str], ...] = ()


class ReplyError(Exception):
    """Raised where a request turns out unanswerable, to answer at once with (status, JSON body)."""

    def __init__(self, status: int, body: dict[str, Any], headers: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(status)
        self.reply = json_reply(status, body, headers)


def dumps(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


def json_reply(status: int, data: dict[str, Any], headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    return Reply(status, dumps(data), JSON_TYPE, headers)


def parse_cookie_header(header: str) -> dict[str, str]:
    cookies: dict[str, str] = {}
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name:
            cookies[name] = value.strip()
    return cookies


def int_or_none(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    return int(value)


def json_body(body: bytes) -> Any:
    if not body.strip():
        return {}
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ReplyError(400, {"message": "the body is not valid JSON", "status": "fail"}) from None
