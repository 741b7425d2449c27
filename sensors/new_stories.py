"""Asks each account's story tray once per tick and runs `stories_job` for the accounts with something new."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import dagster as dg

from ig_assets.accounts.rules import TRIGGER_TAG, blocked_reason
from ig_assets.accounts.session import record_health_after
from ig_assets.content.story_rules import changed_states, merge_cursor, tray_state
from ig_assets.faces.jobs import stories_job
from ig_assets.partitions import account_partitions
from ig_resources.database import DatabaseResource
from ig_resources.instagram import InstagramClientResource, InstagramError
from ig_resources.instagram.pacing import Budget, BudgetStore
from ig_resources.records import AccountRecord

#: trays asked at once: the tick is bound by Instagram's latency, not by this process
TRAY_WORKERS = 32


class _BudgetSpent(Exception):
    """The account's request budget has no room now: a sensor does not wait, it asks next tick."""


@dataclass(frozen=True)
class _NoWait:
    store: BudgetStore

    def reserve(self, bucket: str, budget: Budget) -> float:
        if (wait := self.store.reserve(bucket, budget)) > 0:
            raise _BudgetSpent(f"budget {bucket} full for {wait:.0f} s")
        return 0.0


@dataclass(frozen=True)
class TrayOutcome:
    username: str
    state: str | None = None
    skipped: str | None = None


def ask_tray(
    database: DatabaseResource, instagram: InstagramClientResource, account: AccountRecord
) -> TrayOutcome:
    """One account's tray state, or why it was not asked. An account-level error from Instagram
    changes the account's health as a run would (cooldown, logged out)."""
    # No pauses and no retries inside a tick: the next tick is the retry.
    policy = replace(instagram.policy(), pause_rate=0, max_retries=0)
    try:
        with instagram.open(
            database.accounts.session_cookies(account),
            account.user_agent,
            budgets=_NoWait(database.accounts.budget_store(account.id)),
            policy=policy,
        ) as client:
            tray = client.story_tray()
    except _BudgetSpent as exc:
        return TrayOutcome(account.username, skipped=str(exc))
    except InstagramError as exc:
        record_health_after(database, account, exc, datetime.now(UTC))
        return TrayOutcome(account.username, skipped=f"{exc.reason}: {exc}")
    except Exception as exc:
        return TrayOutcome(account.username, skipped=f"{type(exc).__name__}: {exc}")
    return TrayOutcome(account.username, tray_state(tray))


@dg.sensor(
    job=stories_job,
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Every five minutes, asks each account's story tray once (many accounts at a time) and runs "
    "stories_job (stories, their faces, the people in them) for each account whose tray changed; one run "
    "per tray state. Accounts cooling down or logged out are not asked.",
)
def new_stories_sensor(
    context: dg.SensorEvaluationContext, database: DatabaseResource, instagram: InstagramClientResource
) -> dg.SensorResult:
    previous: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    partitions = set(account_partitions.get_partition_keys(dynamic_partitions_store=context.instance))
    accounts = [a for a in database.accounts.all() if a.has_cookies and a.username in partitions]
    now = datetime.now(UTC)
    blocked = {a.username: reason for a in accounts if (reason := blocked_reason(a, now))}
    ready = [a for a in accounts if a.username not in blocked]
    with ThreadPoolExecutor(max_workers=max(1, min(TRAY_WORKERS, len(ready)))) as pool:
        outcomes = list(pool.map(lambda a: ask_tray(database, instagram, a), ready))
    states = {o.username: o.state for o in outcomes if o.state is not None}
    changed = changed_states(previous, states)
    requests = [
        dg.RunRequest(
            partition_key=name,
            run_key=f"stories:{name}:{state}",
            tags={"ig/tray_state": state, TRIGGER_TAG: "sensor"},
        )
        for name, state in sorted(changed.items())
    ]
    skipped = {o.username: o.skipped for o in outcomes if o.skipped} | blocked
    if skipped:
        context.log.info(f"not asked or failed: {skipped}")
    cursor = json.dumps(merge_cursor(previous, states, (a.username for a in accounts)), sort_keys=True)
    if not requests:
        return dg.SensorResult(
            skip_reason=f"{len(states)} trays unchanged, {len(skipped)} accounts skipped", cursor=cursor
        )
    return dg.SensorResult(run_requests=requests, cursor=cursor)
