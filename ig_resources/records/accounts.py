"""A managed account as the rules and assets see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

#: an account's login states (`instagram_accounts.login_state`); in the last two nothing is sent until
#: a person logs in again
UNKNOWN = "unknown"
LOGGED_IN = "logged_in"
LOGIN_REQUIRED = "login_required"
CHECKPOINT_REQUIRED = "checkpoint_required"

#: where an account's profiles and posts are read from (`instagram_accounts.content_source`)
CONTENT_SOURCES = ("instagram", "apify")


@dataclass(frozen=True, slots=True)
class AccountRecord:
    id: int
    username: str
    ig_user_id: str | None
    current_username: str | None
    login_state: str
    login_state_reason: str | None
    user_agent: str | None
    has_cookies: bool
    removed_at: datetime | None
    created_at: datetime
    follow_graph_synced_at: datetime | None
    cooldown_until: datetime | None = None
    cooldown_reason: str | None = None
    content_source: str = "instagram"
