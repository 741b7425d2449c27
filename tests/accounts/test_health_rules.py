"""Account-health rules on their own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ig_assets.accounts.rules import ACTION_BLOCKED_COOLDOWN, THROTTLE_COOLDOWN, blocked_reason, health_after
from ig_resources.instagram.errors import (
    ActionBlockedError,
    AuthenticationError,
    CheckpointRequiredError,
    MalformedResponseError,
    NotFoundError,
    PrivateAccountError,
    RateLimitedError,
    ServerError,
)
from ig_resources.records import AccountRecord

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_checkpoint_and_logout_stop_the_account() -> None:
    checkpoint = health_after(CheckpointRequiredError("followers: checkpoint_required"), NOW)
    logout = health_after(AuthenticationError("followers: login_required"), NOW)
    assert checkpoint is not None
    assert checkpoint.login_state == "checkpoint_required"
    assert checkpoint.cooldown_until is None
    assert logout is not None
    assert logout.login_state == "login_required"
    assert "login_required" in logout.reason


def test_throttling_cools_down_until_retry_after_or_a_window() -> None:
    told = health_after(RateLimitedError("followers: 429", retry_after=NOW + timedelta(minutes=7)), NOW)
    untold = health_after(RateLimitedError("followers: Please wait a few minutes"), NOW)
    stale = health_after(RateLimitedError("x", retry_after=NOW - timedelta(minutes=1)), NOW)
    assert told is not None
    assert told.cooldown_until == NOW + timedelta(minutes=7)
    assert told.login_state is None
    assert untold is not None
    assert untold.cooldown_until == NOW + THROTTLE_COOLDOWN
    assert stale is not None
    assert stale.cooldown_until == NOW + THROTTLE_COOLDOWN
    blocked = health_after(ActionBlockedError("comment: feedback_required"), NOW)
    assert blocked is not None
    assert blocked.cooldown_until == NOW + ACTION_BLOCKED_COOLDOWN


@pytest.mark.parametrize(
    "error", [NotFoundError("x"), PrivateAccountError("x"), ServerError("x"), MalformedResponseError("x")]
)
def test_profile_and_run_level_errors_leave_the_account_alone(error: Exception) -> None:
    assert health_after(error, NOW) is None  # type: ignore[arg-type]


def account(
    login_state: str = "logged_in", cooldown_until: datetime | None = None, reason: str | None = None
) -> AccountRecord:
    return AccountRecord(
        id=1,
        username="alice",
        ig_user_id="1",
        current_username=None,
        login_state=login_state,
        login_state_reason=reason if login_state != "logged_in" else None,
        user_agent=None,
        has_cookies=True,
        removed_at=None,
        created_at=NOW,
        follow_graph_synced_at=None,
        cooldown_until=cooldown_until,
        cooldown_reason=reason if cooldown_until else None,
    )


def test_blocked_reason_names_account_reason_and_when() -> None:
    assert blocked_reason(account(), NOW) is None
    assert blocked_reason(account(cooldown_until=NOW - timedelta(seconds=1), reason="429"), NOW) is None
    cooling = blocked_reason(
        account(cooldown_until=NOW + timedelta(hours=1), reason="rate_limited: 429"), NOW
    )
    assert cooling == "account 'alice' is cooling down until 2026-11-23 13:00 UTC (rate_limited: 429)"
    stopped = blocked_reason(account("checkpoint_required", reason="challenge"), NOW)
    assert stopped is not None
    assert "checkpoint_required: challenge" in stopped
    assert "accounts login alice" in stopped
