"""Account health: what an Instagram answer means for the managed account, and when it may run again.

Pure rules (no Dagster, no I/O), following the error section of shared/reference/instagram-api.md:
throttling cools the account down until a stored time; a logged-out session or a checkpoint stops
its runs until a person logs in again; a missing or private profile is about that profile, not
the account, and a server error fails one run only. Other accounts are never affected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from ig_resources.instagram.errors import (
    ActionBlockedError,
    AuthenticationError,
    CheckpointRequiredError,
    InstagramError,
    RateLimitedError,
)
from ig_resources.records.accounts import CHECKPOINT_REQUIRED, LOGIN_REQUIRED, AccountRecord

#: login states in which nothing is sent until a person logs in again
STOPPED_STATES = frozenset({LOGIN_REQUIRED, CHECKPOINT_REQUIRED})

#: without a Retry-After, a throttled account rests this long (instaloader waits out a whole window)
THROTTLE_COOLDOWN = timedelta(minutes=30)
#: "Action Blocked" (feedback_required) is Instagram's stronger warning: rest for much longer
ACTION_BLOCKED_COOLDOWN = timedelta(hours=12)


@dataclass(frozen=True)
class HealthChange:
    """What to store on the account after an error: a new login state and/or a cool-down."""

    login_state: str | None = None
    cooldown_until: datetime | None = None
    reason: str = ""


def health_after(error: InstagramError, now: datetime) -> HealthChange | None:
    """The account-level consequence of `error`, or None when it concerns only this run or one profile.

    - `CheckpointRequiredError` (checkpoint, challenge, consent): `checkpoint_required`; a person
      must resolve it in the app or browser and log in again.
    - `AuthenticationError` (login_required, logged out, 401/403): `login_required`.
    - `RateLimitedError` (429, "Please wait a few minutes", after the client's own retries):
      cool down until Instagram's `Retry-After`, else for `THROTTLE_COOLDOWN`.
    - `ActionBlockedError` (feedback_required, spam): cool down for `ACTION_BLOCKED_COOLDOWN`.
    - Not found, private, server errors, malformed bodies: None.
    """
    if isinstance(error, CheckpointRequiredError):
        return HealthChange(login_state=CHECKPOINT_REQUIRED, reason=str(error))
    if isinstance(error, AuthenticationError):
        return HealthChange(login_state=LOGIN_REQUIRED, reason=str(error))
    if isinstance(error, RateLimitedError):
        until = (
            error.retry_after if error.retry_after and error.retry_after > now else now + THROTTLE_COOLDOWN
        )
        return HealthChange(cooldown_until=until, reason=str(error))
    if isinstance(error, ActionBlockedError):
        return HealthChange(cooldown_until=now + ACTION_BLOCKED_COOLDOWN, reason=str(error))
    return None


def blocked_reason(account: AccountRecord, now: datetime) -> str | None:
    """Why the account must not send anything now (naming it, the reason, and when it may run again),
    or None when it may."""
    if account.login_state in STOPPED_STATES:
        return (
            f"account '{account.username}' is stopped ({account.login_state}: "
            f"{account.login_state_reason or 'no detail'}); it runs again after: "
            f"ig-pipeline accounts login {account.username} (or accounts add --cookies-file FILE)"
        )
    if account.cooldown_until is not None and account.cooldown_until > now:
        return (
            f"account '{account.username}' is cooling down until {account.cooldown_until:%Y-%m-%d %H:%M} UTC "
            f"({account.cooldown_reason or 'throttled by Instagram'})"
        )
    return None


#: the run tag that says what started a run; the action log records its value
TRIGGER_TAG = "ig/trigger"
TRIGGERS = frozenset({"schedule", "sensor", "backfill", "manual"})


def trigger_source(tags: Mapping[str, str]) -> str:
    """What started a Dagster run: its `ig/trigger` tag, else what Dagster's own tags say (schedule,
    sensor, backfill), else manual."""
    if tags.get(TRIGGER_TAG) in TRIGGERS:
        return tags[TRIGGER_TAG]
    if "dagster/schedule_name" in tags:
        return "schedule"
    if "dagster/sensor_name" in tags:
        return "sensor"
    if "dagster/backfill" in tags:
        return "backfill"
    return "manual"


def normalise_username(text: str) -> str:
    """An Instagram username as stored: without spaces around it, a leading @ or capitals."""
    return text.strip().lstrip("@").strip().lower()
