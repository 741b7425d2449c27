"""Injected failures: what Instagram does to clients that sync too much, too fast, or too long.

A `Fault` matches requests by endpoint kind (and optionally the viewer account), lets the first
`after_pages` matching requests through, then fires `times` times (or forever). The bodies are
the real ones (see shared/fixtures/instagram and reference §9).
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field, fields
from typing import Any

FAULT_KINDS: dict[str, str] = {
    "rate_limit_429": "HTTP 429 'Please wait a few minutes' (optional Retry-After)",
    "please_wait_401": "HTTP 401 'Please wait a few minutes'",
    "checkpoint_required": "HTTP 400 checkpoint_required (web checkpoint body)",
    "challenge_required": "HTTP 400 challenge_required (mobile challenge body)",
    "login_required": "HTTP 403 login_required (logged out)",
    "server_error_500": "HTTP 500",
    "truncated_body": "HTTP 200 with the real JSON body cut in half",
    "malformed": (
        'HTTP 200 without the expected list key ({"status": "ok"}); variant \'html\': an HTML login page'
    ),
    "truncated_list": "HTTP 200, well-formed, but the list ends early (fewer items, no cursor)",
    "slow": "the normal answer after `delay_seconds`",
}
ENDPOINT_KINDS = (
    "followers",
    "following",
    "current_user",
    "user_info",
    "inbox",
    "pending_inbox",
    "story_tray",
    "reels_media",
    "highlights",
    "friendship",
    "*",
)

PLEASE_WAIT = {"message": "Please wait a few minutes before you try again.", "status": "fail"}
LOGIN_REQUIRED = {
    "message": "login_required",
    "error_title": "You've Been Logged Out",
    "error_body": "Please log back in.",
    "logout_reason": 2,
    "status": "fail",
}
SERVER_ERROR = {"message": "Oops, an error occurred.", "status": "fail"}
HTML_LOGIN_PAGE = (
    '<!DOCTYPE html>\n<html lang="en" class="no-js not-logged-in client-root">\n<head>\n'
    '<meta charset="utf-8">\n<title>Login \u2022 Instagram</title>\n'
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n</head>\n'
    '<body class=""><div id="react-root"><span>Instagram</span></div>\n'
    '<script type="text/javascript">window._sharedData = {"config":{"viewer":null}};</script>\n'
    "</body>\n</html>\n"
)


def checkpoint_body(pk: int, nonce: str) -> dict[str, Any]:
    return {
        "message": "checkpoint_required",
        "checkpoint_url": f"/challenge/{pk}/{nonce}/",
        "lock": False,
        "status": "fail",
    }


def challenge_body(pk: int, nonce: str) -> dict[str, Any]:
    path = f"/challenge/{pk}/{nonce}/"
    return {
        "message": "challenge_required",
        "challenge": {
            "url": f"https://i.instagram.com{path}",
            "api_path": path,
            "hide_webview_header": True,
            "lock": True,
            "logout": False,
            "native_flow": True,
            "flow_render_type": 0,
        },
        "status": "fail",
        "error_type": "checkpoint_challenge_required",
    }


class FaultError(ValueError):
    """A fault description that cannot be used."""


@dataclass
class Fault:
    """One injected failure. Runtime counters: `seen` (matching requests), `fired`."""

    kind: str
    endpoint: str = "*"
    account: str | None = None  # viewer username (spec name or current handle); None: any
    after_pages: int = 0  # the first N matching requests succeed
    times: int | None = None  # fire K times, then remove itself; None: until cleared
    retry_after: int | None = None  # rate_limit_429: Retry-After seconds
    variant: str | None = None  # malformed: None/"missing_key" or "html"
    delay_seconds: float = 0.0  # sleep before answering (any kind; "slow" only sleeps)
    id: int = 0
    seen: int = field(default=0, compare=False)
    fired: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        if self.kind == "html":  # shorthand for the HTML variant of malformed
            self.kind, self.variant = "malformed", "html"
        if self.kind not in FAULT_KINDS:
            raise FaultError(f"unknown fault kind {self.kind!r}; one of: {', '.join(FAULT_KINDS)}")
        if self.endpoint not in ENDPOINT_KINDS:
            raise FaultError(f"unknown endpoint {self.endpoint!r}; one of: {', '.join(ENDPOINT_KINDS)}")
        if self.variant not in (None, "missing_key", "html"):
            raise FaultError(f"unknown variant {self.variant!r} (missing_key or html)")
        if self.after_pages < 0 or (self.times is not None and self.times < 1):
            raise FaultError("after_pages must be >= 0 and times >= 1")
        if self.delay_seconds < 0 or self.delay_seconds > 600:
            raise FaultError("delay_seconds must be between 0 and 600")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fault:
        allowed = {f.name for f in fields(cls)} - {"id", "seen", "fired"}
        unknown = set(data) - allowed
        if unknown:
            raise FaultError(f"unknown fault field(s): {', '.join(sorted(unknown))}")
        if "kind" not in data:
            raise FaultError("a fault needs 'kind'")
        try:
            return cls(**data)
        except TypeError as exc:
            raise FaultError(str(exc)) from None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def matches(self, endpoint: str, accounts: tuple[str, ...]) -> bool:
        if self.endpoint not in ("*", endpoint):
            return False
        return self.account is None or self.account in accounts


class FaultRegistry:
    """Thread-safe list of active faults; the first matching fault that is due fires."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._next_id = 1

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            fault.id = self._next_id
            self._next_id += 1
            self._faults.append(fault)
            return fault

    def clear(self) -> int:
        with self._lock:
            n = len(self._faults)
            self._faults.clear()
            return n

    def remove(self, fault_id: int) -> bool:
        with self._lock:
            before = len(self._faults)
            self._faults = [f for f in self._faults if f.id != fault_id]
            return len(self._faults) != before

    def list(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def __len__(self) -> int:
        return len(self._faults)

    def check(self, endpoint: str, accounts: tuple[str, ...]) -> Fault | None:
        """Count this request against matching faults; return the one that fires, if any."""
        with self._lock:
            for fault in self._faults:
                if not fault.matches(endpoint, accounts):
                    continue
                fault.seen += 1
                if fault.seen <= fault.after_pages:
                    continue
                fault.fired += 1
                if fault.times is not None and fault.fired >= fault.times:
                    self._faults.remove(fault)
                return fault
            return None
