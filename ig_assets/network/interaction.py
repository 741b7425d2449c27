"""Messageability and story-reply eligibility of a profile (seed 000 §2, seed 004 DM/story state).

Pure rules. Each answer is a state, a reason slug, and when to look again: a person who could not
be reached is retried later, and each further failure makes the wait longer, so the pipeline never
keeps knocking on a closed door.

States: `messageable`, `not_messageable`, `unknown`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MESSAGEABLE = "messageable"
NOT_MESSAGEABLE = "not_messageable"
UNKNOWN = "unknown"

#: first wait after a failure; doubles with each further failure up to `RETRY_CAP`
RETRY_BASE = timedelta(days=1)
RETRY_CAP = timedelta(days=30)


@dataclass(frozen=True)
class InteractionState:
    state: str
    reason: str
    retry_after: datetime | None = None


def retry_window(failures: int) -> timedelta:
    """1 day after the first failure, 2 after the second, 4, 8, ... never more than 30 days."""
    if failures <= 0:
        return timedelta(0)
    return min(RETRY_CAP, RETRY_BASE * 2 ** (failures - 1))


def dm_state(
    *,
    in_inbox: bool,
    follows_you: bool,
    is_private: bool | None,
    failures: int,
    last_failure: str | None,
    now: datetime,
) -> InteractionState:
    """Can the account send this profile a direct message?

    Reasons:
    - `inbox_thread`: a thread exists, so a message lands in it: messageable, no retry needed.
    - `send_failed:<why>`: the last attempt failed (e.g. `messaging_disabled`, closed message
      requests); not messageable until the growing retry window has passed.
    - `follows_you`: a follower without a thread; a message arrives as a request they usually see:
      messageable.
    - `private_not_following`: a private account that does not follow the account; a message would
      sit unseen in requests: not messageable, re-checked after the base window.
    - `not_checked`: nothing known yet: unknown.
    """
    if in_inbox:
        return InteractionState(MESSAGEABLE, "inbox_thread")
    if failures > 0:
        return InteractionState(
            NOT_MESSAGEABLE, f"send_failed:{last_failure or 'unknown'}", now + retry_window(failures)
        )
    if follows_you:
        return InteractionState(MESSAGEABLE, "follows_you")
    if is_private:
        return InteractionState(NOT_MESSAGEABLE, "private_not_following", now + RETRY_BASE)
    return InteractionState(UNKNOWN, "not_checked")


def story_state(
    *,
    following: bool,
    is_private: bool | None,
    replies_disabled: bool | None,
    failures: int,
    now: datetime,
) -> InteractionState:
    """Can the account reply to this profile's stories?

    Reasons:
    - `replies_disabled`: the owner turned story replies off: not messageable, re-checked after
      the base window (settings change).
    - `reply_failed`: the last reply failed; not messageable for the growing retry window.
    - `private_not_following`: stories of a private account are invisible unless the account
      follows it: not messageable, re-checked after the base window.
    - `following`: the account sees and may answer their stories: messageable.
    - `public`: a public profile's stories can be seen and answered: messageable.
    - `not_checked`: unknown.
    """
    if replies_disabled:
        return InteractionState(NOT_MESSAGEABLE, "replies_disabled", now + RETRY_BASE)
    if failures > 0:
        return InteractionState(NOT_MESSAGEABLE, "reply_failed", now + retry_window(failures))
    if following:
        return InteractionState(MESSAGEABLE, "following")
    if is_private:
        return InteractionState(NOT_MESSAGEABLE, "private_not_following", now + RETRY_BASE)
    if is_private is False:
        return InteractionState(MESSAGEABLE, "public")
    return InteractionState(UNKNOWN, "not_checked")
