"""Typed failures of the Instagram client.

Every answer Instagram gives that is not a usable body maps to exactly one of these classes,
so callers can decide per class: stop the account (auth, checkpoint), wait (rate limit),
record and move on (not found), or fail the run (server error, malformed body).
Messages never contain cookie values or request headers.
"""

from __future__ import annotations

from datetime import datetime


class InstagramError(Exception):
    """Base class. `reason` is a short machine-readable slug; `status_code` the HTTP status if any."""

    reason: str = "instagram_error"

    def __init__(
        self,
        message: str,
        *,
        endpoint: str | None = None,
        status_code: int | None = None,
        retry_after: datetime | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.endpoint = endpoint
        self.status_code = status_code
        self.retry_after = retry_after

    def __str__(self) -> str:
        # Messages written by the client already start with "<endpoint>: "; don't say it twice.
        named = bool(self.endpoint) and self.message.startswith(f"{self.endpoint}:")
        where = f" [{self.endpoint}]" if self.endpoint and not named else ""
        status = f" (HTTP {self.status_code})" if self.status_code else ""
        return f"{self.reason}: {self.message}{where}{status}"


class AuthenticationError(InstagramError):
    """The session is not (or no longer) logged in: a person must log in again."""

    reason = "login_required"


class CheckpointRequiredError(AuthenticationError):
    """Instagram wants a checkpoint or challenge solved in the app or browser before going on.

    `challenge_url` is the `checkpoint_url` / `challenge.url` (or `api_path`) Instagram named, if any,
    for the person who resolves it; it is kept out of the message.
    """

    reason = "checkpoint_required"

    def __init__(
        self,
        message: str,
        *,
        endpoint: str | None = None,
        status_code: int | None = None,
        retry_after: datetime | None = None,
        challenge_url: str | None = None,
    ) -> None:
        super().__init__(message, endpoint=endpoint, status_code=status_code, retry_after=retry_after)
        self.challenge_url = challenge_url


class RateLimitedError(InstagramError):
    """HTTP 429 or "Please wait a few minutes": back off until `retry_after`."""

    reason = "rate_limited"


class NotFoundError(InstagramError):
    """The user, thread or media does not exist (or is not visible to this session)."""

    reason = "not_found"


class PrivateAccountError(NotFoundError):
    """400 "Not authorized to view user": the account is private and this session does not follow it."""

    reason = "private_account"


class ActionBlockedError(InstagramError):
    """`feedback_required` ("Action Blocked", often with `spam: true`) or `sentry_block`.

    Freeze this kind of action for the account rather than retrying it.
    """

    reason = "action_blocked"


class ServerError(InstagramError):
    """Instagram answered 5xx, or the connection failed or timed out."""

    reason = "server_error"


class MalformedResponseError(InstagramError):
    """The body was not JSON, was truncated, or lacked the fields the endpoint always sends."""

    reason = "malformed_response"
