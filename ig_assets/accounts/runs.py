"""The account-level guard every Instagram-facing asset runs inside.

`runnable_account` refuses to start for an account that is cooling down or logged out; `sync_run`
records the run in `sync_runs` and turns an account-level error into the account's new health and a
`dg.Failure` that names the account, the reason and when it may run again: never a crash, and never
a concern of any other account.
"""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any

import dagster as dg

from ig_resources.database import ConcurrentSyncError, DatabaseResource, SecretKeyError, UnknownAccountError
from ig_resources.instagram import InstagramClientResource, InstagramError
from ig_resources.instagram.apify import ApifyInstagramClient
from ig_resources.instagram.protocol import InstagramClient
from ig_resources.records import AccountRecord

from .rules import blocked_reason, health_after


def known_account(database: DatabaseResource, username: str) -> AccountRecord:
    """The partition's account (for assets that send nothing to Instagram), or a Failure naming it."""
    try:
        return database.accounts.get(username)
    except LookupError as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from None


def runnable_account(database: DatabaseResource, username: str) -> AccountRecord:
    """The partition's account, or a Failure when it is unknown or must not send anything now."""
    try:
        account = database.accounts.get(username)
    except UnknownAccountError as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from None
    if reason := blocked_reason(account, datetime.now(UTC)):
        raise dg.Failure(
            description=f"{reason}; nothing was sent",
            metadata={"account_state": account.login_state, "reason": reason},
            allow_retries=False,
        )
    return account


def instagram_client(
    database: DatabaseResource, instagram: InstagramClientResource, account: AccountRecord
) -> AbstractContextManager[InstagramClient]:
    """Instagram's web API with the account's own session and request budget."""
    return instagram.open(
        database.accounts.session_cookies(account), account.user_agent, budgets=database.accounts.budget_store(account.id)
    )


def content_client(
    database: DatabaseResource,
    instagram: InstagramClientResource,
    apify: ApifyInstagramClient,
    account: AccountRecord,
) -> AbstractContextManager[InstagramClient]:
    """The client that reads this account's profiles and posts: Apify when the account chose it
    (seed 002), else Instagram's web API with the account's own session and request budget."""
    return (
        apify.open() if account.content_source == "apify" else instagram_client(database, instagram, account)
    )


class RunState:
    def __init__(self, sync_run_id: int) -> None:
        self.id = sync_run_id
        self.client: InstagramClient | None = None
        self.stats: dict[str, Any] = {}
        self.committed = False


@contextmanager
def sync_run(
    database: DatabaseResource, account: AccountRecord, kind: str, dagster_run_id: str
) -> Iterator[RunState]:
    """queued -> running -> succeeded (the body commits) | failed (with the reason and requests)."""
    run = RunState(database.runs.open(account.id, kind, dagster_run_id))
    database.runs.start(run.id)
    try:
        yield run
    except BaseException as exc:
        if not run.committed:
            stats = run.stats or ({"requests": dict(run.client.requests)} if run.client else {})
            reason = exc.description if isinstance(exc, dg.Failure) else str(exc) or type(exc).__name__
            database.runs.fail(run.id, reason, stats)
        consequence, state = "", {}
        if isinstance(exc, InstagramError) and (change := health_after(exc, datetime.now(UTC))):
            database.accounts.record_health(
                account.id,
                login_state=change.login_state,
                cooldown_until=change.cooldown_until,
                reason=change.reason,
            )
            if change.login_state:
                consequence = f"; the account is now {change.login_state} until someone logs in again"
                state = {"account_state": change.login_state}
            else:
                consequence = f"; the account cools down until {change.cooldown_until:%Y-%m-%d %H:%M} UTC"
                state = {
                    "account_state": "cooling_down",
                    "cooldown_until": f"{change.cooldown_until:%Y-%m-%d %H:%M} UTC",
                }
        if isinstance(exc, InstagramError | SecretKeyError | ConcurrentSyncError):
            # An account-level stop, not a crash: say which account, why, and when it may run again.
            raise dg.Failure(
                description=f"account '{account.username}': {exc}{consequence}",
                metadata={
                    "reason": getattr(exc, "reason", type(exc).__name__),
                    "sync_run_id": run.id,
                    **state,
                },
                allow_retries=False,
            ) from None
        raise
