"""The one account session every Instagram-facing asset runs inside.

`account_session` refuses an account that is stopped or cooling down, opens its sync run, opens the
right client (Instagram's web API with the account's own cookies and request budget, or Apify when the
account reads its content there), and closes the run in exactly one way:

- the asset calls `complete(stats)`: the run succeeds with the stats, requests and pacing;
- an account-level error from Instagram: the account's health changes (cooldown, logged out) and the
  asset fails with a `dg.Failure` naming the account, the reason and when it may run again;
- the run is terminated (UI or CLI): the sync run is `cancelled`, not `failed`;
- anything else: the run is `failed` with the reason.

Requests, pacing and the sync run's id go to the materialization's metadata without the asset's help.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any

import dagster as dg

from ig_resources.database import ConcurrentSyncError, DatabaseResource, SecretKeyError, UnknownAccountError
from ig_resources.instagram import InstagramClientResource, InstagramError
from ig_resources.instagram.apify import ApifyInstagramClient
from ig_resources.instagram.protocol import InstagramClient
from ig_resources.records import AccountRecord, ActionLogWrite

from .rules import blocked_reason, health_after, trigger_source

#: errors that stop the account's run without being a crash of the code
ACCOUNT_STOPS = (InstagramError, SecretKeyError, ConcurrentSyncError)


def known_account(database: DatabaseResource, username: str) -> AccountRecord:
    """The partition's account (for assets that send nothing to Instagram), or a Failure naming it."""
    try:
        return database.accounts.get(username)
    except UnknownAccountError as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from None


def runnable_account(database: DatabaseResource, username: str, now: datetime | None = None) -> AccountRecord:
    """The partition's account, or a Failure when it is unknown or must not send anything now."""
    account = known_account(database, username)
    if reason := blocked_reason(account, now or datetime.now(UTC)):
        raise dg.Failure(
            description=f"{reason}; nothing was sent",
            metadata={"account_state": account.login_state, "reason": reason},
            allow_retries=False,
        )
    return account


def record_health_after(
    database: DatabaseResource, account: AccountRecord, error: InstagramError, now: datetime
) -> dict[str, str]:
    """Store what `error` means for the account; the account's new state as metadata (empty when the
    error concerned only this run or one profile)."""
    change = health_after(error, now)
    if change is None:
        return {}
    database.accounts.record_health(
        account.id, login_state=change.login_state, cooldown_until=change.cooldown_until, reason=change.reason
    )
    if change.login_state:
        return {"account_state": change.login_state}
    return {"account_state": "cooling_down", "cooldown_until": f"{change.cooldown_until:%Y-%m-%d %H:%M} UTC"}


def _consequence(state: Mapping[str, str]) -> str:
    if "cooldown_until" in state:
        return f"; the account cools down until {state['cooldown_until']}"
    if "account_state" in state:
        return f"; the account is now {state['account_state']} until someone logs in again"
    return ""


class AccountSession:
    """One asset run of one account: its client, its sync run, and how that run ends."""

    def __init__(
        self,
        context: dg.AssetExecutionContext,
        database: DatabaseResource,
        account: AccountRecord,
        sync_run_id: int,
    ) -> None:
        self.context = context
        self.database = database
        self.account = account
        self.sync_run_id = sync_run_id
        #: set once the client is open (opening it may already fail: a key that cannot decrypt)
        self.client: InstagramClient = None  # type: ignore[assignment]
        self.run_id = context.run.run_id
        #: what started the run (schedule, sensor, backfill, manual), as the action log records it
        self.source = trigger_source(context.run.tags)
        self._ended = False
        self._failure_stats: dict[str, Any] = {}

    @property
    def requests(self) -> dict[str, int]:
        return dict(getattr(self.client, "requests", {}))

    @property
    def pacing(self) -> dict[str, Any]:
        pacer = getattr(self.client, "pacing", None)
        return pacer.as_metadata() if pacer else {"paced": False}

    def action(self, profile_id: int, kind: str, status: str, **details: Any) -> ActionLogWrite:
        """An action-log row of this run about one profile."""
        return ActionLogWrite(
            profile_id, kind, status, self.source, {"dagster_run_id": self.run_id, **details}
        )

    def usage(self) -> dict[str, Any]:
        """Requests by kind, their total and the pacing so far: what every sync run records."""
        requests = self.requests
        return {"requests": requests, "requests_total": sum(requests.values()), "pacing": self.pacing}

    def complete(
        self, stats: Mapping[str, Any], *, commit: Callable[[dict[str, Any]], None] | None = None
    ) -> dict[str, Any]:
        """The run succeeded: its stats (with the usage) are stored and returned. `commit(stats)`, when
        given, stores them itself in the transaction of the asset's last write."""
        full = {**stats, **self.usage()}
        if commit is None:
            self.database.runs.complete(self.sync_run_id, full)
        else:
            commit(full)
        self._ended = True
        return full

    def refuse(self, description: str, stats: Mapping[str, Any], **metadata: Any) -> dg.Failure:
        """A Failure for a run the asset refused to commit (its stats are kept on the failed run)."""
        self._failure_stats = {**stats, **self.usage()}
        return dg.Failure(
            description=f"account '{self.account.username}': {description}",
            metadata={"sync_run_id": self.sync_run_id, **metadata},
            allow_retries=False,
        )

    def _end_with(self, exc: BaseException) -> BaseException:
        """Record how the run ended on `exc`, and the exception the asset raises for it."""
        stats = self._failure_stats or self.usage()
        if isinstance(exc, dg.DagsterExecutionInterruptedError | KeyboardInterrupt):
            self.database.runs.cancel(self.sync_run_id, stats)
            return exc
        reason = exc.description if isinstance(exc, dg.Failure) else (str(exc) or type(exc).__name__)
        self.database.runs.fail(self.sync_run_id, reason, stats)
        if not isinstance(exc, ACCOUNT_STOPS):
            return exc
        state = (
            record_health_after(self.database, self.account, exc, datetime.now(UTC))
            if isinstance(exc, InstagramError)
            else {}
        )
        # An account-level stop, not a crash: say which account, why, and when it may run again.
        return dg.Failure(
            description=f"account '{self.account.username}': {exc}{_consequence(state)}",
            metadata={
                "reason": getattr(exc, "reason", type(exc).__name__),
                "sync_run_id": self.sync_run_id,
                **state,
            },
            allow_retries=False,
        )


def _client(
    database: DatabaseResource,
    instagram: InstagramClientResource,
    apify: ApifyInstagramClient | None,
    account: AccountRecord,
) -> AbstractContextManager[InstagramClient]:
    if apify is not None and account.content_source == "apify":
        return apify.open()
    return instagram.open(
        database.accounts.session_cookies(account),
        account.user_agent,
        budgets=database.accounts.budget_store(account.id),
    )


@contextmanager
def account_session(
    context: dg.AssetExecutionContext,
    database: DatabaseResource,
    instagram: InstagramClientResource,
    *,
    apify: ApifyInstagramClient | None = None,
    kind: str | None = None,
) -> Iterator[AccountSession]:
    """The partition's account session (see the module's doc). `apify` is given by assets that may
    read through Apify; `kind` names the sync run (default: the asset's name)."""
    account = runnable_account(database, context.partition_key)
    sync_run_id = database.runs.open(account.id, kind or context.asset_key.path[-1], context.run.run_id)
    database.runs.start(sync_run_id)
    database.accounts.beat(account.id)
    session = AccountSession(context, database, account, sync_run_id)
    try:
        with _client(database, instagram, apify, account) as session.client:
            yield session
            if not session._ended:
                raise RuntimeError("the asset returned without completing its account session")
    except BaseException as exc:
        database.accounts.beat(account.id)
        if session._ended:
            raise
        raised = session._end_with(exc)
        if raised is exc:
            raise
        raise raised from None
    database.accounts.beat(account.id)
    # Named output: assets with checks have more than one.
    context.add_output_metadata(
        {
            "sync_run_id": sync_run_id,
            "requests_total": sum(session.requests.values()),
            "requests": dg.MetadataValue.json(session.requests),
            "pacing": dg.MetadataValue.json(session.pacing),
        },
        output_name=context.assets_def.get_output_name_for_asset_key(context.asset_key),
    )
